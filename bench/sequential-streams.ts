/**
 * Seeded canary/baseline traffic streams for bench/sequential-judge.ts: per 5 s scrape and per
 * role, request and error counts and Prometheus histogram bucket increments, exactly what the
 * judges receive from Prometheus. Deterministic for a given seed.
 */
import { binomial, mulberry32 } from '../src/activities/metrics/judges/stats/random';
import type { Rng } from '../src/activities/metrics/judges/stats/random';
import { normalCdf } from '../src/activities/metrics/judges/stats/normal';

/** Prometheus client default buckets (seconds); +Inf is implicit as the last bucket. */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Scenario {
  name: string;
  canaryErrorRate: number;
  baselineErrorRate: number;
  /** Multiplier on every canary latency (1.3 = +30% on p99 and every other quantile). */
  canaryLatencyScale: number;
  /** Log-normal sigma of the canary (default: the baseline's); a larger one fattens the tail only. */
  canaryLatencySigma?: number;
}

export interface StreamSpec {
  intervalMs: number;
  looks: number;
  requestsPerSecondPerRole: number;
  latencyMedianSeconds: number;
  latencySigma: number;
}

export interface Scrape {
  canaryRequests: number;
  baselineRequests: number;
  canaryErrors: number;
  baselineErrors: number;
  canaryBuckets: number[];
  baselineBuckets: number[];
}

/** Probability of each bucket (including +Inf) for a log-normal latency. */
export function bucketProbabilities(median: number, sigma: number): number[] {
  const cdf = BUCKETS.map((b) => normalCdf((Math.log(b) - Math.log(median)) / sigma));
  const probs = cdf.map((c, i) => c - (i === 0 ? 0 : cdf[i - 1]!));
  probs.push(1 - cdf[cdf.length - 1]!);
  return probs;
}

function multinomial(rng: Rng, n: number, probs: readonly number[]): number[] {
  const out: number[] = [];
  let left = n;
  let mass = 1;
  for (let i = 0; i < probs.length; i++) {
    if (i === probs.length - 1) {
      out.push(left);
      break;
    }
    const p = mass > 0 ? Math.min(1, Math.max(0, probs[i]! / mass)) : 0;
    const k = binomial(rng, left, p);
    out.push(k);
    left -= k;
    mass -= probs[i]!;
  }
  return out;
}

export function generateStream(seed: number, scenario: Scenario, spec: StreamSpec): Scrape[] {
  const rng = mulberry32(seed);
  const perScrape = Math.round((spec.requestsPerSecondPerRole * spec.intervalMs) / 1000);
  const base = bucketProbabilities(spec.latencyMedianSeconds, spec.latencySigma);
  const canary = bucketProbabilities(spec.latencyMedianSeconds * scenario.canaryLatencyScale, scenario.canaryLatencySigma ?? spec.latencySigma);
  const out: Scrape[] = [];
  for (let i = 0; i < spec.looks; i++) {
    out.push({
      canaryRequests: perScrape,
      baselineRequests: perScrape,
      canaryErrors: binomial(rng, perScrape, scenario.canaryErrorRate),
      baselineErrors: binomial(rng, perScrape, scenario.baselineErrorRate),
      canaryBuckets: multinomial(rng, perScrape, canary),
      baselineBuckets: multinomial(rng, perScrape, base),
    });
  }
  return out;
}

/** Prometheus' histogram_quantile over non-cumulative bucket counts (linear inside a bucket). */
export function histogramQuantile(q: number, counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  const rank = q * total;
  let cum = 0;
  for (let i = 0; i < counts.length; i++) {
    const next = cum + counts[i]!;
    if (next >= rank && counts[i]! > 0) {
      if (i === BUCKETS.length) return BUCKETS[BUCKETS.length - 1]!; // +Inf bucket: highest finite bound
      const lo = i === 0 ? 0 : BUCKETS[i - 1]!;
      return lo + (BUCKETS[i]! - lo) * ((rank - cum) / counts[i]!);
    }
    cum = next;
  }
  return BUCKETS[BUCKETS.length - 1]!;
}

export function sumBuckets(scrapes: readonly Scrape[], role: 'canary' | 'baseline'): number[] {
  const out = new Array<number>(BUCKETS.length + 1).fill(0);
  for (const s of scrapes) {
    const b = role === 'canary' ? s.canaryBuckets : s.baselineBuckets;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + b[i]!;
  }
  return out;
}
