/**
 * Kayenta-style metric classifier: compare canary and baseline samples of one metric.
 *
 * Follows Kayenta's MannWhitneyClassifier (facts, not code): run the rank-sum test with a
 * Hodges-Lehmann confidence interval at `confidence` (0.98 in NetflixACAJudge), build a tolerance
 * band of ±tolerance·|HL estimate| (0.25), and call the metric High when the whole interval lies
 * above the band, Low when it lies below, Pass otherwise; directions restrict which of High/Low
 * count. Identical samples, or samples with a single distinct value, Pass. Additions for the
 * blind spots of a pure rank test (issue 5): a minimum sample size (below it: NoData, i.e.
 * inconclusive) and an optional variance-ratio flag.
 */
import type { Direction, MannWhitneyMetric, MetricClassification } from '../../../../domain/analysis';
import { mannWhitneyU } from '../stats/mann-whitney';
import type { Alternative } from '../stats/mann-whitney';
import { hodgesLehmann } from '../stats/hodges-lehmann';
import { handleNaN, mean, removeIqrOutliers, variance } from '../stats/descriptive';

export const KAYENTA_CONFIDENCE = 0.98;
export const KAYENTA_TOLERANCE = 0.25;
/** Kayenta's IQR detector factor. */
export const IQR_FACTOR = 3;

export interface ClassifierOptions {
  confidence: number;
  tolerance: number;
}

export type MetricRule = Pick<MannWhitneyMetric, 'name' | 'direction' | 'removeOutliers' | 'nanStrategy' | 'minSamples' | 'maxVarianceRatio'>;

export interface MetricJudgement {
  name: string;
  classification: MetricClassification;
  reason: string;
  canaryCount: number;
  baselineCount: number;
  /** Rank-sum p-value for the metric's direction (reported; the decision uses the interval). */
  pValue?: number;
  /** Hodges-Lehmann shift canary − baseline, its interval, and the tolerance band. */
  estimate?: number;
  lower?: number;
  upper?: number;
  band?: number;
  /** mean(canary) / mean(baseline), as Kayenta reports. */
  ratio?: number;
  varianceRatio?: number;
}

const ALTERNATIVE: Record<Direction, Alternative> = { increase: 'greater', decrease: 'less', either: 'two-sided' };

function clean(values: readonly (number | null)[], rule: MetricRule): number[] {
  const asNumbers = values.map((v) => (v === null ? NaN : v));
  const withoutNaN = handleNaN(asNumbers, rule.nanStrategy);
  return rule.removeOutliers ? removeIqrOutliers(withoutNaN, IQR_FACTOR) : withoutNaN;
}

function sameMultiset(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  return sa.every((v, i) => v === sb[i]);
}

export function classifyMetric(
  canaryRaw: readonly (number | null)[],
  baselineRaw: readonly (number | null)[],
  rule: MetricRule,
  opts: ClassifierOptions = { confidence: KAYENTA_CONFIDENCE, tolerance: KAYENTA_TOLERANCE },
): MetricJudgement {
  const canary = clean(canaryRaw, rule);
  const baseline = clean(baselineRaw, rule);
  const base = { name: rule.name, canaryCount: canary.length, baselineCount: baseline.length };
  if (canary.length < rule.minSamples || baseline.length < rule.minSamples) {
    return { ...base, classification: 'NoData', reason: `too few samples (canary ${canary.length}, baseline ${baseline.length}; minimum ${rule.minSamples})` };
  }
  const ratio = mean(canary) / mean(baseline);
  if (sameMultiset(canary, baseline)) return { ...base, classification: 'Pass', reason: 'canary and baseline data are identical', ratio: 1 };
  const distinct = new Set([...canary, ...baseline]);
  if (distinct.size === 1) return { ...base, classification: 'Pass', reason: 'all observations are tied', ratio: 1 };

  const { pValue } = mannWhitneyU(canary, baseline, ALTERNATIVE[rule.direction]);
  const hl = hodgesLehmann(canary, baseline, opts.confidence);
  const band = opts.tolerance * Math.abs(hl.estimate);
  const varianceRatio = variance(canary) / variance(baseline);
  const stats = { pValue, estimate: hl.estimate, lower: hl.lower, upper: hl.upper, band, ratio, varianceRatio };
  const up = rule.direction === 'increase' || rule.direction === 'either';
  const down = rule.direction === 'decrease' || rule.direction === 'either';
  if (up && hl.lower > band) {
    return {
      ...base,
      ...stats,
      classification: 'High',
      reason: `canary higher: ${fmt(opts.confidence * 100)}% interval [${fmt(hl.lower)}, ${fmt(hl.upper)}] above tolerance +${fmt(band)}`,
    };
  }
  if (down && hl.upper < -band) {
    return {
      ...base,
      ...stats,
      classification: 'Low',
      reason: `canary lower: ${fmt(opts.confidence * 100)}% interval [${fmt(hl.lower)}, ${fmt(hl.upper)}] below tolerance -${fmt(band)}`,
    };
  }
  if (rule.maxVarianceRatio !== undefined && up && varianceRatio > rule.maxVarianceRatio) {
    return { ...base, ...stats, classification: 'High', reason: `canary variance ${fmt(varianceRatio)}× the baseline's (limit ${rule.maxVarianceRatio}×)` };
  }
  return { ...base, ...stats, classification: 'Pass', reason: `interval [${fmt(hl.lower)}, ${fmt(hl.upper)}] within tolerance ±${fmt(band)}` };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}
