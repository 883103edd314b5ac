/**
 * Judge registry: every judge is a pure fold over looks behind one interface, so the analysis
 * workflow (or an activity) can pick one by `kind` from the template and keep its plain-JSON state
 * between timers. Adding a judge = one file + one entry in JUDGES.
 */
import type { z } from 'zod';
import {
  MannWhitneyJudgeConfig,
  SequentialJudgeConfig,
  ThresholdJudgeConfig,
} from '../../../domain/analysis';
import type { AnalysisPhase, Decision, InconclusivePolicy, JudgeKind, Observation } from '../../../domain/analysis';
import { assessMetric, assessRun } from './threshold';
import type { MetricAssessment } from './threshold';
import { judgeWindow } from './canary-score';
import type { CanaryScore } from './canary-score';
import { initialSequentialState, lookSequential } from './sequential/judge';
import type { SequentialLookInput, SequentialState } from './sequential/judge';

export interface JudgeState {
  phase: AnalysisPhase;
  reason: string;
}

export interface Judge<K extends JudgeKind, C, S extends JudgeState, I> {
  kind: K;
  description: string;
  schema: z.ZodType<C>;
  init(config: C): S;
  /** Fold one look (one interval's data) into the state. Pure and deterministic. */
  look(config: C, state: S, input: I): S;
}

// --- threshold ------------------------------------------------------------------------------
export interface ThresholdState extends JudgeState {
  observations: Record<string, Observation[]>;
  metrics: MetricAssessment[];
}
export interface ThresholdLookInput {
  /** One observation per metric measured at this look (metrics with other intervals may be absent). */
  observations: Readonly<Record<string, Observation>>;
  terminate?: boolean;
}

export const thresholdJudge: Judge<'threshold', ThresholdJudgeConfig, ThresholdState, ThresholdLookInput> = {
  kind: 'threshold',
  description: 'Argo Rollouts-style conditions per measurement with failure/inconclusive/error limits',
  schema: ThresholdJudgeConfig,
  init: (config) => ({
    phase: 'Pending',
    reason: 'no measurement yet',
    observations: Object.fromEntries(config.metrics.map((m) => [m.name, []])),
    metrics: [],
  }),
  look(config, state, input) {
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
  },
};

// --- mann-whitney (Kayenta) -----------------------------------------------------------------
export interface MannWhitneyState extends JudgeState {
  windows: CanaryScore[];
}
export type MannWhitneyLookInput = Readonly<Record<string, { canary: readonly (number | null)[]; baseline: readonly (number | null)[] }>>;

export const mannWhitneyJudge: Judge<'mann-whitney', MannWhitneyJudgeConfig, MannWhitneyState, MannWhitneyLookInput> = {
  kind: 'mann-whitney',
  description: 'Kayenta-style baseline vs canary: Mann-Whitney U + Hodges-Lehmann interval per metric, weighted score',
  schema: MannWhitneyJudgeConfig,
  init: () => ({ phase: 'Pending', reason: 'no window judged yet', windows: [] }),
  look(config, state, input) {
    const score = judgeWindow(config, input);
    return { phase: score.phase, reason: score.reason, windows: [...state.windows, score] };
  },
};

// --- sequential -----------------------------------------------------------------------------
export const sequentialJudge: Judge<'sequential', SequentialJudgeConfig, SequentialState, SequentialLookInput> = {
  kind: 'sequential',
  description: 'Anytime-valid sequential test (beta-binomial / Dirichlet-multinomial e-processes), decides at every look',
  schema: SequentialJudgeConfig,
  init: (config) => initialSequentialState(config),
  look: (config, state, input) => lookSequential(config, state, input),
};

export const JUDGES = {
  threshold: thresholdJudge,
  'mann-whitney': mannWhitneyJudge,
  sequential: sequentialJudge,
} as const satisfies { [K in JudgeKind]: { kind: K } };

export type JudgeRegistry = typeof JUDGES;

/** Map a finished (or running) analysis phase to what the release workflow should do. */
export function decide(phase: AnalysisPhase, policy: InconclusivePolicy): Decision {
  switch (phase) {
    case 'Pending':
    case 'Running':
      return 'continue';
    case 'Successful':
      return 'promote';
    case 'Failed':
    case 'Error':
      return 'rollback';
    case 'Inconclusive':
      return policy === 'pass' ? 'promote' : policy === 'rollback' ? 'rollback' : 'pause';
    default: {
      const unhandled: never = phase;
      throw new Error(`unhandled phase ${String(unhandled)}`);
    }
  }
}

export { assessMetric, assessRun, measure, isWorse, REASON } from './threshold';
export type { MetricAssessment, MetricCounts, MetricRules, RunAssessment } from './threshold';
export { classifyMetric, KAYENTA_CONFIDENCE, KAYENTA_TOLERANCE } from './mann-whitney';
export type { MetricJudgement } from './mann-whitney';
export { scoreCanary, judgeWindow } from './canary-score';
export type { CanaryScore } from './canary-score';
export { lookSequential, initialSequentialState } from './sequential/judge';
export type { SequentialLookInput, SequentialState, MetricLookInput } from './sequential/judge';
export { bucketIncrements, probabilityCanarySlower } from './sequential/latency';
export { betaBinomialLogE } from './sequential/e-process';
