/**
 * createWorker: the one place a Sluice worker is assembled, used by the production entry point
 * (main.ts) and by tests alike, so both run the same workflows with the same options.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { activityMetricsInterceptor, type WorkerMetrics } from './metrics';
import { createReleaseMetrics, releaseMetricsSinks } from './release-metrics';

/** The task queue `sluice deploy` and the worker agree on unless told otherwise. */
export const DEFAULT_TASK_QUEUE = 'sluice';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  taskQueue?: string;
  namespace?: string;
  /** Activity implementations by name (see src/worker/activities.ts). */
  activities: object;
  metrics?: WorkerMetrics;
  identity?: string;
  /** A prebuilt bundle (tests bundle once per file); default: bundle src/workflows at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Payload encryption (src/lib/payload-encryption.ts); clients of the same namespace need the same keys. */
  dataConverter?: WorkerOptions['dataConverter'];
  /** Passed through: tests shorten stickyQueueScheduleToStartTimeout and so on. */
  overrides?: Partial<Omit<WorkerOptions, 'connection' | 'taskQueue' | 'namespace' | 'activities' | 'workflowBundle' | 'workflowsPath' | 'dataConverter'>>;
}

/** The workflows module every Sluice worker registers (resolved for both src/ and dist/). */
export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: options.activities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
    interceptors: options.metrics ? { activity: [activityMetricsInterceptor(options.metrics)] } : undefined,
    // Workflows always call the release-metrics sink; without a registry to serve, it counts
    // into one nobody reads rather than logging an unregistered-sink error on every release.
    sinks: releaseMetricsSinks(options.metrics?.release ?? createReleaseMetrics(new Registry())),
    // Capacity, set on purpose (docs/temporal-cluster.md, "Several workers"). A release is rarely
    // more than a handful of concurrent activities; keep the CPU for builds.
    maxConcurrentActivityTaskExecutions: 20,
    // Workflow tasks of a release are short (decide, schedule, sleep): the SDK's 40 slots with 10
    // pollers keep up with hundreds of releases on one worker.
    maxConcurrentWorkflowTaskExecutions: 40,
    maxConcurrentWorkflowTaskPolls: 10,
    maxConcurrentActivityTaskPolls: 10,
    // A release idles on timers for minutes between tasks; keeping it cached avoids a replay of its
    // history on every wake-up. About 1 MB each, so 500 fit in half a gigabyte.
    maxCachedWorkflows: 500,
    // When a worker dies, its cached releases move to another worker after this (the SDK's 10 s
    // would hold a rollback that long).
    stickyQueueScheduleToStartTimeout: '3s',
    // Cancellation reaches an activity only with a heartbeat response; the SDK default throttle
    // (80% of the heartbeat timeout) would let an abort wait ~48 s for a running build.
    maxHeartbeatThrottleInterval: '2s',
    ...options.overrides,
  });
}
