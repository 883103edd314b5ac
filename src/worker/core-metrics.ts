/**
 * Temporal SDK Core's own worker metrics (temporal_* : schedule-to-start latencies, task slots,
 * pollers, sticky cache...). Core serves them with its Prometheus exporter on a loopback port of
 * its own; the worker's /metrics appends that page to its own, so Prometheus gets both from one
 * target of job sluice-worker (one `up`, one registration). Core's defaults are kept: `temporal_`
 * prefix, no unit suffix, histograms in milliseconds (deploy/prometheus/sluice-rules.yml relies on it).
 */
import type { RuntimeOptions } from '@temporalio/worker';
import { freeLoopbackPort } from '../lib/ports';

export interface CoreMetricsEndpoint {
  /** host:port for Core's exporter. */
  bindAddress: string;
  url: string;
}

export async function coreMetricsEndpoint(host = '127.0.0.1'): Promise<CoreMetricsEndpoint> {
  // Core needs a concrete port and does not report the one it bound, so pick a free one first.
  const port = await freeLoopbackPort();
  return { bindAddress: `${host}:${port}`, url: `http://${host}:${port}/metrics` };
}

export function coreTelemetryOptions(endpoint: CoreMetricsEndpoint): NonNullable<RuntimeOptions['telemetryOptions']> {
  return { metrics: { prometheus: { bindAddress: endpoint.bindAddress } } };
}

/**
 * Core's page, for appending to /metrics. A Core exporter that does not answer costs the scrape
 * its temporal_* series, never the release metrics: the failure is a comment in the page.
 */
export function coreMetricsSource(endpoint: CoreMetricsEndpoint, timeoutMs = 800): () => Promise<string> {
  return async () => {
    try {
      const res = await fetch(endpoint.url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return `# Temporal Core metrics unavailable: HTTP ${res.status}\n`;
      return await res.text();
    } catch (err) {
      return `# Temporal Core metrics unavailable: ${(err as Error).message.replace(/\n/g, ' ')}\n`;
    }
  };
}
