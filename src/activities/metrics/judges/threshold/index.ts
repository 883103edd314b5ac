/**
 * Threshold judge (Argo Rollouts): conditions per measurement with failure, inconclusive and
 * consecutive-error limits. One look folds the observations taken at that look (metrics with
 * other intervals may be absent); `terminate` ends the metrics still running (window over).
 */
import { ThresholdJudgeConfig } from '../../../../domain/analysis';
import type { AnalysisPhase, MeasurementRecord, Observation } from '../../../../domain/analysis';
import { conditionProblem } from '../../conditions';
import type { Judge, JudgeProblem, JudgeState } from '../judge';
import type { MeasurementOutcome, MetricTable } from '../table';
import { assessMetric, assessRun } from './assess';
import type { MetricAssessment } from './assess';

export interface ThresholdState extends JudgeState {
  observations: Record<string, Observation[]>;
  metrics: MetricAssessment[];
}
export interface ThresholdLookInput {
  /** One observation per metric measured at this look (metrics with other intervals may be absent). */
  observations: Readonly<Record<string, Observation>>;
  terminate?: boolean;
}

export interface ThresholdLookArgs {
  config: ThresholdJudgeConfig;
  state?: ThresholdState;
  /** Observations taken at this look, by metric name. */
  observations: Record<string, Observation>;
  terminate?: boolean;
}
export interface ThresholdLookResult {
  state: ThresholdState;
  phase: AnalysisPhase;
  reason: string;
  metrics: MetricTable[];
}

const OUTCOME: Record<MeasurementRecord['phase'], MeasurementOutcome> = {
  Successful: 'pass',
  Failed: 'fail',
  Inconclusive: 'inconclusive',
  Error: 'error',
};

function init(config: ThresholdJudgeConfig): ThresholdState {
  return { phase: 'Pending', reason: 'no measurement yet', observations: Object.fromEntries(config.metrics.map((m) => [m.name, []])), metrics: [] };
}

function look(config: ThresholdJudgeConfig, state: ThresholdState, input: ThresholdLookInput): ThresholdState {
  if (state.phase !== 'Pending' && state.phase !== 'Running') return state;
  const observations: Record<string, Observation[]> = {};
  for (const m of config.metrics) {
    const o = input.observations[m.name];
    observations[m.name] = o ? [...(state.observations[m.name] ?? []), o] : [...(state.observations[m.name] ?? [])];
  }
  let metrics = config.metrics.map((m) => assessMetric(m, observations[m.name]!, { terminating: input.terminate }));
  let run = assessRun(metrics);
  if (run.terminated) {
    // Another metric decided: terminate the rest (Argo's IsTerminating) so the result is final.
    metrics = config.metrics.map((m, i) =>
      metrics[i]!.phase === 'Running' || metrics[i]!.phase === 'Pending' ? assessMetric(m, observations[m.name]!, { terminating: true }) : metrics[i]!,
    );
    run = assessRun(metrics);
  }
  return { phase: run.phase, reason: run.message, observations, metrics };
}

/** The `judgeThresholdLook` activity: fold one look into the state the workflow kept. */
export function thresholdLook(args: ThresholdLookArgs): ThresholdLookResult {
  const config = ThresholdJudgeConfig.parse(args.config);
  const state = look(config, args.state ?? init(config), { observations: args.observations, terminate: args.terminate });
  const metrics = state.metrics.map((m) => ({
    name: m.name,
    phase: m.phase,
    reason: m.message,
    measurements: m.measurements.map((r) => ({ at: r.at, outcome: OUTCOME[r.phase], reason: r.reason, ...(r.value !== undefined ? { value: r.value } : {}) })),
  }));
  return { state, phase: state.phase, reason: state.reason, metrics };
}

function check(config: ThresholdJudgeConfig): JudgeProblem[] {
  const problems: JudgeProblem[] = [];
  config.metrics.forEach((m, j) => {
    for (const key of ['successCondition', 'failureCondition'] as const) {
      const src = m[key];
      const problem = src === undefined ? undefined : conditionProblem(src);
      if (problem) problems.push({ path: `metrics[${j}].${key}`, message: problem });
    }
  });
  return problems;
}

export const thresholdJudge = {
  kind: 'threshold',
  description: 'Argo Rollouts-style conditions per measurement with failure/inconclusive/error limits',
  schema: ThresholdJudgeConfig,
  init,
  look,
  check,
  activities: { judgeThresholdLook: thresholdLook },
} satisfies Judge<'threshold', ThresholdJudgeConfig, ThresholdState, ThresholdLookInput, { judgeThresholdLook: typeof thresholdLook }>;

export { assessMetric, assessRun, measure, isWorse, REASON } from './assess';
export type { MetricAssessment, MetricCounts, MetricRules, RunAssessment } from './assess';
