"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Fleet = void 0;
exports.buildExampleService = buildExampleService;
exports.analysisBundle = analysisBundle;
exports.bundleOf = bundleOf;
exports.startWorker = startWorker;
exports.removeBuild = removeBuild;
exports.closedPort = closedPort;
/**
 * Real example-service instances for the analysis tests: built once per test file with
 * `go build` into a temp dir, run as child processes on free loopback ports with the fault
 * injection settings, registered with Prometheus through file SD (role labels), and stopped and
 * unregistered afterwards.
 */
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const worker_1 = require("@temporalio/worker");
const config_1 = require("../../src/dev/config");
const metrics_1 = require("../../src/activities/metrics");
const load_1 = require("../../src/activities/load");
const stack_1 = require("../helpers/stack");
const execFileAsync = (0, node_util_1.promisify)(node_child_process_1.execFile);
let built;
/** `go build` of examples/go-service (the Go build cache makes repeats cheap). */
function buildExampleService() {
    built ??= (async () => {
        const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-analysis-'));
        const binary = (0, node_path_1.join)(dir, 'go-service');
        await execFileAsync('go', ['build', '-o', binary, '.'], { cwd: (0, node_path_1.join)((0, stack_1.repoRoot)(), 'examples', 'go-service'), env: { ...process.env, CGO_ENABLED: '0' } });
        return { binary, dir };
    })();
    return built;
}
/** Everything one test started, stopped in reverse by `close()`. */
class Fleet {
    service = (0, stack_1.uniqueName)('an');
    environment = 'test';
    instances = [];
    roles = new Set();
    metrics = (0, metrics_1.createMetricsActivities)({ prometheusUrl: (0, config_1.prometheusUrl)(stack_1.stack), targetsDir: stack_1.stack.prometheus.targetsDir });
    async start(opts) {
        const { binary } = await buildExampleService();
        const port = await (0, stack_1.freePort)();
        const addr = `127.0.0.1:${port}`;
        const child = (0, node_child_process_1.spawn)(binary, [], {
            env: {
                PATH: process.env.PATH ?? '',
                ADDR: addr,
                LOG_LEVEL: 'warn',
                DRAIN_DELAY: '0s',
                FAULT_ERROR_RATE: String(opts.errorRate ?? 0),
                FAULT_LATENCY_MS: String(opts.latencyMs ?? 0),
            },
            stdio: ['ignore', 'ignore', 'pipe'],
        });
        const instance = { role: opts.role, addr, url: `http://${addr}`, child };
        this.instances.push(instance);
        await (0, stack_1.eventually)(`${opts.role} instance on ${addr}`, async () => ((await fetch(`http://${addr}/healthz`)).ok ? true : undefined), 20000, 100);
        await this.metrics.registerTargets({ service: this.service, environment: this.environment, role: opts.role, version: opts.version ?? '1.0.0', targets: [addr] });
        this.roles.add(opts.role);
        return instance;
    }
    /** Waits until Prometheus has scraped every instance at least twice (rate() needs two points). */
    async scraped() {
        for (const role of this.roles) {
            await (0, stack_1.eventually)(`Prometheus to scrape ${role}`, async () => {
                const q = `count_over_time(up{service="${this.service}",role="${role}"}[1m])`;
                const res = await fetch(`${(0, config_1.prometheusUrl)(stack_1.stack)}/api/v1/query?query=${encodeURIComponent(q)}`);
                const body = (await res.json());
                const n = Number(body.data.result[0]?.value[1] ?? 0);
                return n >= 2 ? true : undefined;
            }, 30000, 250);
        }
    }
    async close() {
        for (const role of this.roles)
            await this.metrics.unregisterTargets({ service: this.service, environment: this.environment, role });
        for (const i of this.instances.reverse()) {
            if (i.child.exitCode !== null || i.child.signalCode !== null)
                continue;
            const exited = new Promise((r) => i.child.once('exit', r));
            i.child.kill('SIGKILL');
            await exited;
        }
    }
}
exports.Fleet = Fleet;
let bundle;
const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
function analysisBundle() {
    bundle ??= (0, worker_1.bundleWorkflowCode)({ workflowsPath: require.resolve('../../src/workflows/analysis'), logger: quietLogger });
    return bundle;
}
/** A bundle of other workflow code (e.g. a parent fixture that starts the analysis child). */
function bundleOf(workflowsPath) {
    return (0, worker_1.bundleWorkflowCode)({ workflowsPath, logger: quietLogger });
}
/** An in-process worker on its own task queue with the real metric and load activities. */
async function startWorker(deps = {}, workflowBundle = analysisBundle()) {
    const connection = await worker_1.NativeConnection.connect({ address: (0, config_1.temporalAddress)(stack_1.stack) });
    const taskQueue = (0, stack_1.uniqueName)('analysis');
    const worker = await worker_1.Worker.create({
        connection,
        namespace: stack_1.stack.temporal.namespace,
        taskQueue,
        workflowBundle: await workflowBundle,
        activities: {
            ...(0, metrics_1.createMetricsActivities)({ prometheusUrl: (0, config_1.prometheusUrl)(stack_1.stack), targetsDir: stack_1.stack.prometheus.targetsDir, ...deps }),
            ...(0, load_1.createLoadActivities)(),
        },
    });
    const running = worker.run();
    return {
        taskQueue,
        async close() {
            worker.shutdown();
            await running;
            await connection.close();
        },
    };
}
async function removeBuild() {
    if (!built)
        return;
    const { dir } = await built.catch(() => ({ dir: '' }));
    if (dir)
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
}
/** A loopback port nothing listens on (bound, then released). */
async function closedPort() {
    return (0, stack_1.freePort)();
}
//# sourceMappingURL=support.js.map