"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.VERSIONS = void 0;
exports.startCliWorker = startCliWorker;
exports.fixtureSpec = fixtureSpec;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const dockerode_1 = __importDefault(require("dockerode"));
const pino_1 = __importDefault(require("pino"));
const worker_1 = require("@temporalio/worker");
const binary_1 = require("../../src/activities/build/binary");
const registry_1 = require("../../src/activities/registry");
const config_1 = require("../../src/dev/config");
const release_1 = require("../../src/domain/release");
const worker_2 = require("../../src/worker/worker");
const stack_1 = require("../helpers/stack");
const file_target_1 = require("../workflows/support/file-target");
const harness_1 = require("../workflows/support/harness");
const health_server_1 = require("../workflows/support/health-server");
exports.VERSIONS = { v1: '1.0.0+aaaaaaa', v2: '2.0.0+bbbbbbb', bad: '2.1.0-bad+ccccccc' };
const FIXTURE_SERVICE = 'cli-fixture';
async function startCliWorker() {
    try {
        // Worker INFO lines would drown the test report.
        worker_1.Runtime.install({ logger: new worker_1.DefaultLogger('ERROR') });
    }
    catch {
        // Installed already in this process.
    }
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-cli-target-'));
    const artifactStore = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-cli-artifacts-'));
    const logger = (0, pino_1.default)({ level: 'warn' });
    const binaries = new Map();
    for (const version of Object.values(exports.VERSIONS)) {
        const ref = { version, imageTag: (0, release_1.imageTagForVersion)(version), commit: version.split('+')[1] };
        const built = await (0, binary_1.buildBinary)({ artifactStore, logger }, { sourceDir: (0, node_path_1.join)((0, stack_1.repoRoot)(), 'examples', 'go-service'), service: FIXTURE_SERVICE, version: ref });
        binaries.set(version, built.binaryPath);
    }
    const health = await (0, health_server_1.startHealthServer)();
    const registry = (0, registry_1.createRegistryActivities)({ docker: new dockerode_1.default({ socketPath: stack_1.stack.docker.socket }), artifactStore, logger });
    const connection = await worker_1.NativeConnection.connect({ address: (0, config_1.temporalAddress)(stack_1.stack) });
    const taskQueue = (0, stack_1.uniqueName)('cli');
    const fileTarget = (0, file_target_1.createFileTargetActivities)({ dir, healthBase: health.base, buildMs: 0 });
    const worker = await (0, worker_2.createWorker)({
        connection,
        namespace: stack_1.stack.temporal.namespace,
        taskQueue,
        activities: {
            ...fileTarget,
            listReleases: registry.listReleases,
            pruneReleases: async (input) => ({ kept: input.protect, deleted: [] }),
        },
        workflowBundle: await (0, harness_1.workflowBundle)(),
    });
    const running = worker.run();
    return {
        taskQueue,
        artifactStore,
        binaries,
        env: { SLUICE_TASK_QUEUE: taskQueue, SLUICE_ARTIFACT_STORE: artifactStore },
        seedStable(service, environment, version) {
            // Every service in these tests retains the same fixture binaries.
            if (!(0, node_fs_1.existsSync)((0, node_path_1.join)(artifactStore, service)))
                (0, node_fs_1.symlinkSync)((0, node_path_1.join)(artifactStore, FIXTURE_SERVICE), (0, node_path_1.join)(artifactStore, service));
            const binaryPath = binaries.get(version);
            (0, file_target_1.writeState)(dir, service, environment, {
                stable: { service, version, imageTag: (0, release_1.imageTagForVersion)(version), commit: version.split('+')[1], binaryPath },
                canary: null,
                preview: null,
                warm: [],
            });
        },
        async close() {
            worker.shutdown();
            await running;
            await connection.close();
            await health.close();
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
            (0, node_fs_1.rmSync)(artifactStore, { recursive: true, force: true });
        },
    };
}
/** sluice.yaml for a prebuilt fixture release on the file target. */
function fixtureSpec(w, service, version, steps, environment = 'production') {
    return [
        `service: ${service}`,
        `environment: ${environment}`,
        `source: { kind: prebuilt, version: "${version}", binaryPath: ${w.binaries.get(version)} }`,
        'target: { kind: process }',
        'strategy:',
        '  kind: canary',
        `  steps: ${steps}`,
        'healthCheck: { interval: 200ms, window: 1s, failureThreshold: 2, timeout: 1s }',
    ].join('\n');
}
//# sourceMappingURL=worker-fixture.js.map