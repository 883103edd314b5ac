"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BUCKETS = void 0;
exports.bucketProbabilities = bucketProbabilities;
exports.generateStream = generateStream;
exports.histogramQuantile = histogramQuantile;
exports.sumBuckets = sumBuckets;
/**
 * Seeded canary/baseline traffic streams for bench/sequential-judge.ts: per 5 s scrape and per
 * role, request and error counts and Prometheus histogram bucket increments, exactly what the
 * judges receive from Prometheus. Deterministic for a given seed.
 */
const random_1 = require("../src/activities/metrics/judges/stats/random");
const normal_1 = require("../src/activities/metrics/judges/stats/normal");
/** Prometheus client default buckets (seconds); +Inf is implicit as the last bucket. */
exports.BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Probability of each bucket (including +Inf) for a log-normal latency. */
function bucketProbabilities(median, sigma) {
    const cdf = exports.BUCKETS.map((b) => (0, normal_1.normalCdf)((Math.log(b) - Math.log(median)) / sigma));
    const probs = cdf.map((c, i) => c - (i === 0 ? 0 : cdf[i - 1]));
    probs.push(1 - cdf[cdf.length - 1]);
    return probs;
}
function multinomial(rng, n, probs) {
    const out = [];
    let left = n;
    let mass = 1;
    for (let i = 0; i < probs.length; i++) {
        if (i === probs.length - 1) {
            out.push(left);
            break;
        }
        const p = mass > 0 ? Math.min(1, Math.max(0, probs[i] / mass)) : 0;
        const k = (0, random_1.binomial)(rng, left, p);
        out.push(k);
        left -= k;
        mass -= probs[i];
    }
    return out;
}
function generateStream(seed, scenario, spec) {
    const rng = (0, random_1.mulberry32)(seed);
    const perScrape = Math.round((spec.requestsPerSecondPerRole * spec.intervalMs) / 1000);
    const base = bucketProbabilities(spec.latencyMedianSeconds, spec.latencySigma);
    const canary = bucketProbabilities(spec.latencyMedianSeconds * scenario.canaryLatencyScale, scenario.canaryLatencySigma ?? spec.latencySigma);
    const out = [];
    for (let i = 0; i < spec.looks; i++) {
        out.push({
            canaryRequests: perScrape,
            baselineRequests: perScrape,
            canaryErrors: (0, random_1.binomial)(rng, perScrape, scenario.canaryErrorRate),
            baselineErrors: (0, random_1.binomial)(rng, perScrape, scenario.baselineErrorRate),
            canaryBuckets: multinomial(rng, perScrape, canary),
            baselineBuckets: multinomial(rng, perScrape, base),
        });
    }
    return out;
}
/** Prometheus' histogram_quantile over non-cumulative bucket counts (linear inside a bucket). */
function histogramQuantile(q, counts) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0)
        return NaN;
    const rank = q * total;
    let cum = 0;
    for (let i = 0; i < counts.length; i++) {
        const next = cum + counts[i];
        if (next >= rank && counts[i] > 0) {
            if (i === exports.BUCKETS.length)
                return exports.BUCKETS[exports.BUCKETS.length - 1]; // +Inf bucket: highest finite bound
            const lo = i === 0 ? 0 : exports.BUCKETS[i - 1];
            return lo + (exports.BUCKETS[i] - lo) * ((rank - cum) / counts[i]);
        }
        cum = next;
    }
    return exports.BUCKETS[exports.BUCKETS.length - 1];
}
function sumBuckets(scrapes, role) {
    const out = new Array(exports.BUCKETS.length + 1).fill(0);
    for (const s of scrapes) {
        const b = role === 'canary' ? s.canaryBuckets : s.baselineBuckets;
        for (let i = 0; i < out.length; i++)
            out[i] = out[i] + b[i];
    }
    return out;
}
//# sourceMappingURL=sequential-streams.js.map