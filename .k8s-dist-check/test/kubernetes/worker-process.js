"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * A Sluice worker whose deploy activities drive the local Kubernetes control plane, in its own
 * process so a test can SIGKILL it mid-release. Usage: worker-process <taskQueue>.
 * Prebuilt releases need no build activities; pruning the registry is stubbed (best effort in the
 * workflow), everything else is real.
 */
const worker_1 = require("@temporalio/worker");
const config_1 = require("../../src/dev/config");
const kubernetes_deploy_1 = require("../../src/activities/targets/kubernetes-deploy");
const worker_2 = require("../../src/worker/worker");
async function main() {
    const [taskQueue] = process.argv.slice(2);
    if (!taskQueue)
        throw new Error('usage: worker-process <taskQueue>');
    worker_1.Runtime.install({ logger: new worker_1.DefaultLogger('WARN') });
    const config = (0, config_1.loadStackConfig)();
    const connection = await worker_1.NativeConnection.connect({ address: (0, config_1.temporalAddress)(config) });
    const worker = await (0, worker_2.createWorker)({
        connection,
        namespace: config.temporal.namespace,
        taskQueue,
        activities: {
            ...(0, kubernetes_deploy_1.createKubernetesDeployActivities)(),
            async pruneReleases(input) {
                return { kept: input.protect, deleted: [] };
            },
        },
        identity: `k8s-worker-${process.pid}`,
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