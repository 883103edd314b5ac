/**
 * Prometheus provider: instant queries (/api/v1/query) for measurements and labelled series,
 * range queries (/api/v1/query_range) for the baseline-vs-canary judge's samples.
 *
 * Queries go out as POST forms, so long PromQL never hits a URL length limit, with Prometheus'
 * own `timeout` parameter set as well as a client-side abort.
 */
import { describeAbort, errorMessage, withTimeout } from './provider';
import type { LabelledValue, PrometheusQuery, Measurement, MeasureContext, MetricProvider, ProviderCallOptions, RangeResult, RangeSpec, SeriesResult } from './provider';
import { renderTemplate } from './render';
import { PrometheusResponse, parseSampleValue } from './schema';
import type { MatrixData, QueryData } from './schema';
import type { z } from 'zod';

export interface PrometheusProviderDeps {
  /** Base URL, e.g. http://127.0.0.1:9090. */
  url: string;
  /** Per-request limit, client and server side. */
  timeoutMs?: number;
}

export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 5000;

type Answer = { ok: true; data: QueryData; warnings: string[] } | { ok: false; message: string };

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** JSON has no NaN or Infinity: infinities become the largest finite doubles, NaN is left to callers. */
function finite(v: number): number {
  if (v === Infinity) return Number.MAX_VALUE;
  if (v === -Infinity) return -Number.MAX_VALUE;
  return v;
}

/** A range query's series as Prometheus gave them: labels and timestamped samples (strings). */
export type MatrixSeries = z.infer<typeof MatrixData>['result'];
export type MatrixResult = { kind: 'matrix'; series: MatrixSeries; promql: string } | { kind: 'error'; message: string; promql: string };

export interface PrometheusProvider extends Required<MetricProvider<PrometheusQuery>> {
  /** The range query's series with their timestamps (the release report draws them). */
  matrix(query: PrometheusQuery, context: MeasureContext, range: RangeSpec, opts?: ProviderCallOptions): Promise<MatrixResult>;
}

export function createPrometheusProvider(deps: PrometheusProviderDeps): PrometheusProvider {
  const base = deps.url.replace(/\/+$/, '');
  const timeoutMs = deps.timeoutMs ?? DEFAULT_PROMETHEUS_TIMEOUT_MS;

  async function call(path: string, params: Record<string, string>, opts: ProviderCallOptions): Promise<Answer> {
    const signal = withTimeout(timeoutMs, opts.signal);
    const form = new URLSearchParams({ ...params, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` });
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        body: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        signal,
      });
      text = await res.text();
    } catch (err) {
      return { ok: false, message: `Prometheus at ${base}: ${describeAbort(signal, timeoutMs) ?? errorMessage(err)}` };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, message: `Prometheus at ${base} answered HTTP ${res.status} with a non-JSON body: ${text.slice(0, 200)}` };
    }
    const parsed = PrometheusResponse.safeParse(body);
    if (!parsed.success) return { ok: false, message: `Prometheus at ${base} answered HTTP ${res.status} with an unexpected body: ${parsed.error.message.slice(0, 300)}` };
    if (parsed.data.status === 'error') return { ok: false, message: `Prometheus query failed (${parsed.data.errorType}): ${parsed.data.error}` };
    return { ok: true, data: parsed.data.data, warnings: parsed.data.warnings ?? [] };
  }

  async function instant(query: PrometheusQuery, context: MeasureContext, opts: ProviderCallOptions): Promise<Answer> {
    const promql = renderTemplate(query.query, context);
    return call('/api/v1/query', { query: promql }, opts);
  }

  async function matrix(query: PrometheusQuery, context: MeasureContext, range: RangeSpec, opts: ProviderCallOptions = {}): Promise<MatrixResult> {
    const promql = renderTemplate(query.query, context);
    const answer = await call(
      '/api/v1/query_range',
      { query: promql, start: String(range.startMs / 1000), end: String(range.endMs / 1000), step: String(Math.max(range.stepMs, 1) / 1000) },
      opts,
    );
    if (!answer.ok) return { kind: 'error', message: answer.message, promql };
    if (answer.data.resultType !== 'matrix') return { kind: 'error', message: `query_range returned ${answer.data.resultType}, expected a matrix`, promql };
    return { kind: 'matrix', series: answer.data.result, promql };
  }

  async function series(query: PrometheusQuery, context: MeasureContext, opts: ProviderCallOptions = {}): Promise<SeriesResult> {
    const answer = await instant(query, context, opts);
    const at = new Date().toISOString();
    if (!answer.ok) return { kind: 'error', message: answer.message, at };
    const { data } = answer;
    let out: LabelledValue[];
    switch (data.resultType) {
      case 'vector':
        out = data.result.map((s) => ({ labels: s.metric, value: parseSampleValue(s.value[1]) }));
        break;
      case 'scalar':
        out = [{ labels: {}, value: parseSampleValue(data.result[1]) }];
        break;
      case 'matrix':
        return { kind: 'error', message: 'query returned a range vector; wrap it in a function such as rate() or last_over_time()', at };
      case 'string':
        return { kind: 'error', message: 'query returned a string, not a number', at };
      default: {
        const unhandled: never = data;
        return { kind: 'error', message: `unexpected result type ${JSON.stringify(unhandled)}`, at };
      }
    }
    if (out.length === 0) return { kind: 'no-data', reason: 'empty result', at };
    out.sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels)));
    return { kind: 'series', series: out, at };
  }

  return {
    kind: 'prometheus',
    description: 'Prometheus HTTP API: /api/v1/query and /api/v1/query_range',
    series,

    async measure(query, context, opts = {}): Promise<Measurement> {
      const result = await series(query, context, opts);
      if (result.kind !== 'series') return result;
      // NaN (0/0, histogram_quantile over no requests) is "no data", never a value to compare.
      const values = result.series.map((s) => s.value).filter((v) => !Number.isNaN(v));
      if (values.length === 0) return { kind: 'no-data', reason: 'result is NaN', at: result.at };
      const finiteValues = values.map(finite);
      return { kind: 'value', value: finiteValues.length === 1 ? finiteValues[0]! : finiteValues, at: result.at };
    },

    matrix,

    async range(query, context, range: RangeSpec, opts = {}): Promise<RangeResult> {
      const answer = await matrix(query, context, range, opts);
      const at = new Date().toISOString();
      if (answer.kind === 'error') return { kind: 'error', message: answer.message, at };
      const sorted = [...answer.series].sort((a, b) => labelKey(a.metric).localeCompare(labelKey(b.metric)));
      const values = sorted.flatMap((s) => s.values.map(([, raw]) => parseSampleValue(raw)));
      if (values.length === 0) return { kind: 'no-data', reason: 'empty result', at };
      if (values.every((v) => Number.isNaN(v))) return { kind: 'no-data', reason: 'every sample is NaN', at };
      return { kind: 'samples', values: values.map((v) => (Number.isNaN(v) ? null : finite(v))), series: sorted.length, at };
    },
  };
}
