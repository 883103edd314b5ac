/**
 * The worker's Prometheus endpoint (prom-client): process metrics, one histogram of activity
 * executions by type and outcome (how long builds, deploys and probes take and how often they
 * fail), the release metrics the workflows report through their sink (./release-metrics.ts), and
 * whatever else the composition root appends (the state gauges, Temporal Core's page). Served on
 * loopback only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createReleaseMetrics, type ReleaseMetrics } from './release-metrics';

export interface WorkerMetrics {
  registry: Registry;
  activityDuration: Histogram<'activity' | 'outcome'>;
  activityStarted: Counter<'activity'>;
  release: ReleaseMetrics;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_worker_' });
  return {
    registry,
    activityDuration: new Histogram({
      name: 'sluice_activity_duration_seconds',
      help: 'Activity execution time by activity type and outcome (ok, error, cancelled).',
      labelNames: ['activity', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600, 1800],
      registers: [registry],
    }),
    activityStarted: new Counter({
      name: 'sluice_activity_started_total',
      help: 'Activity executions started, by activity type.',
      labelNames: ['activity'],
      registers: [registry],
    }),
    release: createReleaseMetrics(registry),
  };
}

/** Activity interceptor feeding the metrics above. */
export function activityMetricsInterceptor(metrics: WorkerMetrics): ActivityInterceptorsFactory {
  return (ctx) => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        const activity = ctx.info.activityType;
        metrics.activityStarted.inc({ activity });
        const end = metrics.activityDuration.startTimer({ activity });
        try {
          const result = await next(input);
          end({ outcome: 'ok' });
          return result;
        } catch (err) {
          end({ outcome: ctx.cancellationSignal.aborted ? 'cancelled' : 'error' });
          throw err;
        }
      },
    };
    return { inbound };
  };
}

export const DEFAULT_METRICS_PORT = 9464;

/** More exposition text appended to the registry's page (Temporal Core's exporter, for one). */
export type MetricsSource = () => Promise<string>;

/** Starts GET /metrics on host:port (port 0 = any free port); resolves with the bound port. */
export async function serveMetrics(
  metrics: WorkerMetrics,
  options: { host?: string; port: number; extra?: MetricsSource[] },
): Promise<{ server: Server; port: number; url: string; address: string }> {
  const host = options.host ?? '127.0.0.1';
  const extra = options.extra ?? [];
  const page = async (): Promise<string> => {
    const parts = await Promise.all([metrics.registry.metrics(), ...extra.map((source) => source())]);
    return parts.map((p) => (p.endsWith('\n') || p === '' ? p : `${p}\n`)).join('');
  };
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      page().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(err.message);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found; try /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { server, port, url: `http://${host}:${port}/metrics`, address: `${host}:${port}` };
}
