"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.initialLatencyState = initialLatencyState;
exports.bucketIncrements = bucketIncrements;
exports.probabilityCanarySlower = probabilityCanarySlower;
exports.bucketQuantile = bucketQuantile;
exports.lookLatency = lookLatency;
const e_process_1 = require("./e-process");
function initialLatencyState() {
    return { canary: [], baseline: [], pValue: 1, looks: [] };
}
/**
 * Per-bucket increments from two scrapes of cumulative Prometheus buckets (sorted by `le`, +Inf
 * last). A counter reset (process restart) shows up as a decrease; then the new cumulative value
 * is the increment, as Prometheus' increase() assumes.
 */
function bucketIncrements(current, previous) {
    const cumulative = current.map((c, i) => {
        const p = previous?.[i] ?? 0;
        return c >= p ? c - p : c;
    });
    return cumulative.map((c, i) => Math.max(0, Math.round(c - (i === 0 ? 0 : cumulative[i - 1]))));
}
/** P(canary > baseline) + ½ P(tie), estimated from bucket counts (ties = same bucket). */
function probabilityCanarySlower(canary, baseline) {
    const nc = canary.reduce((a, b) => a + b, 0);
    const nb = baseline.reduce((a, b) => a + b, 0);
    if (nc === 0 || nb === 0)
        return 0.5;
    let below = 0;
    let p = 0;
    for (let j = 0; j < canary.length; j++) {
        const bj = baseline[j] ?? 0;
        p += (canary[j] / nc) * ((below + 0.5 * bj) / nb);
        below += bj;
    }
    return p;
}
/**
 * Quantile in bucket-index units (index + linear fraction inside the bucket). Comparing these
 * between roles is the same as comparing Prometheus' histogram_quantile values, because the map
 * to seconds is increasing, so the judge does not need the bucket bounds.
 */
function bucketQuantile(counts, q) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0)
        return NaN;
    const rank = q * total;
    let cum = 0;
    for (let j = 0; j < counts.length; j++) {
        const c = counts[j];
        if (c > 0 && cum + c >= rank)
            return j + (rank - cum) / c;
        cum += c;
    }
    return counts.length;
}
const TRACKED_QUANTILES = [0.5, 0.9, 0.99];
/**
 * Direction check. "Slower" = stochastically larger or slower at the median, p90 or p99, so a
 * tail-only regression (same median, fatter tail) still counts; "faster" must be faster on all
 * of them. The check only gates rejections: the α guarantee comes from the e-process alone.
 */
function worse(direction, canary, baseline) {
    const pSlower = probabilityCanarySlower(canary, baseline);
    const diffs = TRACKED_QUANTILES.map((q) => bucketQuantile(canary, q) - bucketQuantile(baseline, q));
    const slower = pSlower > 0.5 || diffs.some((d) => d > 0);
    const faster = pSlower < 0.5 || diffs.some((d) => d < 0);
    if (direction === 'increase')
        return slower;
    if (direction === 'decrease')
        return faster;
    return slower || faster;
}
function lookLatency(rule, state, inc) {
    if (inc.canaryBuckets.length !== inc.baselineBuckets.length)
        throw new RangeError('canary and baseline must use the same buckets');
    if (state.canary.length > 0 && state.canary.length !== inc.canaryBuckets.length)
        throw new RangeError('bucket layout changed during analysis');
    for (const v of [...inc.canaryBuckets, ...inc.baselineBuckets]) {
        if (!(Number.isFinite(v) && v >= 0))
            throw new RangeError(`bucket counts must be finite and non-negative, got ${v}`);
    }
    const canary = inc.canaryBuckets.map((v, j) => (state.canary[j] ?? 0) + Math.round(v));
    const baseline = inc.baselineBuckets.map((v, j) => (state.baseline[j] ?? 0) + Math.round(v));
    const prior = { rho: rule.canaryShare, k: rule.priorStrength };
    let logE = 0;
    for (let j = 0; j < canary.length; j++)
        logE += (0, e_process_1.betaBinomialLogE)(canary[j], canary[j] + baseline[j], prior, 'two-sided');
    const pValue = (0, e_process_1.nextPValue)(state.pValue, logE);
    const canaryRequests = canary.reduce((a, b) => a + b, 0);
    const baselineRequests = baseline.reduce((a, b) => a + b, 0);
    const look = {
        look: state.looks.length + 1,
        elapsedMs: inc.elapsedMs,
        canaryRequests,
        baselineRequests,
        logEValue: logE,
        eValue: (0, e_process_1.boundedE)(logE),
        pValue,
        canaryWorse: worse(rule.direction, canary, baseline),
    };
    return { canary, baseline, pValue, looks: [...state.looks, look] };
}
//# sourceMappingURL=latency.js.map