/**
 * The analysis loop of every judge kind, one line per judge (the same kinds as the activity-side
 * registry, src/activities/metrics/judges/index.ts; test/judges/registry.test.ts checks both).
 */
import type { AnalysisTemplate, JudgeKind } from '../../domain/analysis';
import type { TemplateResult } from '../analysis-types';
import type { RunControl } from '../analysis-run';
import type { JudgeLoop } from './loop';
import { thresholdLoop } from './threshold';
import { mannWhitneyLoop } from './mann-whitney';
import { sequentialLoop } from './sequential';

export const JUDGE_LOOPS: { readonly [K in JudgeKind]: JudgeLoop<K> } = {
  threshold: thresholdLoop,
  'mann-whitney': mannWhitneyLoop,
  sequential: sequentialLoop,
};

/** The loop for a template's judge kind (the kind and the config always match: one schema). */
function loopFor(t: AnalysisTemplate): JudgeLoop<JudgeKind> {
  return JUDGE_LOOPS[t.judge.kind] as JudgeLoop<JudgeKind>;
}

export function runTemplate(t: AnalysisTemplate, run: RunControl): Promise<TemplateResult> {
  return loopFor(t).run(t, run);
}

/** Whether any of the templates judges the canary against a baseline. */
export function needsBaseline(templates: readonly AnalysisTemplate[]): boolean {
  return templates.some((t) => loopFor(t).comparesWithBaseline);
}

/** Load keeps going a little past the expected end, then the workflow cancels it anyway. */
const LOAD_MARGIN_MS = 30_000;
const LOAD_MAX_MS = 60 * 60 * 1000;

/** How long the analysis can run at most, to bound the load generator. */
export function expectedDurationMs(templates: readonly AnalysisTemplate[], windowMs?: number): number {
  const longest = Math.max(0, ...templates.map((t) => loopFor(t).maxDurationMs(t.judge, windowMs)));
  return Math.min(LOAD_MAX_MS, longest + LOAD_MARGIN_MS);
}

export type { JudgeLoop, TemplateOf } from './loop';
