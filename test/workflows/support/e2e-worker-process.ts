/**
 * A worker wired like production (createSluiceActivities: real targets, routers, Prometheus) in
 * its own process, so a test can SIGKILL it mid-release and start another.
 * Usage: e2e-worker-process <taskQueue> <artifactStore>.
 */
import Docker from 'dockerode';
import pino from 'pino';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadStackConfig, prometheusUrl, temporalAddress } from '../../../src/dev/config';
import { createSluiceActivities } from '../../../src/worker/activities';
import { createWorker } from '../../../src/worker/worker';

async function main(): Promise<void> {
  const [taskQueue, artifactStore] = process.argv.slice(2);
  if (!taskQueue || !artifactStore) throw new Error('usage: e2e-worker-process <taskQueue> <artifactStore>');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadStackConfig();
  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  const activities = createSluiceActivities({
    docker: new Docker({ socketPath: config.docker.socket }),
    artifactStore,
    prometheusUrl: prometheusUrl(config),
    prometheusTargetsDir: config.prometheus.targetsDir,
    logger: pino({ level: 'warn' }),
  });
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities,
    identity: `e2e-worker-${process.pid}`,
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
