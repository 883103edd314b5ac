/**
 * Analysis templates, judge configurations and results: plain data validated with zod.
 *
 * Imported by workflows, so this file uses no Node APIs and imports nothing from activities.
 * Conditions are only checked for shape here; src/activities/metrics/conditions validates their
 * syntax (`validateTemplateConditions`) when a spec is loaded.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Durations: the intersection of Go's and the `ms` package's formats, so the same string works as
// an Argo-like spec value and as a Temporal `sleep()` argument.
const DURATION = /^(\d+)(ms|s|m|h)$/;
export const Duration = z.string().regex(DURATION, 'duration like "500ms", "5s", "1m" or "2h"');
export type Duration = z.infer<typeof Duration>;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
export function durationToMs(d: string): number {
  const m = DURATION.exec(d);
  if (!m) throw new RangeError(`invalid duration ${JSON.stringify(d)}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

// ---------------------------------------------------------------------------------------------
// Phases and decisions (Argo Rollouts' names).
export const AnalysisPhase = z.enum(['Pending', 'Running', 'Successful', 'Failed', 'Inconclusive', 'Error']);
export type AnalysisPhase = z.infer<typeof AnalysisPhase>;
export const COMPLETED_PHASES: readonly AnalysisPhase[] = ['Successful', 'Failed', 'Inconclusive', 'Error'];

/** What to do when analysis ends Inconclusive (issue 5: pause for a human, roll back, or pass). */
export const InconclusivePolicy = z.enum(['pause', 'rollback', 'pass']);
export type InconclusivePolicy = z.infer<typeof InconclusivePolicy>;

/** What the release does after an analysis (src/workflows/analysis-decision.ts decides). */
export const Decision = z.enum(['promote', 'pause', 'rollback']);
export type Decision = z.infer<typeof Decision>;

/** Metric direction: which way is bad. `increase` = higher canary values are a regression. */
export const Direction = z.enum(['increase', 'decrease', 'either']);
export type Direction = z.infer<typeof Direction>;

// ---------------------------------------------------------------------------------------------
// Metric providers (one entry per provider; adding a provider adds a member here).
export const PrometheusQuery = z.object({
  kind: z.literal('prometheus'),
  /** Template; the provider substitutes {{service}}, {{environment}}, {{role}}, {{window}}. */
  query: z.string().min(1),
});
export const WebQuery = z.object({
  kind: z.literal('web'),
  url: z.string().url(),
  /** Dotted path into the JSON body, e.g. "data.errorRate". */
  jsonPath: z.string().default(''),
});
export const MetricQuery = z.discriminatedUnion('kind', [PrometheusQuery, WebQuery]);
export type MetricQuery = z.infer<typeof MetricQuery>;

// ---------------------------------------------------------------------------------------------
// Threshold judge: Argo Rollouts metric semantics.
export const ThresholdMetric = z.object({
  name: z.string().min(1),
  provider: MetricQuery,
  interval: Duration.default('30s'),
  initialDelay: Duration.optional(),
  /** Number of (non-error) measurements; omitted = run until the analysis is terminated. */
  count: z.number().int().positive().optional(),
  successCondition: z.string().min(1).optional(),
  failureCondition: z.string().min(1).optional(),
  failureLimit: z.number().int().min(0).default(0),
  inconclusiveLimit: z.number().int().min(0).default(0),
  consecutiveErrorLimit: z.number().int().min(0).default(4),
});
export type ThresholdMetric = z.infer<typeof ThresholdMetric>;
export type ThresholdMetricInput = z.input<typeof ThresholdMetric>;

export const ThresholdJudgeConfig = z.object({
  kind: z.literal('threshold'),
  metrics: z.array(ThresholdMetric).min(1),
});
export type ThresholdJudgeConfig = z.infer<typeof ThresholdJudgeConfig>;

// ---------------------------------------------------------------------------------------------
// Kayenta-style Mann-Whitney judge (baseline vs canary).
export const NanStrategySchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('remove') }), z.object({ kind: z.literal('replace'), value: z.number().default(0) })]);

export const MannWhitneyMetric = z.object({
  name: z.string().min(1),
  /** Query template evaluated once per role (canary, baseline); optional for pure data use. */
  provider: MetricQuery.optional(),
  direction: Direction.default('increase'),
  critical: z.boolean().default(false),
  weight: z.number().positive().default(1),
  removeOutliers: z.boolean().default(false),
  nanStrategy: NanStrategySchema.default({ kind: 'remove' }),
  /** Fewer samples than this on either side → NoData (counts as inconclusive). */
  minSamples: z.number().int().min(1).default(10),
  /** Flag High when var(canary)/var(baseline) exceeds this (rank tests miss pure spread changes). */
  maxVarianceRatio: z.number().positive().optional(),
});
export type MannWhitneyMetric = z.infer<typeof MannWhitneyMetric>;

export const MannWhitneyJudgeConfig = z
  .object({
    kind: z.literal('mann-whitney'),
    confidence: z.number().gt(0).lt(1).default(0.98),
    /** Effect-size tolerance as a fraction of |Hodges-Lehmann estimate| (Kayenta: 0.25). */
    tolerance: z.number().min(0).default(0.25),
    interval: Duration.default('30s'),
    window: Duration.default('5m'),
    thresholds: z.object({ pass: z.number().min(0).max(100).default(95), marginal: z.number().min(0).max(100).default(75) }).default({ pass: 95, marginal: 75 }),
    metrics: z.array(MannWhitneyMetric).min(1),
  })
  .refine((c) => c.thresholds.marginal <= c.thresholds.pass, { message: 'thresholds.marginal must be <= thresholds.pass' });
export type MannWhitneyJudgeConfig = z.infer<typeof MannWhitneyJudgeConfig>;
export type MannWhitneyJudgeConfigInput = z.input<typeof MannWhitneyJudgeConfig>;

export const MetricClassification = z.enum(['Pass', 'High', 'Low', 'NoData']);
export type MetricClassification = z.infer<typeof MetricClassification>;

// ---------------------------------------------------------------------------------------------
// Sequential anytime-valid judge (issue 8).
const SequentialCommon = {
  name: z.string().min(1),
  provider: MetricQuery.optional(),
  direction: Direction.default('increase'),
  /** Canary's share of canary+baseline traffic under the null (equal weights → 0.5). */
  canaryShare: z.number().gt(0).lt(1).default(0.5),
  /** Prior concentration k: Beta/Dirichlet prior k·ρ (savvi's parameterisation). */
  priorStrength: z.number().positive().default(10),
  /** Requests per role needed before the judge may reject. */
  minRequests: z.number().int().min(0).default(100),
};
export const SequentialCountMetric = z.object({ kind: z.literal('count'), ...SequentialCommon });
export const SequentialLatencyMetric = z.object({
  kind: z.literal('latency'),
  ...SequentialCommon,
  priorStrength: z.number().positive().default(100),
});
export const SequentialMetric = z.discriminatedUnion('kind', [SequentialCountMetric, SequentialLatencyMetric]);
export type SequentialMetric = z.infer<typeof SequentialMetric>;
export type SequentialCountMetric = z.infer<typeof SequentialCountMetric>;
export type SequentialLatencyMetric = z.infer<typeof SequentialLatencyMetric>;

export const SequentialJudgeConfig = z.object({
  kind: z.literal('sequential'),
  alpha: z.number().gt(0).lt(1).default(0.05),
  interval: Duration.default('5s'),
  /** No evidence of regression by then → pass. */
  maxDuration: Duration.default('10m'),
  metrics: z.array(SequentialMetric).min(1),
});
export type SequentialJudgeConfig = z.infer<typeof SequentialJudgeConfig>;
export type SequentialJudgeConfigInput = z.input<typeof SequentialJudgeConfig>;

// ---------------------------------------------------------------------------------------------
export const JudgeConfig = z.union([ThresholdJudgeConfig, MannWhitneyJudgeConfig, SequentialJudgeConfig]);
export type JudgeConfig = z.infer<typeof JudgeConfig>;
export type JudgeKind = JudgeConfig['kind'];

export const AnalysisTemplate = z.object({
  name: z.string().min(1),
  judge: JudgeConfig,
  inconclusivePolicy: InconclusivePolicy.default('pause'),
});
export type AnalysisTemplate = z.infer<typeof AnalysisTemplate>;

// ---------------------------------------------------------------------------------------------
// Observations (what a provider returns for one measurement) and results.
export const Observation = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('value'), value: z.union([z.number(), z.array(z.number())]), at: z.string().optional() }),
  /** Empty result (or only NaN): inconclusive, never a pass. */
  z.object({ kind: z.literal('no-data'), reason: z.string().optional(), at: z.string().optional() }),
  /** Query timeout, provider error…: never a success. */
  z.object({ kind: z.literal('error'), message: z.string(), at: z.string().optional() }),
]);
export type Observation = z.infer<typeof Observation>;

export const MeasurementRecord = z.object({
  phase: z.enum(['Successful', 'Failed', 'Inconclusive', 'Error']),
  value: z.union([z.number(), z.array(z.number())]).optional(),
  reason: z.string(),
  at: z.string().optional(),
});
export type MeasurementRecord = z.infer<typeof MeasurementRecord>;

export const SequentialLook = z.object({
  look: z.number().int().min(1),
  elapsedMs: z.number().min(0),
  canaryRequests: z.number().min(0),
  baselineRequests: z.number().min(0),
  /** Natural log of the e-value (kept because the e-value itself can overflow a double). */
  logEValue: z.number(),
  /** min(e-value, Number.MAX_VALUE) so the record stays valid JSON. */
  eValue: z.number().min(0),
  /** Anytime-valid p-value: min(1, 1 / max e-value so far). */
  pValue: z.number().min(0).max(1),
  /** Observed direction of the difference: true when the canary looks worse. */
  canaryWorse: z.boolean(),
});
export type SequentialLook = z.infer<typeof SequentialLook>;
