/**
 * Beta-binomial mixture e-process: the building block of the sequential judges.
 *
 * Model: each event (an error, or a request landing in one latency bucket) comes from the canary
 * with probability θ. Under the null θ = ρ, the canary's share of traffic. Mixing the likelihood
 * ratio over a Beta(kρ, k(1−ρ)) prior gives a nonnegative martingale under the null, so by
 * Ville's inequality P(ever E ≥ 1/α) ≤ α however often one looks (Lindon, Sanden & Shirikian,
 * KDD 2022). Closed form after x canary events out of n:
 *   ln E = ln B(a+x, b+n−x) − ln B(a, b) − x ln ρ − (n−x) ln(1−ρ),    a = kρ, b = k(1−ρ).
 * This is savvi's `Multinomial` test with d = 2 (same prior parameterisation, same numbers).
 *
 * One-sided variant: truncate the prior to θ > ρ (or θ < ρ). Each component likelihood ratio is
 * then a supermartingale under every θ on the other side (monotone likelihood ratio), so the
 * mixture is an e-process for the composite null θ ≤ ρ:
 *   ln E⁺ = ln E + ln P(θ > ρ | data) − ln P(θ > ρ).
 */
import type { SequentialLook } from '../../../../domain/analysis';
import { logBeta, logBetaUpperTail } from '../stats/gamma';

export type Side = 'two-sided' | 'greater' | 'less';

export interface BetaBinomialPrior {
  /** ρ: canary's probability of each event under the null. */
  rho: number;
  /** k: prior concentration. */
  k: number;
}

/** ln P(θ on the tested side | Beta(a, b)). */
function logSideMass(side: Exclude<Side, 'two-sided'>, rho: number, a: number, b: number): number {
  // P(θ < ρ) for Beta(a, b) equals P(1−θ > 1−ρ) for Beta(b, a).
  return side === 'greater' ? logBetaUpperTail(rho, a, b) : logBetaUpperTail(1 - rho, b, a);
}

/** ln E after x canary events out of n events in total. */
export function betaBinomialLogE(x: number, n: number, prior: BetaBinomialPrior, side: Side = 'two-sided'): number {
  if (!(x >= 0 && n >= x)) throw new RangeError(`need 0 <= x <= n, got x=${x}, n=${n}`);
  const { rho, k } = prior;
  const a = k * rho;
  const b = k * (1 - rho);
  if (n === 0) return 0;
  const twoSided = logBeta(a + x, b + n - x) - logBeta(a, b) - x * Math.log(rho) - (n - x) * Math.log1p(-rho);
  if (side === 'two-sided') return twoSided;
  return twoSided + logSideMass(side, rho, a + x, b + n - x) - logSideMass(side, rho, a, b);
}

/** e-value as a finite JSON-safe number. */
export function boundedE(logE: number): number {
  return Math.min(Math.exp(logE), Number.MAX_VALUE);
}

/** Anytime-valid p-value update: running minimum of 1/E, capped at 1. */
export function nextPValue(previousP: number, logE: number): number {
  return Math.min(previousP, 1, Math.exp(-logE));
}

/**
 * One look's record: this look's e-value and the running anytime-valid p-value after it.
 *
 * A look counts towards the p-value only once both roles have `minRequests` requests. Prometheus
 * scrapes the canary and the baseline at different moments, so a look's two counts cover windows
 * that are shifted by up to one scrape interval. On a handful of requests that skew alone can look
 * like strong evidence (seen here: e = 50 on the first look of two identical builds, gone a look
 * later), and a running minimum never forgets it. Once both roles have enough requests the skew
 * is a small share of the counts. Taking the minimum over a subset of looks keeps Ville's bound,
 * so α still holds.
 */
export function recordLook(
  previous: { pValue: number; looks: readonly SequentialLook[] },
  look: { elapsedMs: number; canaryRequests: number; baselineRequests: number; logE: number; canaryWorse: boolean; minRequests: number },
): SequentialLook {
  const counted = look.canaryRequests >= look.minRequests && look.baselineRequests >= look.minRequests;
  return {
    look: previous.looks.length + 1,
    elapsedMs: look.elapsedMs,
    canaryRequests: look.canaryRequests,
    baselineRequests: look.baselineRequests,
    logEValue: look.logE,
    eValue: boundedE(look.logE),
    pValue: counted ? nextPValue(previous.pValue, look.logE) : previous.pValue,
    canaryWorse: look.canaryWorse,
  };
}
