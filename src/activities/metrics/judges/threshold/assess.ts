/**
 * Threshold judge: Argo Rollouts' measurement bookkeeping as a pure function.
 *
 * Per measurement (Argo's evaluate.EvaluateResult):
 * - no conditions → Successful; only successCondition → Failed when it is false; only
 *   failureCondition → Successful when it is false; both false → Inconclusive; failure wins ties.
 * - a condition that cannot be evaluated → Error.
 * Sluice tightenings, on purpose (issue 5):
 * - a no-data observation (empty result) or a NaN value is Inconclusive without evaluating the
 *   conditions: `result < 0.05` is false for NaN and Argo would call that Failed, while an empty
 *   vector makes Argo error out.
 * - errored measurements never count towards `count` (as in Argo), and a metric whose count was
 *   reached or that was terminated without a single Successful measurement is not Successful
 *   (Argo would say Successful): it ends Error if it only ever errored, else Inconclusive.
 *
 * Per metric (Argo's assessMetricStatus): Failed when failed > failureLimit; Inconclusive when
 * inconclusive > inconclusiveLimit; Error when consecutive errors > consecutiveErrorLimit;
 * Successful when count is reached; otherwise Running.
 * Per run (Argo's assessRunStatus + IsTerminating): the worst completed phase, decided as soon as
 * any metric is Failed, Error or Inconclusive (the remaining metrics are terminated, so rollback
 * never waits for other windows).
 */
import type { AnalysisPhase, MeasurementRecord, Observation, ThresholdMetric } from '../../../../domain/analysis';
import { compileCondition, evaluateCondition } from '../../conditions';
import type { CompiledCondition } from '../../conditions';

export const REASON = {
  noConditions: 'no conditions: measurement counts as successful',
  successMet: 'successCondition met',
  successNotMet: 'successCondition not met',
  failureMet: 'failureCondition met',
  failureNotMet: 'failureCondition not met',
  neitherMet: 'neither successCondition nor failureCondition met',
  noData: 'no data',
  nan: 'value is NaN (no data)',
} as const;

/** The subset of ThresholdMetric that bookkeeping reads (provider and interval are the caller's). */
export type MetricRules = Pick<ThresholdMetric, 'name' | 'successCondition' | 'failureCondition' | 'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit' | 'count'>;

export interface MetricCounts {
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
}

export interface MetricAssessment {
  name: string;
  phase: AnalysisPhase;
  message: string;
  counts: MetricCounts;
  measurements: MeasurementRecord[];
}

interface CompiledRules {
  success?: CompiledCondition;
  failure?: CompiledCondition;
}

function compileRules(spec: MetricRules): CompiledRules {
  return {
    success: spec.successCondition ? compileCondition(spec.successCondition) : undefined,
    failure: spec.failureCondition ? compileCondition(spec.failureCondition) : undefined,
  };
}

function isNaNValue(value: number | readonly number[]): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  return value.length === 0 || value.every((v) => Number.isNaN(v));
}

/** Turn one observation into a measurement phase with a reason. */
export function measure(rules: CompiledRules, obs: Observation): MeasurementRecord {
  const at = obs.at;
  if (obs.kind === 'error') return { phase: 'Error', reason: obs.message, at };
  if (obs.kind === 'no-data') return { phase: 'Inconclusive', reason: obs.reason ? `${REASON.noData}: ${obs.reason}` : REASON.noData, at };
  const value = obs.value;
  if (isNaNValue(value)) return { phase: 'Inconclusive', value, reason: Array.isArray(value) && value.length === 0 ? REASON.noData : REASON.nan, at };
  if (!rules.success && !rules.failure) return { phase: 'Successful', value, reason: REASON.noConditions, at };
  let success = false;
  let failure = false;
  try {
    if (rules.success) success = evaluateCondition(rules.success, { result: value });
    if (rules.failure) failure = evaluateCondition(rules.failure, { result: value });
  } catch (err) {
    return { phase: 'Error', value, reason: (err as Error).message, at };
  }
  if (rules.success && !rules.failure) failure = !success;
  if (!rules.success && rules.failure) success = !failure;
  if (failure) return { phase: 'Failed', value, reason: rules.failure && failure ? REASON.failureMet : REASON.successNotMet, at };
  if (!success) return { phase: 'Inconclusive', value, reason: REASON.neitherMet, at };
  return { phase: 'Successful', value, reason: rules.success ? REASON.successMet : REASON.failureNotMet, at };
}

function tally(measurements: readonly MeasurementRecord[]): MetricCounts {
  const c: MetricCounts = { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0 };
  for (const m of measurements) {
    if (m.phase === 'Error') {
      c.error++;
      c.consecutiveError++;
      continue;
    }
    c.count++;
    c.consecutiveError = 0;
    if (m.phase === 'Successful') c.successful++;
    else if (m.phase === 'Failed') c.failed++;
    else c.inconclusive++;
  }
  return c;
}

/** End state of a metric that stops without failing: Successful only with real successes. */
function finish(c: MetricCounts, why: string): { phase: AnalysisPhase; message: string } {
  if (c.successful > 0) return { phase: 'Successful', message: why };
  if (c.count === 0 && c.error > 0) return { phase: 'Error', message: `${why}, but every measurement errored` };
  return { phase: 'Inconclusive', message: `${why}, but no measurement was successful` };
}

export interface AssessOptions {
  /** The run is being stopped (explicit terminate, or another metric already decided). */
  terminating?: boolean;
}

/** Assess one metric from its observations so far. Throws ConditionError on an invalid condition. */
export function assessMetric(spec: MetricRules, observations: readonly Observation[], opts: AssessOptions = {}): MetricAssessment {
  const rules = compileRules(spec);
  const measurements = observations.map((o) => measure(rules, o));
  const counts = tally(measurements);
  const base = { name: spec.name, counts, measurements };
  if (measurements.length === 0) {
    return opts.terminating ? { ...base, phase: 'Inconclusive', message: 'terminated before any measurement' } : { ...base, phase: 'Pending', message: 'no measurement yet' };
  }
  if (counts.failed > spec.failureLimit) {
    return { ...base, phase: 'Failed', message: `failed (${counts.failed}) > failureLimit (${spec.failureLimit})` };
  }
  if (counts.inconclusive > spec.inconclusiveLimit) {
    return { ...base, phase: 'Inconclusive', message: `inconclusive (${counts.inconclusive}) > inconclusiveLimit (${spec.inconclusiveLimit})` };
  }
  if (counts.consecutiveError > spec.consecutiveErrorLimit) {
    return { ...base, phase: 'Error', message: `consecutive errors (${counts.consecutiveError}) > consecutiveErrorLimit (${spec.consecutiveErrorLimit})` };
  }
  if (spec.count !== undefined && counts.count >= spec.count) return { ...base, ...finish(counts, `count (${spec.count}) reached`) };
  if (opts.terminating) return { ...base, ...finish(counts, 'run terminated') };
  return { ...base, phase: 'Running', message: `${counts.count} measurement(s) taken` };
}

/** Argo's order, best to worst. */
const SEVERITY: Record<AnalysisPhase, number> = { Pending: 0, Running: 1, Successful: 2, Inconclusive: 3, Error: 4, Failed: 5 };

export function isWorse(current: AnalysisPhase, candidate: AnalysisPhase): boolean {
  return SEVERITY[candidate] > SEVERITY[current];
}

export interface RunAssessment {
  phase: AnalysisPhase;
  message: string;
  /** True when a completed non-successful metric ends the run early. */
  terminated: boolean;
}

/**
 * Combine metric assessments into a run phase. As soon as one metric is Failed, Error or
 * Inconclusive the run ends with the worst completed phase, without waiting for the others.
 */
export function assessRun(metrics: readonly Pick<MetricAssessment, 'name' | 'phase' | 'message'>[]): RunAssessment {
  if (metrics.length === 0) return { phase: 'Inconclusive', message: 'no metrics', terminated: false };
  let worst: Pick<MetricAssessment, 'name' | 'phase' | 'message'> | undefined;
  let allDone = true;
  for (const m of metrics) {
    const done = m.phase === 'Successful' || m.phase === 'Failed' || m.phase === 'Inconclusive' || m.phase === 'Error';
    if (!done) {
      allDone = false;
      continue;
    }
    if (!worst || isWorse(worst.phase, m.phase)) worst = m;
  }
  if (worst && worst.phase !== 'Successful') return { phase: worst.phase, message: `metric "${worst.name}": ${worst.message}`, terminated: !allDone };
  if (allDone && worst) return { phase: 'Successful', message: 'all metrics successful', terminated: false };
  return { phase: 'Running', message: 'metrics still running', terminated: false };
}
