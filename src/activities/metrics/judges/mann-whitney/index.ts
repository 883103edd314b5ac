/**
 * Mann-Whitney judge (Kayenta): baseline vs canary over one window, a Mann-Whitney U test and a
 * Hodges-Lehmann interval per metric, and a weighted canary score against pass/marginal
 * thresholds. One look is one window.
 */
import { MannWhitneyJudgeConfig } from '../../../../domain/analysis';
import type { AnalysisPhase } from '../../../../domain/analysis';
import type { Judge, JudgeProblem, JudgeState } from '../judge';
import type { MeasurementOutcome, MeasurementRow, MetricTable } from '../table';
import { judgeWindow } from './canary-score';
import type { CanaryScore } from './canary-score';
import type { MetricJudgement } from './classify';

export interface MannWhitneyState extends JudgeState {
  windows: CanaryScore[];
}
export type MannWhitneyLookInput = Readonly<Record<string, { canary: readonly (number | null)[]; baseline: readonly (number | null)[] }>>;

export interface KayentaWindowArgs {
  config: MannWhitneyJudgeConfig;
  samples: Record<string, { canary: (number | null)[]; baseline: (number | null)[]; at?: string; note?: string }>;
}
export interface KayentaWindowResult {
  phase: AnalysisPhase;
  reason: string;
  score: number;
  metrics: MetricTable[];
}

const CLASSIFIED: Record<MetricJudgement['classification'], { phase: AnalysisPhase; outcome: MeasurementOutcome }> = {
  Pass: { phase: 'Successful', outcome: 'pass' },
  High: { phase: 'Failed', outcome: 'fail' },
  Low: { phase: 'Failed', outcome: 'fail' },
  NoData: { phase: 'Inconclusive', outcome: 'inconclusive' },
};

function init(_config?: MannWhitneyJudgeConfig): MannWhitneyState {
  return { phase: 'Pending', reason: 'no window judged yet', windows: [] };
}

function look(config: MannWhitneyJudgeConfig, state: MannWhitneyState, input: MannWhitneyLookInput): MannWhitneyState {
  const score = judgeWindow(config, input);
  return { phase: score.phase, reason: score.reason, windows: [...state.windows, score] };
}

/** The `judgeKayentaWindow` activity: judge one window of canary and baseline samples. */
export function kayentaWindow(args: KayentaWindowArgs): KayentaWindowResult {
  const config = MannWhitneyJudgeConfig.parse(args.config);
  const state = look(config, init(), args.samples);
  const score = state.windows[state.windows.length - 1]!;
  const metrics = score.metrics.map((j) => {
    const s = args.samples[j.name];
    const c = CLASSIFIED[j.classification];
    const reason = s?.note ? `${j.reason} (${s.note})` : j.reason;
    const row: MeasurementRow = { at: s?.at, outcome: c.outcome, reason: `${j.classification}: ${reason}`, canary: s?.canary ?? [], baseline: s?.baseline ?? [] };
    if (j.estimate !== undefined && Number.isFinite(j.estimate)) row.value = j.estimate;
    return { name: j.name, phase: c.phase, reason: `${j.classification}: ${reason}`, measurements: [row] };
  });
  return { phase: score.phase, reason: score.reason, score: score.score, metrics };
}

function check(config: MannWhitneyJudgeConfig): JudgeProblem[] {
  return config.metrics.flatMap((m, j) => (m.provider ? [] : [{ path: `metrics[${j}].provider`, message: 'is required to sample canary and baseline' }]));
}

export const mannWhitneyJudge = {
  kind: 'mann-whitney',
  description: 'Kayenta-style baseline vs canary: Mann-Whitney U + Hodges-Lehmann interval per metric, weighted score',
  schema: MannWhitneyJudgeConfig,
  init,
  look,
  check,
  activities: { judgeKayentaWindow: kayentaWindow },
} satisfies Judge<'mann-whitney', MannWhitneyJudgeConfig, MannWhitneyState, MannWhitneyLookInput, { judgeKayentaWindow: typeof kayentaWindow }>;

export { classifyMetric, KAYENTA_CONFIDENCE, KAYENTA_TOLERANCE } from './classify';
export type { MetricJudgement } from './classify';
export { scoreCanary, judgeWindow } from './canary-score';
export type { CanaryScore } from './canary-score';
