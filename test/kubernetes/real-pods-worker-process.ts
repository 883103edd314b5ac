/**
 * The whole Sluice worker (deploy, analysis, metrics and load activities, as the e2e worker of the
 * real-pods tests composes them) in a process of its own, so a test can SIGKILL it mid-analysis.
 * Usage: real-pods-worker-process <taskQueue> <artifactStore>.
 */
import Docker from 'dockerode';
import pino from 'pino';
import { prometheusUrl } from '../../src/dev/config';
import { createSluiceActivities } from '../../src/worker/activities';
import { runTestWorkerProcess, workerArgs } from '../helpers/worker-process';

const [taskQueue, artifactStore] = workerArgs('real-pods-worker-process <taskQueue> <artifactStore>', 2) as [string, string];
runTestWorkerProcess({
  taskQueue,
  identity: 'k8s-pods-worker',
  activities: (config) =>
    createSluiceActivities({
      docker: new Docker({ socketPath: config.docker.socket }),
      artifactStore,
      prometheusUrl: prometheusUrl(config),
      prometheusTargetsDir: config.prometheus.targetsDir,
      logger: pino({ level: 'warn' }),
    }),
});
