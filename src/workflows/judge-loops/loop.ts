/**
 * What the analysis workflow needs from each judge kind: the loop that drives one template
 * (when to wait, which measuring activity to call, which judge activity folds the look), and
 * the longest that loop can run. One file per judge in this folder, named as the judge's folder
 * in src/activities/metrics/judges/, and one line in JUDGE_LOOPS (./index.ts).
 */
import type { AnalysisTemplate, JudgeConfig, JudgeKind } from '../../domain/analysis';
import type { TemplateResult } from '../analysis-types';
import type { RunControl } from '../analysis-run';

export type JudgeConfigOf<K extends JudgeKind> = Extract<JudgeConfig, { kind: K }>;
export type TemplateOf<K extends JudgeKind> = AnalysisTemplate & { judge: JudgeConfigOf<K> };

export interface JudgeLoop<K extends JudgeKind> {
  /**
   * Whether the judge compares the canary with a baseline: a fresh copy of the stable version
   * started beside it for the analysis (src/workflows/analysis-check.ts).
   */
  comparesWithBaseline: boolean;
  /** Run one template until its judge decides, its time is up or another template stops the run. */
  run(t: TemplateOf<K>, run: RunControl): Promise<TemplateResult>;
  /** The longest `run` can take (before the load generator's margin), given the step's window. */
  maxDurationMs(config: JudgeConfigOf<K>, windowMs?: number): number;
}
