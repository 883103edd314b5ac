/**
 * Default analysis templates (data, validated by the domain's zod schemas) and the rule for
 * combining them with a user's templates.
 *
 * - `default-threshold`: Argo-style error rate (5xx over all, by role) and p99 latency.
 * - `default-kayenta`: baseline vs canary, Mann-Whitney on error rate (critical) and latency.
 * - `default-sequential`: anytime-valid count (errors) and latency (histogram) tests.
 * A user template with the same name and judge kind overrides the default's fields and its
 * metrics by name, and adds new metrics; any other user template is added beside the defaults.
 */
import type { z } from 'zod';
import { AnalysisTemplate } from '../../../domain/analysis';
import type { InconclusivePolicy, ThresholdMetricInput } from '../../../domain/analysis';
import { ERROR_RATE_QUERY, LATENCY_MEAN_QUERY, LATENCY_P99_QUERY } from './queries';

export type AnalysisTemplateInput = z.input<typeof AnalysisTemplate>;

export const DEFAULT_MAX_ERROR_RATE = 0.05;
/** p99 budget in seconds: the example service answers in microseconds; +200 ms must fail it. */
export const DEFAULT_MAX_P99_SECONDS = 0.15;

export interface ThresholdOptions {
  interval?: string;
  count?: number;
  initialDelay?: string;
  maxErrorRate?: number;
  maxP99Seconds?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
  consecutiveErrorLimit?: number;
}

function limits(o: ThresholdOptions) {
  return {
    interval: o.interval ?? '30s',
    ...(o.count !== undefined ? { count: o.count } : {}),
    ...(o.initialDelay !== undefined ? { initialDelay: o.initialDelay } : {}),
    failureLimit: o.failureLimit ?? 0,
    inconclusiveLimit: o.inconclusiveLimit ?? 0,
    consecutiveErrorLimit: o.consecutiveErrorLimit ?? 4,
  };
}

export function errorRateMetric(o: ThresholdOptions = {}): ThresholdMetricInput {
  return {
    name: 'error-rate',
    provider: { kind: 'prometheus', query: ERROR_RATE_QUERY },
    successCondition: `result <= ${o.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE}`,
    ...limits(o),
  };
}

export function latencyP99Metric(o: ThresholdOptions = {}): ThresholdMetricInput {
  return {
    name: 'latency-p99',
    provider: { kind: 'prometheus', query: LATENCY_P99_QUERY },
    successCondition: `result <= ${o.maxP99Seconds ?? DEFAULT_MAX_P99_SECONDS}`,
    ...limits(o),
  };
}

export function defaultThresholdTemplate(o: ThresholdOptions & { inconclusivePolicy?: InconclusivePolicy } = {}): AnalysisTemplateInput {
  return {
    name: 'default-threshold',
    inconclusivePolicy: o.inconclusivePolicy ?? 'pause',
    judge: { kind: 'threshold', metrics: [errorRateMetric(o), latencyP99Metric(o)] },
  };
}

export interface KayentaOptions {
  /** Step between samples (query_range resolution). */
  interval?: string;
  /** Length of the compared window. */
  window?: string;
  minSamples?: number;
  inconclusivePolicy?: InconclusivePolicy;
}

export function defaultKayentaTemplate(o: KayentaOptions = {}): AnalysisTemplateInput {
  const minSamples = o.minSamples ?? 10;
  return {
    name: 'default-kayenta',
    inconclusivePolicy: o.inconclusivePolicy ?? 'pause',
    judge: {
      kind: 'mann-whitney',
      interval: o.interval ?? '30s',
      window: o.window ?? '10m',
      metrics: [
        // Error rates are mostly exact zeros for a healthy service; ties are handled by the test.
        { name: 'error-rate', provider: { kind: 'prometheus', query: ERROR_RATE_QUERY }, direction: 'increase', critical: true, minSamples },
        { name: 'latency-mean', provider: { kind: 'prometheus', query: LATENCY_MEAN_QUERY }, direction: 'increase', minSamples },
        { name: 'latency-p99', provider: { kind: 'prometheus', query: LATENCY_P99_QUERY }, direction: 'increase', minSamples },
      ],
    },
  };
}

export interface SequentialOptions {
  alpha?: number;
  interval?: string;
  maxDuration?: string;
  minRequests?: number;
  inconclusivePolicy?: InconclusivePolicy;
}

/** Queries default by metric kind (templates/queries.ts), so none are spelled out here. */
export function defaultSequentialTemplate(o: SequentialOptions = {}): AnalysisTemplateInput {
  const minRequests = o.minRequests ?? 100;
  return {
    name: 'default-sequential',
    inconclusivePolicy: o.inconclusivePolicy ?? 'pause',
    judge: {
      kind: 'sequential',
      alpha: o.alpha ?? 0.05,
      interval: o.interval ?? '5s',
      maxDuration: o.maxDuration ?? '10m',
      metrics: [
        { kind: 'count', name: 'errors', direction: 'increase', minRequests },
        { kind: 'latency', name: 'latency', direction: 'increase', minRequests },
      ],
    },
  };
}

function mergeByName<T extends { name: string }>(base: readonly T[], overrides: readonly T[]): T[] {
  const out = base.map((b) => overrides.find((o) => o.name === b.name) ?? b);
  for (const o of overrides) if (!base.some((b) => b.name === o.name)) out.push(o);
  return out;
}

/** Combine default and user templates (see the file comment), then validate the result. */
export function mergeTemplates(defaults: readonly AnalysisTemplateInput[], user: readonly AnalysisTemplateInput[]): AnalysisTemplate[] {
  const out: AnalysisTemplateInput[] = defaults.map((d) => {
    const u = user.find((t) => t.name === d.name);
    if (!u) return d;
    if (u.judge.kind !== d.judge.kind) return u;
    const metrics = mergeByName(d.judge.metrics as { name: string }[], u.judge.metrics as { name: string }[]);
    return { ...d, ...u, judge: { ...d.judge, ...u.judge, metrics } as AnalysisTemplateInput['judge'] };
  });
  for (const u of user) if (!defaults.some((d) => d.name === u.name)) out.push(u);
  return out.map((t) => AnalysisTemplate.parse(t));
}

export * from './queries';
