"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_TASK_QUEUE = void 0;
exports.workflowsPath = workflowsPath;
exports.createWorker = createWorker;
/**
 * createWorker: the one place a Sluice worker is assembled, used by the production entry point
 * (main.ts) and by tests alike, so both run the same workflows with the same options.
 */
const worker_1 = require("@temporalio/worker");
const metrics_1 = require("./metrics");
/** The task queue `sluice deploy` and the worker agree on unless told otherwise. */
exports.DEFAULT_TASK_QUEUE = 'sluice';
/** The workflows module every Sluice worker registers (resolved for both src/ and dist/). */
function workflowsPath() {
    return require.resolve('../workflows');
}
async function createWorker(options) {
    return worker_1.Worker.create({
        connection: options.connection,
        namespace: options.namespace ?? 'default',
        taskQueue: options.taskQueue ?? exports.DEFAULT_TASK_QUEUE,
        ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsPath() }),
        activities: options.activities,
        ...(options.identity ? { identity: options.identity } : {}),
        interceptors: options.metrics ? { activity: [(0, metrics_1.activityMetricsInterceptor)(options.metrics)] } : undefined,
        // A release is rarely more than a handful of concurrent activities; keep the CPU for builds.
        maxConcurrentActivityTaskExecutions: 20,
        // Cancellation reaches an activity only with a heartbeat response; the SDK default throttle
        // (80% of the heartbeat timeout) would let an abort wait ~48 s for a running build.
        maxHeartbeatThrottleInterval: '2s',
        ...options.overrides,
    });
}
//# sourceMappingURL=worker.js.map