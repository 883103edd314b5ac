"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SequentialLook = exports.MeasurementRecord = exports.Observation = exports.AnalysisTemplate = exports.JudgeConfig = exports.SequentialJudgeConfig = exports.SequentialMetric = exports.SequentialLatencyMetric = exports.SequentialCountMetric = exports.MetricClassification = exports.MannWhitneyJudgeConfig = exports.MannWhitneyMetric = exports.NanStrategySchema = exports.ThresholdJudgeConfig = exports.ThresholdMetric = exports.MetricQuery = exports.WebQuery = exports.PrometheusQuery = exports.Direction = exports.Decision = exports.InconclusivePolicy = exports.COMPLETED_PHASES = exports.AnalysisPhase = exports.Duration = void 0;
exports.durationToMs = durationToMs;
/**
 * Analysis templates, judge configurations and results: plain data validated with zod.
 *
 * Imported by workflows, so this file uses no Node APIs and imports nothing from activities.
 * Conditions are only checked for shape here; src/activities/metrics/conditions validates their
 * syntax (`validateTemplateConditions`) when a spec is loaded.
 */
const zod_1 = require("zod");
// ---------------------------------------------------------------------------------------------
// Durations: the intersection of Go's and the `ms` package's formats, so the same string works as
// an Argo-like spec value and as a Temporal `sleep()` argument.
const DURATION = /^(\d+)(ms|s|m|h)$/;
exports.Duration = zod_1.z.string().regex(DURATION, 'duration like "500ms", "5s", "1m" or "2h"');
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
function durationToMs(d) {
    const m = DURATION.exec(d);
    if (!m)
        throw new RangeError(`invalid duration ${JSON.stringify(d)}`);
    return Number(m[1]) * UNIT_MS[m[2]];
}
// ---------------------------------------------------------------------------------------------
// Phases and decisions (Argo Rollouts' names).
exports.AnalysisPhase = zod_1.z.enum(['Pending', 'Running', 'Successful', 'Failed', 'Inconclusive', 'Error']);
exports.COMPLETED_PHASES = ['Successful', 'Failed', 'Inconclusive', 'Error'];
/** What to do when analysis ends Inconclusive (issue 5: pause for a human, roll back, or pass). */
exports.InconclusivePolicy = zod_1.z.enum(['pause', 'rollback', 'pass']);
exports.Decision = zod_1.z.enum(['continue', 'promote', 'pause', 'rollback']);
/** Metric direction: which way is bad. `increase` = higher canary values are a regression. */
exports.Direction = zod_1.z.enum(['increase', 'decrease', 'either']);
// ---------------------------------------------------------------------------------------------
// Metric providers (one entry per provider; adding a provider adds a member here).
exports.PrometheusQuery = zod_1.z.object({
    kind: zod_1.z.literal('prometheus'),
    /** Template; the provider substitutes {{service}}, {{environment}}, {{role}}, {{window}}. */
    query: zod_1.z.string().min(1),
});
exports.WebQuery = zod_1.z.object({
    kind: zod_1.z.literal('web'),
    url: zod_1.z.string().url(),
    /** Dotted path into the JSON body, e.g. "data.errorRate". */
    jsonPath: zod_1.z.string().default(''),
});
exports.MetricQuery = zod_1.z.discriminatedUnion('kind', [exports.PrometheusQuery, exports.WebQuery]);
// ---------------------------------------------------------------------------------------------
// Threshold judge: Argo Rollouts metric semantics.
exports.ThresholdMetric = zod_1.z.object({
    name: zod_1.z.string().min(1),
    provider: exports.MetricQuery,
    interval: exports.Duration.default('30s'),
    initialDelay: exports.Duration.optional(),
    /** Number of (non-error) measurements; omitted = run until the analysis is terminated. */
    count: zod_1.z.number().int().positive().optional(),
    successCondition: zod_1.z.string().min(1).optional(),
    failureCondition: zod_1.z.string().min(1).optional(),
    failureLimit: zod_1.z.number().int().min(0).default(0),
    inconclusiveLimit: zod_1.z.number().int().min(0).default(0),
    consecutiveErrorLimit: zod_1.z.number().int().min(0).default(4),
});
exports.ThresholdJudgeConfig = zod_1.z.object({
    kind: zod_1.z.literal('threshold'),
    metrics: zod_1.z.array(exports.ThresholdMetric).min(1),
});
// ---------------------------------------------------------------------------------------------
// Kayenta-style Mann-Whitney judge (baseline vs canary).
exports.NanStrategySchema = zod_1.z.discriminatedUnion('kind', [
    zod_1.z.object({ kind: zod_1.z.literal('remove') }),
    zod_1.z.object({ kind: zod_1.z.literal('replace'), value: zod_1.z.number().default(0) }),
]);
exports.MannWhitneyMetric = zod_1.z.object({
    name: zod_1.z.string().min(1),
    /** Query template evaluated once per role (canary, baseline); optional for pure data use. */
    provider: exports.MetricQuery.optional(),
    direction: exports.Direction.default('increase'),
    critical: zod_1.z.boolean().default(false),
    weight: zod_1.z.number().positive().default(1),
    removeOutliers: zod_1.z.boolean().default(false),
    nanStrategy: exports.NanStrategySchema.default({ kind: 'remove' }),
    /** Fewer samples than this on either side → NoData (counts as inconclusive). */
    minSamples: zod_1.z.number().int().min(1).default(10),
    /** Flag High when var(canary)/var(baseline) exceeds this (rank tests miss pure spread changes). */
    maxVarianceRatio: zod_1.z.number().positive().optional(),
});
exports.MannWhitneyJudgeConfig = zod_1.z
    .object({
    kind: zod_1.z.literal('mann-whitney'),
    confidence: zod_1.z.number().gt(0).lt(1).default(0.98),
    /** Effect-size tolerance as a fraction of |Hodges-Lehmann estimate| (Kayenta: 0.25). */
    tolerance: zod_1.z.number().min(0).default(0.25),
    interval: exports.Duration.default('30s'),
    window: exports.Duration.default('5m'),
    thresholds: zod_1.z.object({ pass: zod_1.z.number().min(0).max(100).default(95), marginal: zod_1.z.number().min(0).max(100).default(75) }).default({ pass: 95, marginal: 75 }),
    metrics: zod_1.z.array(exports.MannWhitneyMetric).min(1),
})
    .refine((c) => c.thresholds.marginal <= c.thresholds.pass, { message: 'thresholds.marginal must be <= thresholds.pass' });
exports.MetricClassification = zod_1.z.enum(['Pass', 'High', 'Low', 'NoData']);
// ---------------------------------------------------------------------------------------------
// Sequential anytime-valid judge (issue 8).
const SequentialCommon = {
    name: zod_1.z.string().min(1),
    provider: exports.MetricQuery.optional(),
    direction: exports.Direction.default('increase'),
    /** Canary's share of canary+baseline traffic under the null (equal weights → 0.5). */
    canaryShare: zod_1.z.number().gt(0).lt(1).default(0.5),
    /** Prior concentration k: Beta/Dirichlet prior k·ρ (savvi's parameterisation). */
    priorStrength: zod_1.z.number().positive().default(10),
    /** Requests per role needed before the judge may reject. */
    minRequests: zod_1.z.number().int().min(0).default(100),
};
exports.SequentialCountMetric = zod_1.z.object({ kind: zod_1.z.literal('count'), ...SequentialCommon });
exports.SequentialLatencyMetric = zod_1.z.object({
    kind: zod_1.z.literal('latency'),
    ...SequentialCommon,
    priorStrength: zod_1.z.number().positive().default(100),
});
exports.SequentialMetric = zod_1.z.discriminatedUnion('kind', [exports.SequentialCountMetric, exports.SequentialLatencyMetric]);
exports.SequentialJudgeConfig = zod_1.z.object({
    kind: zod_1.z.literal('sequential'),
    alpha: zod_1.z.number().gt(0).lt(1).default(0.05),
    interval: exports.Duration.default('5s'),
    /** No evidence of regression by then → pass. */
    maxDuration: exports.Duration.default('10m'),
    metrics: zod_1.z.array(exports.SequentialMetric).min(1),
});
// ---------------------------------------------------------------------------------------------
exports.JudgeConfig = zod_1.z.union([exports.ThresholdJudgeConfig, exports.MannWhitneyJudgeConfig, exports.SequentialJudgeConfig]);
exports.AnalysisTemplate = zod_1.z.object({
    name: zod_1.z.string().min(1),
    judge: exports.JudgeConfig,
    inconclusivePolicy: exports.InconclusivePolicy.default('pause'),
});
// ---------------------------------------------------------------------------------------------
// Observations (what a provider returns for one measurement) and results.
exports.Observation = zod_1.z.discriminatedUnion('kind', [
    zod_1.z.object({ kind: zod_1.z.literal('value'), value: zod_1.z.union([zod_1.z.number(), zod_1.z.array(zod_1.z.number())]), at: zod_1.z.string().optional() }),
    /** Empty result (or only NaN): inconclusive, never a pass. */
    zod_1.z.object({ kind: zod_1.z.literal('no-data'), reason: zod_1.z.string().optional(), at: zod_1.z.string().optional() }),
    /** Query timeout, provider error…: never a success. */
    zod_1.z.object({ kind: zod_1.z.literal('error'), message: zod_1.z.string(), at: zod_1.z.string().optional() }),
]);
exports.MeasurementRecord = zod_1.z.object({
    phase: zod_1.z.enum(['Successful', 'Failed', 'Inconclusive', 'Error']),
    value: zod_1.z.union([zod_1.z.number(), zod_1.z.array(zod_1.z.number())]).optional(),
    reason: zod_1.z.string(),
    at: zod_1.z.string().optional(),
});
exports.SequentialLook = zod_1.z.object({
    look: zod_1.z.number().int().min(1),
    elapsedMs: zod_1.z.number().min(0),
    canaryRequests: zod_1.z.number().min(0),
    baselineRequests: zod_1.z.number().min(0),
    /** Natural log of the e-value (kept because the e-value itself can overflow a double). */
    logEValue: zod_1.z.number(),
    /** min(e-value, Number.MAX_VALUE) so the record stays valid JSON. */
    eValue: zod_1.z.number().min(0),
    /** Anytime-valid p-value: min(1, 1 / max e-value so far). */
    pValue: zod_1.z.number().min(0).max(1),
    /** Observed direction of the difference: true when the canary looks worse. */
    canaryWorse: zod_1.z.boolean(),
});
//# sourceMappingURL=analysis.js.map