/**
 * A Sluice worker whose deploy activities drive the local Kubernetes control plane, in its own
 * process so a test can SIGKILL it mid-release. Usage: worker-process <taskQueue>.
 * Prebuilt releases need no build activities; pruning the registry is stubbed (best effort in the
 * workflow), everything else is real.
 */
import { createDeployActivities } from '../../src/activities/deploy';
import { adapterConfigFromStack } from '../../src/worker/adapters';
import { runTestWorkerProcess, workerArgs } from '../helpers/worker-process';

const [taskQueue] = workerArgs('worker-process <taskQueue>', 1) as [string];
runTestWorkerProcess({
  taskQueue,
  identity: 'k8s-worker',
  activities: (config) => ({
    // The production composition: it hands kubernetes targets to the Kubernetes target.
    ...createDeployActivities({ config: adapterConfigFromStack(config) }),
    async pruneReleases(input: { protect: string[] }) {
      return { kept: input.protect, deleted: [] };
    },
  }),
});
