/**
 * Sequential latency judge on Prometheus histogram buckets.
 *
 * Each look brings, per role, how many requests fell into each latency bucket since the previous
 * look (see `bucketIncrements` for turning cumulative `le` counters into those). If canary and
 * baseline latencies have the same distribution, then conditional on a request landing in bucket
 * j it is the canary's with probability ρ, independently across requests and buckets. Each bucket
 * therefore carries a Dirichlet-multinomial (d = 2: canary vs baseline) mixture e-process — the
 * savvi/Lindon multinomial test — and their product is an e-process for equality in distribution.
 * Equality is a two-sided question, so a rejection also needs the direction check (`worse`):
 * the canary must look slower — stochastically, or at the median, p90 or p99 — so a canary that
 * got faster everywhere is never rolled back.
 */
import type { Direction, SequentialLatencyMetric, SequentialLook } from '../../../../domain/analysis';
import { betaBinomialLogE, recordLook } from './e-process';

export interface LatencyIncrement {
  /** Requests per bucket (non-cumulative), same bucket order for both roles, fastest first. */
  canaryBuckets: readonly number[];
  baselineBuckets: readonly number[];
  elapsedMs: number;
}

export interface LatencyState {
  canary: number[];
  baseline: number[];
  pValue: number;
  looks: SequentialLook[];
}

export type LatencyRule = Pick<SequentialLatencyMetric, 'name' | 'direction' | 'canaryShare' | 'priorStrength' | 'minRequests'>;

export function initialLatencyState(): LatencyState {
  return { canary: [], baseline: [], pValue: 1, looks: [] };
}

/**
 * Per-bucket increments from two scrapes of cumulative Prometheus buckets (sorted by `le`, +Inf
 * last). A counter reset (process restart) shows up as a decrease; then the new cumulative value
 * is the increment, as Prometheus' increase() assumes.
 */
export function bucketIncrements(current: readonly number[], previous?: readonly number[]): number[] {
  const cumulative = current.map((c, i) => {
    const p = previous?.[i] ?? 0;
    return c >= p ? c - p : c;
  });
  return cumulative.map((c, i) => Math.max(0, Math.round(c - (i === 0 ? 0 : cumulative[i - 1]!))));
}

/** P(canary > baseline) + ½ P(tie), estimated from bucket counts (ties = same bucket). */
export function probabilityCanarySlower(canary: readonly number[], baseline: readonly number[]): number {
  const nc = canary.reduce((a, b) => a + b, 0);
  const nb = baseline.reduce((a, b) => a + b, 0);
  if (nc === 0 || nb === 0) return 0.5;
  let below = 0;
  let p = 0;
  for (let j = 0; j < canary.length; j++) {
    const bj = baseline[j] ?? 0;
    p += (canary[j]! / nc) * ((below + 0.5 * bj) / nb);
    below += bj;
  }
  return p;
}

/**
 * Quantile in bucket-index units (index + linear fraction inside the bucket). Comparing these
 * between roles is the same as comparing Prometheus' histogram_quantile values, because the map
 * to seconds is increasing, so the judge does not need the bucket bounds.
 */
export function bucketQuantile(counts: readonly number[], q: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  const rank = q * total;
  let cum = 0;
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j]!;
    if (c > 0 && cum + c >= rank) return j + (rank - cum) / c;
    cum += c;
  }
  return counts.length;
}

const TRACKED_QUANTILES = [0.5, 0.9, 0.99];

/**
 * Quantiles closer than this (in bucket-index units) are equal. Two roles with every request in
 * one bucket have the same quantiles, but q·n/n computed for two different n can differ in the
 * last bit, and a sign test on that noise called a canary "slower".
 */
const QUANTILE_TOLERANCE = 1e-9;

/**
 * Direction check. "Slower" = stochastically larger or slower at the median, p90 or p99, so a
 * tail-only regression (same median, fatter tail) still counts; "faster" must be faster on all
 * of them. The check only gates rejections: the α guarantee comes from the e-process alone.
 */
function worse(direction: Direction, canary: readonly number[], baseline: readonly number[]): boolean {
  const pSlower = probabilityCanarySlower(canary, baseline);
  const diffs = TRACKED_QUANTILES.map((q) => bucketQuantile(canary, q) - bucketQuantile(baseline, q));
  const slower = pSlower > 0.5 + QUANTILE_TOLERANCE || diffs.some((d) => d > QUANTILE_TOLERANCE);
  const faster = pSlower < 0.5 - QUANTILE_TOLERANCE || diffs.some((d) => d < -QUANTILE_TOLERANCE);
  if (direction === 'increase') return slower;
  if (direction === 'decrease') return faster;
  return slower || faster;
}

export function lookLatency(rule: LatencyRule, state: LatencyState, inc: LatencyIncrement): LatencyState {
  if (inc.canaryBuckets.length !== inc.baselineBuckets.length) throw new RangeError('canary and baseline must use the same buckets');
  if (state.canary.length > 0 && state.canary.length !== inc.canaryBuckets.length) throw new RangeError('bucket layout changed during analysis');
  for (const v of [...inc.canaryBuckets, ...inc.baselineBuckets]) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`bucket counts must be finite and non-negative, got ${v}`);
  }
  const canary = inc.canaryBuckets.map((v, j) => (state.canary[j] ?? 0) + Math.round(v));
  const baseline = inc.baselineBuckets.map((v, j) => (state.baseline[j] ?? 0) + Math.round(v));
  const prior = { rho: rule.canaryShare, k: rule.priorStrength };
  let logE = 0;
  for (let j = 0; j < canary.length; j++) logE += betaBinomialLogE(canary[j]!, canary[j]! + baseline[j]!, prior, 'two-sided');
  const look = recordLook(state, {
    elapsedMs: inc.elapsedMs,
    canaryRequests: canary.reduce((a, b) => a + b, 0),
    baselineRequests: baseline.reduce((a, b) => a + b, 0),
    logE,
    canaryWorse: worse(rule.direction, canary, baseline),
    minRequests: rule.minRequests,
  });
  return { canary, baseline, pValue: look.pValue, looks: [...state.looks, look] };
}
