"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.hodgesLehmannEstimate = hodgesLehmannEstimate;
exports.hodgesLehmann = hodgesLehmann;
/**
 * Hodges-Lehmann shift estimate and its confidence interval for two samples.
 *
 * - The estimate is the median of all pairwise differences x_i − y_j (the textbook definition;
 *   R's asymptotic `wilcox.test` finds the same point by root-finding).
 * - The interval inverts the Wilcoxon rank-sum test under the normal approximation with tie and
 *   continuity correction, exactly as R's `wilcox.test(conf.int=TRUE, exact=FALSE)` and Kayenta's
 *   port of it do: the bounds are the shifts d where the standardized statistic of (x − d, y)
 *   crosses ±z_{α/2}. We bisect to the jump of that step function instead of stopping at R's
 *   1e-4 tolerance, so bounds land exactly on a pairwise difference.
 */
const ranks_1 = require("./ranks");
const normal_1 = require("./normal");
function hodgesLehmannEstimate(x, y) {
    const diffs = new Float64Array(x.length * y.length);
    let k = 0;
    for (const xi of x)
        for (const yj of y)
            diffs[k++] = xi - yj;
    diffs.sort();
    const m = diffs.length;
    if (m === 0)
        return NaN;
    return m % 2 === 1 ? diffs[(m - 1) / 2] : (diffs[m / 2 - 1] + diffs[m / 2]) / 2;
}
/** Standardized rank-sum statistic of (x − d) against y, continuity-corrected towards zero. */
function wilcoxonZ(x, y, d) {
    const nx = x.length;
    const ny = y.length;
    const all = new Float64Array(nx + ny);
    for (let i = 0; i < nx; i++)
        all[i] = x[i] - d;
    for (let j = 0; j < ny; j++)
        all[nx + j] = y[j];
    const { ranks, tieTerm } = (0, ranks_1.averageRanks)(all);
    let rx = 0;
    for (let i = 0; i < nx; i++)
        rx += ranks[i];
    const dz = rx - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
    const n = nx + ny;
    const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    if (sigma === 0)
        return NaN;
    return (dz - Math.sign(dz) * 0.5) / sigma;
}
/** Shift d in [lo, hi] where wilcoxonZ(d) − zq changes sign (it decreases in d). */
function invert(x, y, zq, lo, hi) {
    const fLo = wilcoxonZ(x, y, lo) - zq;
    const fHi = wilcoxonZ(x, y, hi) - zq;
    if (!(fLo > 0))
        return lo;
    if (!(fHi < 0))
        return hi;
    let a = lo;
    let b = hi;
    const tol = Math.max(Math.abs(lo), Math.abs(hi), 1e-300) * 1e-13;
    for (let i = 0; i < 200 && b - a > tol; i++) {
        const mid = a + (b - a) / 2;
        if (wilcoxonZ(x, y, mid) - zq > 0)
            a = mid;
        else
            b = mid;
    }
    return a + (b - a) / 2;
}
function hodgesLehmann(x, y, confidence = 0.95) {
    if (x.length === 0 || y.length === 0)
        throw new RangeError('hodgesLehmann needs at least one observation in each sample');
    if (!(confidence > 0 && confidence < 1))
        throw new RangeError('confidence must be in (0, 1)');
    const estimate = hodgesLehmannEstimate(x, y);
    const lo = Math.min(...x) - Math.max(...y);
    const hi = Math.max(...x) - Math.min(...y);
    const zq = (0, normal_1.normalQuantile)(1 - (1 - confidence) / 2);
    if (lo === hi)
        return { estimate, lower: lo, upper: hi, confidence };
    const lower = invert(x, y, zq, lo, hi);
    const upper = invert(x, y, -zq, lo, hi);
    return { estimate, lower, upper, confidence };
}
//# sourceMappingURL=hodges-lehmann.js.map