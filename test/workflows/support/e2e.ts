/**
 * What the end-to-end release tests share: a worker wired exactly like production
 * (createSluiceActivities) on a unique task queue, counting versions through the HAProxy
 * frontend, and a teardown that retires every release and removes the router entry.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import { createDeployActivities } from '../../../src/activities/deploy';
import { unregisterService } from '../../../src/activities/metrics/scrape-groups';
import { createRouter } from '../../../src/activities/routers/registry';
import { prometheusUrl, temporalConnectionOptions } from '../../../src/dev/config';
import type { TargetRef } from '../../../src/domain/ports';
import { commitFromVersion, imageTagForVersion, type Release } from '../../../src/domain/release';
import { createSluiceActivities } from '../../../src/worker/activities';
import { coreMetricsEndpoint, coreTelemetryOptions } from '../../../src/worker/core-metrics';
import { startWorkerTelemetry, type WorkerTelemetry } from '../../../src/worker/telemetry';
import { createWorker } from '../../../src/worker/worker';
import { adapterConfig, dataConverterOption, stack, temporalClient, uniqueName } from '../../helpers/stack';
import { workflowBundle } from './harness';

export interface E2eWorker {
  taskQueue: string;
  /** Temp dir for the artifact store and whatever else the test keeps; removed by stop(). */
  dir: string;
  /** The worker's artifact store (binaries, live pair records), in `dir`. */
  artifactStore: string;
  docker: Docker;
  client: Client;
  /** The worker's /metrics URL, when started with `telemetry`. */
  metricsUrl?: string;
  /** Retires the given releases, removes the router entry, ends what still runs on its queue, stops the worker, removes `dir`. */
  stop(ref: () => TargetRef, releases: Release[]): Promise<void>;
}

export interface E2eWorkerOptions {
  /**
   * Serve the production telemetry (release metrics, state gauges, Temporal Core's metrics) and
   * register it with Prometheus' job sluice-worker. Installs the process's Temporal Runtime, so
   * only the first worker of a test file may ask for it.
   */
  telemetry?: boolean;
  /** The activities' logger (default: pino at warn, to stdout); a test that reads the logs passes its own. */
  logger?: pino.Logger;
  /** The worker's environment (registry credentials and CA, build images; default process.env), as `sluice worker` reads its own. */
  env?: NodeJS.ProcessEnv;
}

export async function startE2eWorker(prefix: string, options: E2eWorkerOptions = {}): Promise<E2eWorker> {
  const taskQueue = uniqueName(prefix);
  const core = options.telemetry ? await coreMetricsEndpoint() : undefined;
  if (core) Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: coreTelemetryOptions(core) });
  const dir = mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));
  const docker = new Docker({ socketPath: stack.docker.socket });
  const { client, connection }: { client: Client; connection: Connection } = await temporalClient();
  const native = await NativeConnection.connect(temporalConnectionOptions(stack));
  const logger = options.logger ?? pino({ level: 'warn' });
  const artifactStore = join(dir, 'artifacts');
  const activities = createSluiceActivities({
    docker,
    artifactStore,
    prometheusUrl: prometheusUrl(stack),
    prometheusTargetsDir: stack.prometheus.targetsDir,
    logger,
    ...(options.env ? { env: options.env } : {}),
  });
  const telemetry: WorkerTelemetry | undefined = core
    ? await startWorkerTelemetry({
        host: '127.0.0.1',
        port: 0,
        core,
        visibility: { client, taskQueue, maxAgeMs: 500 },
        registrationDir: stack.prometheus.workersDir,
        labels: { worker_task_queue: taskQueue },
      })
    : undefined;
  const worker: Worker = await createWorker({
    connection: native,
    namespace: stack.temporal.namespace,
    taskQueue,
    activities,
    workflowBundle: await workflowBundle(),
    ...dataConverterOption(),
    ...(telemetry ? { metrics: telemetry.metrics } : {}),
  });
  const running = worker.run();
  return {
    taskQueue,
    dir,
    artifactStore,
    docker,
    client,
    ...(telemetry ? { metricsUrl: telemetry.url } : {}),
    async stop(ref, releases) {
      const deployActivities = createDeployActivities({ config: { ...adapterConfig, docker }, logger, prometheusTargetsDir: stack.prometheus.targetsDir });
      for (const release of releases) await deployActivities.retireRelease({ ...ref(), release }).catch(() => undefined);
      const router = ref().router;
      await createRouter(router.kind, router.settings, adapterConfig)
        .remove({ service: ref().service, environment: ref().environment })
        .catch(() => undefined);
      await unregisterService(stack.prometheus.targetsDir, ref());
      // Whatever still runs on this queue would wait for a worker that is gone, for good (a
      // schedule that fired as its test ended, a test that failed half-way): it ends with the worker.
      for await (const left of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
        await client.workflow
          .getHandle(left.workflowId, left.runId)
          .terminate('the test worker stopped')
          .catch(() => undefined);
      }
      worker.shutdown();
      await running;
      await telemetry?.close();
      await native.close();
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Versions answering `/version` through the HAProxy frontend, one per request. */
export async function versionsThroughRouter(listenPort: number, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetch(`http://127.0.0.1:${listenPort}/version`, { signal: AbortSignal.timeout(2000) });
    const v = res.ok ? ((await res.json()) as { version: string }).version : `HTTP ${res.status}`;
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

/**
 * Puts a binary in an artifact store the way a build would (directory per image tag, metadata
 * with its checksum), so retention lists it and a rollback can go back to it. Returns its path.
 */
export function retainBinary(store: string, service: string, version: string, binary: string): string {
  const dir = join(store, service, imageTagForVersion(version));
  mkdirSync(dir, { recursive: true });
  const binaryPath = join(dir, service);
  copyFileSync(binary, binaryPath);
  const bytes = readFileSync(binaryPath);
  const meta = {
    service,
    version,
    imageTag: imageTagForVersion(version),
    commit: commitFromVersion(version),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    goVersion: 'test',
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify(meta));
  return binaryPath;
}
