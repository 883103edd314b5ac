/**
 * A Sluice worker with the file-target activities in its own process, so a test can SIGKILL it
 * mid-release and start another. Usage: worker-process <taskQueue> <stateDir> <healthBase>.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadStackConfig, temporalAddress } from '../../../src/dev/config';
import { createWorker } from '../../../src/worker/worker';
import { createFileTargetActivities } from './file-target';

async function main(): Promise<void> {
  const [taskQueue, dir, healthBase] = process.argv.slice(2);
  if (!taskQueue || !dir || !healthBase) throw new Error('usage: worker-process <taskQueue> <stateDir> <healthBase>');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadStackConfig();
  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities: createFileTargetActivities({ dir, healthBase }),
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
