/**
 * State gauges read from Temporal visibility at scrape time, as kube-state-metrics reads the API
 * server: `sluice_release_info` (1 per running release, its phase in a label) and
 * `sluice_canary_weight`. Every worker of a task queue exports the same answer, so two workers
 * never disagree and a dead worker takes no stale state with it (aggregate with `max`, not `sum`).
 *
 * The cost is bounded: one list call per `maxAgeMs` (however often Prometheus scrapes, and shared
 * by both gauges), pages of `pageSize`, at most `maxReleases`; a slow answer never holds a scrape
 * longer than `waitMs` (the previous snapshot is served meanwhile), and a failed one keeps the
 * last good snapshot for `staleMs`.
 */
import type { Client } from '@temporalio/client';
import { Counter, Gauge, type Registry } from 'prom-client';
import { cachedRead } from './cached-read';
import { SluiceEnvironment, SluicePhase, SluiceService, SluiceStrategy, SluiceVersion, SluiceWeight } from '../domain/search-attributes';

export interface RunningRelease {
  service: string;
  environment: string;
  version: string;
  strategy: string;
  phase: string;
  /** Absent for releases started before the weight became a search attribute. */
  weight?: number;
}

export type ReleaseLister = () => Promise<RunningRelease[]>;

export interface VisibilityListerOptions {
  /** Only this task queue's releases (the ones this fleet of workers runs); all when undefined. */
  taskQueue?: string;
  pageSize?: number;
  maxReleases?: number;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The visibility query for running releases (exported for tests and docs). */
export function runningReleasesQuery(taskQueue?: string): string {
  return [`WorkflowType = 'deployWorkflow'`, `ExecutionStatus = 'Running'`, ...(taskQueue ? [`TaskQueue = ${quote(taskQueue)}`] : [])].join(' AND ');
}

export function visibilityReleaseLister(client: Client, options: VisibilityListerOptions = {}): ReleaseLister {
  const pageSize = options.pageSize ?? 100;
  const maxReleases = options.maxReleases ?? 1000;
  const query = runningReleasesQuery(options.taskQueue);
  return async () => {
    const out: RunningRelease[] = [];
    for await (const wf of client.workflow.list({ query, pageSize })) {
      const sa = wf.typedSearchAttributes;
      const service = sa.get(SluiceService);
      const environment = sa.get(SluiceEnvironment);
      // A release's first task upserts these; a workflow listed before that has no state yet.
      if (!service || !environment) continue;
      const weight = sa.get(SluiceWeight);
      out.push({
        service,
        environment,
        version: sa.get(SluiceVersion) ?? '',
        strategy: sa.get(SluiceStrategy) ?? '',
        phase: sa.get(SluicePhase) ?? '',
        ...(weight !== undefined ? { weight } : {}),
      });
      if (out.length >= maxReleases) break;
    }
    return out;
  };
}

export interface ReleaseStateOptions {
  maxAgeMs?: number;
  waitMs?: number;
  staleMs?: number;
  onError?: (err: Error) => void;
}

/** Registers the two state gauges on `registry`, fed by `list` through one shared cache. */
export function registerReleaseState(registry: Registry, list: ReleaseLister, options: ReleaseStateOptions = {}): void {
  const maxAgeMs = options.maxAgeMs ?? 5000;
  const waitMs = options.waitMs ?? 500;
  const staleMs = options.staleMs ?? 60000;
  const errors = new Counter({
    name: 'sluice_release_state_errors_total',
    help: 'Failed visibility reads behind sluice_release_info and sluice_canary_weight.',
    registers: [registry],
  });
  const read = cachedRead(list, { maxAgeMs, waitMs, staleMs, errors, ...(options.onError ? { onError: options.onError } : {}) });
  const current = async (): Promise<RunningRelease[]> => (await read()) ?? [];

  new Gauge({
    name: 'sluice_release_info',
    help: 'One per running release (Temporal visibility), its phase in a label; the same on every worker of the task queue.',
    labelNames: ['service', 'environment', 'version', 'strategy', 'phase'],
    registers: [registry],
    async collect() {
      const releases = await current();
      this.reset();
      for (const r of releases) this.set({ service: r.service, environment: r.environment, version: r.version, strategy: r.strategy, phase: r.phase }, 1);
    },
  });
  new Gauge({
    name: 'sluice_canary_weight',
    help: "Percentage of traffic on a running release's candidate (Temporal visibility).",
    labelNames: ['service', 'environment', 'version'],
    registers: [registry],
    async collect() {
      const releases = await current();
      this.reset();
      for (const r of releases) if (r.weight !== undefined) this.set({ service: r.service, environment: r.environment, version: r.version }, r.weight);
    },
  });
}
