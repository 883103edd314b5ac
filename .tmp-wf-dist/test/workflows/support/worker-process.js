"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * A Sluice worker with the file-target activities in its own process, so a test can SIGKILL it
 * mid-release and start another. Usage: worker-process <taskQueue> <stateDir> <healthBase>.
 */
const worker_1 = require("@temporalio/worker");
const config_1 = require("../../../src/dev/config");
const worker_2 = require("../../../src/worker/worker");
const file_target_1 = require("./file-target");
async function main() {
    const [taskQueue, dir, healthBase] = process.argv.slice(2);
    if (!taskQueue || !dir || !healthBase)
        throw new Error('usage: worker-process <taskQueue> <stateDir> <healthBase>');
    worker_1.Runtime.install({ logger: new worker_1.DefaultLogger('WARN') });
    const config = (0, config_1.loadStackConfig)();
    const connection = await worker_1.NativeConnection.connect({ address: (0, config_1.temporalAddress)(config) });
    const worker = await (0, worker_2.createWorker)({
        connection,
        namespace: config.temporal.namespace,
        taskQueue,
        activities: (0, file_target_1.createFileTargetActivities)({ dir, healthBase }),
        identity: `wf-worker-${process.pid}`,
        // Hand the workflow to the next worker quickly once this one is gone.
        overrides: { stickyQueueScheduleToStartTimeout: '1s' },
    });
    process.stdout.write('ready\n');
    await worker.run();
}
main().catch((err) => {
    console.error(err);
    process.exit(1);
});
//# sourceMappingURL=worker-process.js.map