/**
 * A worker wired like production (createSluiceActivities: real targets, routers, Prometheus) in
 * its own process, so a test can SIGKILL it mid-release and start another.
 * Usage: e2e-worker-process <taskQueue> <artifactStore>.
 */
import Docker from 'dockerode';
import pino from 'pino';
import { prometheusUrl } from '../../../src/dev/config';
import { createSluiceActivities } from '../../../src/worker/activities';
import { runTestWorkerProcess, workerArgs } from '../../helpers/worker-process';

const [taskQueue, artifactStore] = workerArgs('e2e-worker-process <taskQueue> <artifactStore>', 2) as [string, string];
runTestWorkerProcess({
  taskQueue,
  identity: 'e2e-worker',
  activities: (config) =>
    createSluiceActivities({
      docker: new Docker({ socketPath: config.docker.socket }),
      artifactStore,
      prometheusUrl: prometheusUrl(config),
      prometheusTargetsDir: config.prometheus.targetsDir,
      logger: pino({ level: 'warn' }),
    }),
});
