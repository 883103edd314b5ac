/**
 * A Sluice worker in its own process with the file-target activities (plus the real metric
 * activities, for analysis runs) and the production telemetry: release metrics through the sink,
 * state gauges from visibility, Temporal Core's metrics, and its entry in the embedded
 * Prometheus's job sluice-worker. A test can SIGKILL it mid-release and start another.
 * Usage: metrics-worker-process <taskQueue> <stateDir> <healthBase>; prints one JSON line
 * {"ready":true,"metrics":url,"address":host:port,"registration":path}; SIGTERM drains, unregisters, exits 0.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createMetricsActivities } from '../../../src/activities/metrics';
import { loadStackConfig, prometheusUrl, temporalConnectionOptions } from '../../../src/dev/config';
import { dataConverterOption } from '../../helpers/stack';
import { coreMetricsEndpoint, coreTelemetryOptions } from '../../../src/worker/core-metrics';
import { startWorkerTelemetry } from '../../../src/worker/telemetry';
import { createWorker } from '../../../src/worker/worker';
import { createFileTargetActivities } from './file-target';

async function main(): Promise<void> {
  const [taskQueue, dir, healthBase] = process.argv.slice(2);
  if (!taskQueue || !dir || !healthBase) throw new Error('usage: metrics-worker-process <taskQueue> <stateDir> <healthBase>');
  const core = await coreMetricsEndpoint();
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: coreTelemetryOptions(core) });
  const config = loadStackConfig();
  const visibility = await Connection.connect(temporalConnectionOptions(config));
  const telemetry = await startWorkerTelemetry({
    host: '127.0.0.1',
    port: 0,
    core,
    // A short cache, so a test sees a phase change within a second or two.
    visibility: { client: new Client({ connection: visibility, namespace: config.temporal.namespace, ...dataConverterOption() }), taskQueue, maxAgeMs: 500 },
    registrationDir: config.prometheus.workersDir,
    labels: { worker_task_queue: taskQueue },
    onError: (err, what) => console.error(`${what}: ${err.message}`),
  });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities: {
      ...createFileTargetActivities({ dir, healthBase }),
      ...createMetricsActivities({ prometheusUrl: prometheusUrl(config), targetsDir: config.prometheus.targetsDir }),
    },
    metrics: telemetry.metrics,
    identity: `metrics-worker-${process.pid}`,
    ...dataConverterOption(),
    // Hand the workflow to the next worker quickly once this one is gone.
    overrides: { stickyQueueScheduleToStartTimeout: '1s' },
  });
  process.once('SIGTERM', () => worker.shutdown());
  process.stdout.write(`${JSON.stringify({ ready: true, metrics: telemetry.url, address: telemetry.address, registration: telemetry.registration?.path })}\n`);
  try {
    await worker.run();
  } finally {
    await telemetry.close();
    await connection.close();
    await visibility.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
