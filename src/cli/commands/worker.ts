import type { Command } from 'commander';
import { addConnectionOptions, connectionSettings, type ConnectionCliOptions } from '../context';
import { workerConnection } from '../../client';

interface WorkerCliOptions extends ConnectionCliOptions {
  metricsPort?: string;
  artifactStore?: string;
}

export function registerWorkerCommand(program: Command): void {
  const cmd = program
    .command('worker')
    .description('run a Sluice worker: the deployment workflows and the build, registry, target and analysis activities')
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port> (0 = any free port; default 9464 or $SLUICE_WORKER_METRICS_PORT)')
    .option('--artifact-store <dir>', "versioned binary store (default: the embedded stack's, or $SLUICE_ARTIFACT_STORE)");
  addConnectionOptions(cmd);
  cmd.addHelpText(
    'after',
    "\nExamples:\n  sluice worker\n  sluice worker --task-queue sluice-ci --metrics-port 0\n\n/metrics carries the release metrics, the state of running releases (from Temporal visibility) and\nTemporal Core's temporal_* metrics; with the embedded stack the worker registers it in Prometheus\njob sluice-worker (docs/alerting.md).\nStops cleanly (drains running activities, then unregisters) on SIGINT/SIGTERM.\n",
  );
  cmd.action(async (opts: WorkerCliOptions) => {
    const settings = connectionSettings(opts);
    // Loaded on demand: the worker pulls in the workflow bundler and every activity, which the
    // other commands never need.
    const { runWorker, workerOptionsFrom } = require('../../worker/main') as typeof import('../../worker/main');
    const base = workerOptionsFrom([], process.env);
    await runWorker({
      ...base,
      address: settings.address,
      // The flags' and Temporal's settings as every command resolves them (TLS, API key) over the environment's.
      connection: { ...base.connection, ...workerConnection(settings) },
      namespace: settings.namespace,
      taskQueue: opts.taskQueue ?? base.taskQueue,
      ...(opts.metricsPort !== undefined ? { metricsPort: Number(opts.metricsPort) } : {}),
      ...(opts.artifactStore ? { artifactStore: opts.artifactStore } : {}),
    });
  });
}
