/**
 * A Sluice worker whose deploy activities drive the local Kubernetes control plane, in its own
 * process so a test can SIGKILL it mid-release. Usage: worker-process <taskQueue>.
 * Prebuilt releases need no build activities; pruning the registry is stubbed (best effort in the
 * workflow), everything else is real.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadStackConfig, temporalAddress } from '../../src/dev/config';
import { createDeployActivities } from '../../src/activities/deploy';
import { adapterConfigFromStack } from '../../src/worker/adapters';
import { createWorker } from '../../src/worker/worker';

async function main(): Promise<void> {
  const [taskQueue] = process.argv.slice(2);
  if (!taskQueue) throw new Error('usage: worker-process <taskQueue>');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadStackConfig();
  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities: {
      // The production composition: it hands kubernetes targets to the Kubernetes target.
      ...createDeployActivities({ config: adapterConfigFromStack(config) }),
      async pruneReleases(input: { protect: string[] }) {
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
