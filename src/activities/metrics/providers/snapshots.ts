/**
 * Cumulative counter snapshots for the sequential judge, read from labelled series.
 *
 * - count metrics: a query returning request counters by `code`
 *   (e.g. `sum by (code) (http_requests_total{…})`); errors are the 5xx series.
 * - latency metrics: a query returning histogram buckets by `le`
 *   (e.g. `sum by (le) (http_request_duration_seconds_bucket{…})`).
 * The judge works on increments between two snapshots, so counters that restarted (a new
 * process) are handled the way Prometheus' increase() does: a drop means "starts again from 0".
 */
import type { LabelledValue } from './provider';

export interface CountSnapshot {
  kind: 'count';
  requests: number;
  errors: number;
}
export interface LatencySnapshot {
  kind: 'latency';
  /** Upper bounds, ascending; +Inf is kept as Number.MAX_VALUE so the snapshot stays JSON. */
  le: number[];
  cumulative: number[];
}
export type Snapshot = CountSnapshot | LatencySnapshot;
export type RoleSnapshot = Snapshot | { kind: 'no-data'; reason: string } | { kind: 'error'; message: string };

const ERROR_CODE = /^5\d\d$/;

export function countSnapshot(series: readonly LabelledValue[]): RoleSnapshot {
  if (series.length > 0 && series.every((s) => s.labels.code === undefined)) {
    return { kind: 'error', message: 'a count metric query must return series labelled by code, e.g. sum by (code) (http_requests_total{…})' };
  }
  let requests = 0;
  let errors = 0;
  for (const s of series) {
    if (!Number.isFinite(s.value)) continue;
    requests += s.value;
    if (ERROR_CODE.test(s.labels.code ?? '')) errors += s.value;
  }
  return { kind: 'count', requests, errors };
}

function parseLe(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (raw === '+Inf' || raw === 'Inf') return Number.MAX_VALUE;
  const v = Number(raw);
  return Number.isNaN(v) ? undefined : v;
}

export function latencySnapshot(series: readonly LabelledValue[]): RoleSnapshot {
  const buckets = new Map<number, number>();
  for (const s of series) {
    const le = parseLe(s.labels.le);
    if (le === undefined) return { kind: 'error', message: 'a latency metric query must return histogram buckets labelled by le, e.g. sum by (le) (…_bucket{…})' };
    buckets.set(le, (buckets.get(le) ?? 0) + (Number.isFinite(s.value) ? s.value : 0));
  }
  const le = [...buckets.keys()].sort((a, b) => a - b);
  if (le.length > 0 && le[le.length - 1] !== Number.MAX_VALUE) return { kind: 'error', message: 'histogram buckets lack the le="+Inf" bucket' };
  return { kind: 'latency', le, cumulative: le.map((b) => buckets.get(b)!) };
}

/** An empty answer before any traffic is "nothing counted yet", not a failure. */
export function emptySnapshot(kind: Snapshot['kind']): Snapshot {
  return kind === 'count' ? { kind: 'count', requests: 0, errors: 0 } : { kind: 'latency', le: [], cumulative: [] };
}

/** Increase of a counter between two scrapes, Prometheus-style across a reset. */
export function counterIncrease(current: number, previous: number | undefined): number {
  if (previous === undefined) return current;
  return current >= previous ? current - previous : current;
}

export function countIncrement(current: CountSnapshot, previous?: CountSnapshot): { requests: number; errors: number } {
  const reset = previous !== undefined && (current.requests < previous.requests || current.errors < previous.errors);
  const prev = reset ? undefined : previous;
  const requests = counterIncrease(current.requests, prev?.requests);
  const errors = Math.min(requests, counterIncrease(current.errors, prev?.errors));
  return { requests: Math.round(requests), errors: Math.round(errors) };
}

export function sameLayout(a: LatencySnapshot, b: LatencySnapshot): boolean {
  return a.le.length === b.le.length && a.le.every((v, i) => v === b.le[i]);
}
