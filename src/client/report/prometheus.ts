/**
 * Prometheus range queries for the report, at report time, keeping each sample's timestamp (the
 * metrics provider's `range` keeps values only, which is what the judge needs). Same query
 * templates and the same zod schema for the answer as the provider.
 */
import type { MeasureContext } from '../../activities/metrics';
import { renderTemplate } from '../../activities/metrics/providers/render';
import { PrometheusResponse, parseSampleValue } from '../../activities/metrics/providers/schema';
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
  let promql: string;
  try {
    promql = renderTemplate(q.template, q.context);
  } catch (err) {
    return { kind: 'error', message: (err as Error).message, promql: q.template };
  }
  const stepS = Math.max(1, Math.ceil((q.endMs - q.startMs) / 1000 / POINTS));
  const form = new URLSearchParams({ query: promql, start: String(q.startMs / 1000), end: String(q.endMs / 1000), step: String(stepS) });
  try {
    const res = await fetch(`${prometheusUrl.replace(/\/+$/, '')}/api/v1/query_range`, {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const parsed = PrometheusResponse.safeParse(await res.json());
    if (!parsed.success) return { kind: 'error', message: `Prometheus answered HTTP ${res.status} with an unexpected body`, promql };
    if (parsed.data.status === 'error') return { kind: 'error', message: `${parsed.data.errorType}: ${parsed.data.error}`, promql };
    const data = parsed.data.data;
    if (data.resultType !== 'matrix') return { kind: 'error', message: `query_range returned ${data.resultType}`, promql };
    // One series per role is what the analysis queries return; more are summed per timestamp.
    const byTime = new Map<number, number | null>();
    for (const s of data.result) {
      for (const [t, raw] of s.values) {
        const v = parseSampleValue(raw);
        const at = Math.round(Number(t) * 1000);
        const prev = byTime.get(at);
        byTime.set(at, Number.isFinite(v) ? (prev ?? 0) + v : (prev ?? null));
      }
    }
    const points = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at, value }));
    if (points.length === 0 || points.every((p) => p.value === null)) return { kind: 'empty', promql };
    return { kind: 'points', points, promql };
  } catch (err) {
    return { kind: 'error', message: `Prometheus at ${prometheusUrl}: ${(err as Error).message}`, promql };
  }
}
