/**
 * The delivery record as gauges (issue 13), read from Temporal visibility and release results at
 * scrape time like the state gauges (release-state.ts): DORA's five metrics and the drills per
 * service and environment over a fixed window (30 days). The figures are the ones `sluice stats`
 * prints (src/domain/delivery-record.ts), so a dashboard and the CLI never disagree.
 *
 * The cost is bounded: one read per `maxAgeMs` (default 60 s) however often Prometheus scrapes;
 * a read lists the window's closed executions (at most `maxRecords` per kind) and fetches the
 * result of each execution it has not seen before (a closed one never changes), so after the
 * first read a refresh costs three list calls plus the new releases. A scrape waits at most
 * `waitMs` for a refresh (the previous snapshot is served meanwhile); a failed read keeps the last
 * good snapshot for `staleMs`, then the gauges go empty rather than lie.
 */
import type { Client } from '@temporalio/client';
import { Counter, Gauge, type Registry } from 'prom-client';
import { cachedRead } from './cached-read';
import { computeDeliveryRecord, type DeliveryGroup, type DeliveryHistory } from '../domain/delivery-record';
import { readDeliveryHistory, type DeliveryHistoryOptions } from '../lib/delivery-history';

export const DELIVERY_WINDOW_MS = 30 * 86_400_000;

/** The window's history, read fresh (the caller caches). */
export type DeliveryLister = (since: Date) => Promise<DeliveryHistory>;

export function visibilityDeliveryLister(client: Client, options: { taskQueue?: string; maxRecords?: number } = {}): DeliveryLister {
  // Run id → record: each closed execution's result is fetched once per process.
  const cache: NonNullable<DeliveryHistoryOptions['cache']> = new Map();
  return (since) =>
    readDeliveryHistory(
      client,
      { since, ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}) },
      { cache, ...(options.maxRecords ? { maxRecords: options.maxRecords } : {}) },
    );
}

export interface DeliveryRecordOptions {
  windowMs?: number;
  maxAgeMs?: number;
  waitMs?: number;
  staleMs?: number;
  onError?: (err: Error) => void;
}

export function registerDeliveryRecord(registry: Registry, list: DeliveryLister, options: DeliveryRecordOptions = {}): void {
  const windowMs = options.windowMs ?? DELIVERY_WINDOW_MS;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const waitMs = options.waitMs ?? 500;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const days = `${Math.round(windowMs / 86_400_000)}d`;
  const errors = new Counter({ name: 'sluice_delivery_record_errors_total', help: 'Failed visibility reads behind the delivery record gauges.', registers: [registry] });

  const readGroups = async (): Promise<DeliveryGroup[]> => {
    const until = new Date();
    const since = new Date(until.getTime() - windowMs);
    return computeDeliveryRecord(await list(since), since, until).groups;
  };
  // One wait per scrape, shared by every gauge: eight gauges must not wait waitMs each.
  const read = cachedRead(readGroups, { maxAgeMs, waitMs, staleMs, errors, ...(options.onError ? { onError: options.onError } : {}) });
  const current = async (): Promise<DeliveryGroup[]> => (await read()) ?? [];

  const labelNames = ['service', 'environment'] as const;
  /** One gauge per figure; `value` returns undefined when the figure has no data (no sample exported). */
  const gauge = (name: string, help: string, values: (g: DeliveryGroup) => [Record<string, string>, number | null][], quantiles = false) =>
    new Gauge({
      name,
      help: `${help} Over the last ${days} (Temporal visibility and release results; the same on every worker of the task queue).`,
      labelNames: quantiles ? [...labelNames, 'quantile'] : [...labelNames],
      registers: [registry],
      async collect() {
        const groups = await current();
        this.reset();
        for (const g of groups) {
          for (const [extra, v] of values(g)) if (v !== null) this.set({ service: g.service, environment: g.environment, ...extra }, v);
        }
      },
    });
  const s = (ms: number | null) => (ms === null ? null : ms / 1000);

  gauge('sluice_deployment_frequency_per_day', 'Promoted releases per day (drills never count).', (g) => [[{}, g.figures.deploymentFrequency.perDay]]);
  gauge('sluice_deployments', 'Promoted releases.', (g) => [[{}, g.figures.deploymentFrequency.deployments]]);
  gauge(
    'sluice_lead_time_seconds',
    'Change lead time, commit to promotion (median and p90; values <= 0 ignored).',
    (g) => [
      [{ quantile: '0.5' }, s(g.figures.changeLeadTime.medianMs)],
      [{ quantile: '0.9' }, s(g.figures.changeLeadTime.p90Ms)],
    ],
    true,
  );
  gauge('sluice_change_fail_rate', 'Releases rolled back (check, analysis, bake or a person) over releases that reached the environment, 0..1.', (g) => [
    [{}, g.figures.changeFailRate.rate],
  ]);
  gauge(
    'sluice_recovery_time_seconds',
    'Failed deployment recovery time, detection to traffic back on a good version (median and p90).',
    (g) => [
      [{ quantile: '0.5' }, s(g.figures.recoveryTime.medianMs)],
      [{ quantile: '0.9' }, s(g.figures.recoveryTime.p90Ms)],
    ],
    true,
  );
  gauge('sluice_rework_rate', 'Rollbacks and promotions of an older version over promotions plus rollbacks, 0..1.', (g) => [[{}, g.figures.reworkRate.rate]]);
  gauge('sluice_drill_pass_rate', 'Drills that passed over drills run, 0..1.', (g) => [[{}, g.figures.drills.passRate]]);
  gauge(
    'sluice_drill_restore_seconds',
    'Time to restore in drills: median (quantile 0.5) and worst (quantile 1).',
    (g) => [
      [{ quantile: '0.5' }, s(g.figures.drills.restoreMedianMs)],
      [{ quantile: '1' }, s(g.figures.drills.restoreWorstMs)],
    ],
    true,
  );
}
