/**
 * The metric provider extension point (Argo Rollouts' metric `Provider`): one interface here,
 * one file per provider, one registry map in ./index.ts.
 *
 * Every method resolves to data, never throws for a failed query: an unreachable provider, a
 * timeout or a bad query is an `error` result, and an empty answer is `no-data`. The analysis
 * bookkeeping then decides what those mean (errors never count as success, no data is
 * inconclusive). Methods throw only for bad input that no retry can fix.
 */
import type { MetricQuery } from '../../../domain/analysis';
import { type ErrorType } from '../../../domain/errors';

/** Which instances of a release a query is about; the value of the `role` scrape label. */
export const ROLES = ['stable', 'canary', 'baseline', 'preview'] as const;
export type Role = (typeof ROLES)[number];

/** What a query template may refer to as {{service}}, {{environment}}, {{role}}, {{window}}, {{version}}. */
export interface MeasureContext {
  service: string;
  environment: string;
  role: Role;
  /** Range for rate()/increase() windows, a Prometheus duration such as "30s". */
  window?: string;
  version?: string;
}

export interface ProviderCallOptions {
  /** Aborts the request (activity cancellation); the provider adds its own timeout on top. */
  signal?: AbortSignal;
}

/** One scalar-ish measurement, the shape the threshold judge reads. */
export type Measurement =
  { kind: 'value'; value: number | number[]; at: string } | { kind: 'no-data'; reason: string; at: string } | { kind: 'error'; message: string; at: string };

export interface LabelledValue {
  labels: Record<string, string>;
  /** NaN is kept here (callers decide); ±Inf are kept as ±Infinity. */
  value: number;
}

/** An instant vector with labels (for judges that need several series, e.g. histogram buckets). */
export type SeriesResult =
  { kind: 'series'; series: LabelledValue[]; at: string } | { kind: 'no-data'; reason: string; at: string } | { kind: 'error'; message: string; at: string };

export interface RangeSpec {
  /** Unix milliseconds. */
  startMs: number;
  endMs: number;
  stepMs: number;
}

/** Samples over a time range; NaN points become null so the result stays valid JSON. */
export type RangeResult =
  { kind: 'samples'; values: (number | null)[]; series: number; at: string } | { kind: 'no-data'; reason: string; at: string } | { kind: 'error'; message: string; at: string };

export type PrometheusQuery = Extract<MetricQuery, { kind: 'prometheus' }>;
export type WebQuery = Extract<MetricQuery, { kind: 'web' }>;

export interface MetricProvider<Q extends MetricQuery = MetricQuery> {
  kind: Q['kind'];
  description: string;
  measure(query: Q, context: MeasureContext, opts?: ProviderCallOptions): Promise<Measurement>;
  /** Labelled instant vector; only providers with labelled data implement it. */
  series?(query: Q, context: MeasureContext, opts?: ProviderCallOptions): Promise<SeriesResult>;
  /** Samples over a range (Kayenta-style judges); only time-series stores implement it. */
  range?(query: Q, context: MeasureContext, range: RangeSpec, opts?: ProviderCallOptions): Promise<RangeResult>;
}

/** Thrown for bad input; the activities turn it into a non-retryable ApplicationFailure. */
export class MetricInputError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'MetricInputError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    // fetch() hides the useful part (ECONNREFUSED, ETIMEDOUT) in `cause`.
    const cause = (err as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.message}${detail}`;
  }
  return String(err);
}

/**
 * Combine the caller's signal with the provider's own timeout; the reason says which fired so the
 * measurement records "timed out after 5000 ms" rather than a bare "aborted".
 */
export function withTimeout(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

export function describeAbort(signal: AbortSignal, timeoutMs: number): string | undefined {
  if (!signal.aborted) return undefined;
  const reason = signal.reason as { name?: string } | undefined;
  return reason?.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : 'cancelled';
}
