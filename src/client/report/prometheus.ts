/**
 * Prometheus range queries for the report, at report time, keeping each sample's timestamp (the
 * judge's `range` keeps values only). The metrics provider's `matrix` makes the call: the same
 * query templates, request and answer schema as the analysis.
 */
import type { MeasureContext } from '../../activities/metrics';
import { createPrometheusProvider } from '../../activities/metrics/providers/prometheus';
import { parseSampleValue } from '../../activities/metrics/providers/schema';
import type { Ms } from './model';

export type RangeAnswer =
  { kind: 'points'; points: { at: Ms; value: number | null }[]; promql: string } | { kind: 'empty'; promql: string } | { kind: 'error'; message: string; promql: string };

export interface RangeQuery {
  template: string;
  context: MeasureContext;
  startMs: Ms;
  endMs: Ms;
}

const TIMEOUT_MS = 10_000;
/** About this many points per chart whatever the window (Prometheus caps a range at 11,000). */
const POINTS = 240;

export async function rangeQuery(prometheusUrl: string, q: RangeQuery): Promise<RangeAnswer> {
  const stepMs = Math.max(1, Math.ceil((q.endMs - q.startMs) / 1000 / POINTS)) * 1000;
  let answer;
  try {
    const provider = createPrometheusProvider({ url: prometheusUrl, timeoutMs: TIMEOUT_MS });
    answer = await provider.matrix({ kind: 'prometheus', query: q.template }, q.context, { startMs: q.startMs, endMs: q.endMs, stepMs });
  } catch (err) {
    // A template the context cannot fill.
    return { kind: 'error', message: (err as Error).message, promql: q.template };
  }
  if (answer.kind === 'error') return answer;
  // One series per role is what the analysis queries return; more are summed per timestamp.
  const byTime = new Map<number, number | null>();
  for (const s of answer.series) {
    for (const [t, raw] of s.values) {
      const v = parseSampleValue(raw);
      const at = Math.round(Number(t) * 1000);
      const prev = byTime.get(at);
      byTime.set(at, Number.isFinite(v) ? (prev ?? 0) + v : (prev ?? null));
    }
  }
  const points = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at, value }));
  if (points.length === 0 || points.every((p) => p.value === null)) return { kind: 'empty', promql: answer.promql };
  return { kind: 'points', points, promql: answer.promql };
}
