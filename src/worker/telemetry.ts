/**
 * Everything a worker process exports, assembled once for the production entry point and for the
 * tests' worker processes: the prom-client registry (process, activity and release metrics), the
 * state gauges and the delivery record read from visibility, Temporal Core's page appended to /metrics, the loopback
 * server, and the worker's file-SD entry for Prometheus job sluice-worker.
 */
import type { Client } from '@temporalio/client';
import type { CoreMetricsEndpoint } from './core-metrics';
import { coreMetricsSource } from './core-metrics';
import { createWorkerMetrics, serveMetrics, type WorkerMetrics } from './metrics';
import { registerDeliveryRecord, visibilityDeliveryLister } from './delivery-record';
import { registerReleaseState, visibilityReleaseLister } from './release-state';
import { registerScrapeTarget, type ScrapeRegistration } from './scrape-registration';

export interface WorkerTelemetryOptions {
  /** Loopback: the endpoint has no authentication. */
  host: string;
  /** 0 = any free port. */
  port: number;
  /** Core's exporter (Runtime.install with coreTelemetryOptions), appended to /metrics. */
  core?: CoreMetricsEndpoint;
  /** Where the state gauges come from: running releases of this task queue. */
  visibility?: { client: Client; taskQueue: string; maxAgeMs?: number };
  /** Prometheus file-SD directory of job sluice-worker; no entry when undefined. */
  registrationDir?: string;
  /** Extra target labels for the entry. */
  labels?: Record<string, string>;
  onError?: (err: Error, what: string) => void;
}

export interface WorkerTelemetry {
  metrics: WorkerMetrics;
  url: string;
  address: string;
  registration?: ScrapeRegistration;
  /** Unregisters, then stops serving. For a clean shutdown only: a crash must leave the entry. */
  close(): Promise<void>;
}

export async function startWorkerTelemetry(options: WorkerTelemetryOptions): Promise<WorkerTelemetry> {
  const metrics = createWorkerMetrics();
  if (options.visibility) {
    const { client, taskQueue, maxAgeMs } = options.visibility;
    registerReleaseState(metrics.registry, visibilityReleaseLister(client, { taskQueue }), {
      ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
      onError: (err) => options.onError?.(err, 'reading running releases from visibility'),
    });
    registerDeliveryRecord(metrics.registry, visibilityDeliveryLister(client, { taskQueue }), {
      onError: (err) => options.onError?.(err, 'reading the delivery record from visibility'),
    });
  }
  const served = await serveMetrics(metrics, { host: options.host, port: options.port, extra: options.core ? [coreMetricsSource(options.core)] : [] });
  const registration = options.registrationDir
    ? await registerScrapeTarget(options.registrationDir, { address: served.address, ...(options.labels ? { labels: options.labels } : {}) })
    : undefined;
  return {
    metrics,
    url: served.url,
    address: served.address,
    ...(registration ? { registration } : {}),
    async close() {
      await registration?.remove();
      await new Promise<void>((resolve) => served.server.close(() => resolve()));
    },
  };
}
