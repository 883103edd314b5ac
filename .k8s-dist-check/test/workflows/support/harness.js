"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.workflowBundle = workflowBundle;
exports.startHarness = startHarness;
exports.release = release;
exports.seedStable = seedStable;
exports.spec = spec;
exports.newService = newService;
exports.startDeploy = startDeploy;
exports.result = result;
exports.waitForStatus = waitForStatus;
/**
 * Shared set-up for workflow tests: one workflow bundle per file, an in-process worker on a
 * unique task queue with the file-target activities, a client, and spec builders.
 */
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const worker_1 = require("@temporalio/worker");
const config_1 = require("../../../src/dev/config");
const release_1 = require("../../../src/domain/release");
const validate_1 = require("../../../src/domain/validate");
const result_1 = require("../../../src/domain/result");
const definitions_1 = require("../../../src/workflows/definitions");
const ids_1 = require("../../../src/workflows/ids");
const worker_2 = require("../../../src/worker/worker");
const stack_1 = require("../../helpers/stack");
const file_target_1 = require("./file-target");
const health_server_1 = require("./health-server");
let bundlePromise;
function workflowBundle() {
    bundlePromise ??= (0, worker_1.bundleWorkflowCode)({ workflowsPath: (0, worker_2.workflowsPath)(), logger: quietLogger });
    return bundlePromise;
}
const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
let runtimeInstalled = false;
/** Worker INFO lines would drown the test report; warnings and errors still show. */
function quietRuntime() {
    if (runtimeInstalled)
        return;
    runtimeInstalled = true;
    try {
        worker_1.Runtime.install({ logger: new worker_1.DefaultLogger('WARN') });
    }
    catch {
        // Already installed by another harness in this process.
    }
}
async function startHarness(options = {}) {
    quietRuntime();
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-wf-'));
    const health = await (0, health_server_1.startHealthServer)();
    const { client, connection } = await (0, stack_1.temporalClient)();
    const nativeConnection = await worker_1.NativeConnection.connect({ address: (0, config_1.temporalAddress)(stack_1.stack) });
    const taskQueue = (0, stack_1.uniqueName)('wf');
    const worker = await (0, worker_2.createWorker)({
        connection: nativeConnection,
        namespace: stack_1.stack.temporal.namespace,
        taskQueue,
        activities: (0, file_target_1.createFileTargetActivities)({ dir, healthBase: health.base, buildMs: options.buildMs ?? 4000 }),
        workflowBundle: await workflowBundle(),
        ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    const running = worker.run();
    return {
        client,
        connection,
        taskQueue,
        dir,
        healthBase: health.base,
        worker,
        async close() {
            worker.shutdown();
            await running;
            await nativeConnection.close();
            await connection.close();
            await health.close();
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        },
    };
}
function release(service, version) {
    return { service, version, imageTag: (0, release_1.imageTagForVersion)(version), commit: version.split('+')[1] ?? '', binaryPath: `/artifacts/${service}/${version}` };
}
/** Puts `version` in place as the live stable release, as a previous deployment would have. */
function seedStable(h, service, version, environment = 'test') {
    const r = release(service, version);
    (0, file_target_1.writeState)(h.dir, service, environment, { stable: r, canary: null, preview: null, warm: [] });
    return r;
}
/** A validated spec (the schema is exercised on every test) for the file target. */
function spec(service, version, overrides = {}) {
    return (0, validate_1.validateReleaseSpec)({
        service,
        environment: 'test',
        source: { kind: 'prebuilt', version, binaryPath: `/artifacts/${service}/${version}` },
        target: { kind: 'process', settings: {} },
        strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { analysis: { window: '1s' } }] },
        healthCheck: { interval: '200ms', window: '1s', failureThreshold: 2, timeout: '1s' },
        ...overrides,
    });
}
function newService(prefix = 'svc') {
    return (0, stack_1.uniqueName)(prefix).slice(0, 50);
}
async function startDeploy(h, s) {
    return h.client.workflow.start('deployWorkflow', {
        taskQueue: h.taskQueue,
        workflowId: (0, ids_1.deployWorkflowId)(s.service, s.environment),
        args: [s],
    });
}
function result(handle) {
    return (0, result_1.settleDeployment)(handle.result());
}
/** Waits until the status query satisfies `pred` (polling; queries are cheap). */
function waitForStatus(handle, what, pred, timeoutMs = 30000) {
    return (0, stack_1.eventually)(what, async () => {
        const status = await handle.query(definitions_1.statusQuery);
        return pred(status) ? status : undefined;
    }, timeoutMs, 100);
}
//# sourceMappingURL=harness.js.map