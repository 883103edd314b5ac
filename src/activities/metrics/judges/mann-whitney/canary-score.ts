/**
 * Canary score (Kayenta's weighted-sum scorer, without groups) and the promote/pause/rollback
 * decision from the pass and marginal thresholds.
 *
 * - score = 100 · Σ weight(Pass) / Σ weight(Pass, High, Low); NoData metrics are left out of the
 *   denominator as in Kayenta.
 * - a critical metric that is High or Low forces 0 → Failed → rollback.
 * - NoData on half of the metrics or more, or on a critical metric, forces 0 but is Inconclusive,
 *   not Failed: missing data must neither promote nor be mistaken for a regression; the
 *   template's inconclusive policy decides (issue 5).
 * - otherwise: score >= pass → promote; >= marginal → pause for a human; below → rollback.
 */
import type { AnalysisPhase, Decision, MannWhitneyJudgeConfig, MannWhitneyMetric } from '../../../../domain/analysis';
import { classifyMetric } from './classify';
import type { MetricJudgement } from './classify';

export interface CanaryScore {
  score: number;
  phase: AnalysisPhase;
  decision: Decision;
  reason: string;
  metrics: MetricJudgement[];
}

export function scoreCanary(
  judgements: readonly MetricJudgement[],
  metrics: readonly Pick<MannWhitneyMetric, 'name' | 'critical' | 'weight'>[],
  thresholds: MannWhitneyJudgeConfig['thresholds'],
): CanaryScore {
  const byName = new Map(metrics.map((m) => [m.name, m]));
  const list = [...judgements];
  const cfg = (j: MetricJudgement) => byName.get(j.name) ?? { name: j.name, critical: false, weight: 1 };
  const failing = list.filter((j) => j.classification === 'High' || j.classification === 'Low');
  const noData = list.filter((j) => j.classification === 'NoData');

  const criticalFail = failing.find((j) => cfg(j).critical);
  if (criticalFail) {
    return { score: 0, phase: 'Failed', decision: 'rollback', reason: `critical metric "${criticalFail.name}" is ${criticalFail.classification}`, metrics: list };
  }
  const criticalNoData = noData.find((j) => cfg(j).critical);
  if (list.length === 0 || noData.length * 2 >= list.length || criticalNoData) {
    const why = criticalNoData ? `critical metric "${criticalNoData.name}" has no data` : `no data on ${noData.length} of ${list.length} metrics`;
    return { score: 0, phase: 'Inconclusive', decision: 'pause', reason: why, metrics: list };
  }
  let total = 0;
  let passed = 0;
  for (const j of list) {
    if (j.classification === 'NoData') continue;
    const w = cfg(j).weight;
    total += w;
    if (j.classification === 'Pass') passed += w;
  }
  const score = (100 * passed) / total;
  const names = failing.map((j) => `${j.name} ${j.classification}`).join(', ');
  if (score >= thresholds.pass) return { score, phase: 'Successful', decision: 'promote', reason: `score ${score.toFixed(1)} >= pass ${thresholds.pass}`, metrics: list };
  if (score >= thresholds.marginal) {
    return { score, phase: 'Inconclusive', decision: 'pause', reason: `marginal score ${score.toFixed(1)} (${names})`, metrics: list };
  }
  return { score, phase: 'Failed', decision: 'rollback', reason: `score ${score.toFixed(1)} < marginal ${thresholds.marginal} (${names})`, metrics: list };
}

/** Judge one window: classify every metric from its canary/baseline samples and score. */
export function judgeWindow(
  config: MannWhitneyJudgeConfig,
  samples: Readonly<Record<string, { canary: readonly (number | null)[]; baseline: readonly (number | null)[] }>>,
): CanaryScore {
  const opts = { confidence: config.confidence, tolerance: config.tolerance };
  const judgements = config.metrics.map((m) => {
    const s = samples[m.name];
    return classifyMetric(s?.canary ?? [], s?.baseline ?? [], m, opts);
  });
  return scoreCanary(judgements, config.metrics, config.thresholds);
}
