"use strict";
/**
 * Small descriptive statistics and the Kayenta-style preprocessing (NaN strategy, IQR outliers).
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.mean = mean;
exports.variance = variance;
exports.quantileSorted = quantileSorted;
exports.sortedCopy = sortedCopy;
exports.handleNaN = handleNaN;
exports.removeIqrOutliers = removeIqrOutliers;
function mean(values) {
    if (values.length === 0)
        return NaN;
    let s = 0;
    for (const v of values)
        s += v;
    return s / values.length;
}
/** Unbiased sample variance (n − 1). */
function variance(values) {
    const n = values.length;
    if (n < 2)
        return NaN;
    const m = mean(values);
    let s = 0;
    for (const v of values)
        s += (v - m) * (v - m);
    return s / (n - 1);
}
/** Linear-interpolation quantile (NumPy's default, R type 7) of already sorted values. */
function quantileSorted(sorted, q) {
    const n = sorted.length;
    if (n === 0)
        return NaN;
    const pos = (n - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
function sortedCopy(values) {
    return [...values].sort((a, b) => a - b);
}
/** Apply the NaN strategy: drop non-finite values, or replace them (e.g. an empty error rate by 0). */
function handleNaN(values, strategy) {
    if (strategy.kind === 'remove')
        return values.filter(Number.isFinite);
    return values.map((v) => (Number.isFinite(v) ? v : strategy.value));
}
/**
 * Remove values outside [Q1 − f·IQR, Q3 + f·IQR] (Tukey fences; Kayenta uses f = 3).
 * When the IQR is 0 (most values identical) nothing is removed: otherwise every value that differs
 * from the mode would be called an outlier, which is exactly the signal a canary check needs.
 */
function removeIqrOutliers(values, factor = 3) {
    if (values.length < 4)
        return [...values];
    const s = sortedCopy(values);
    const q1 = quantileSorted(s, 0.25);
    const q3 = quantileSorted(s, 0.75);
    const iqr = q3 - q1;
    if (iqr === 0)
        return [...values];
    const lo = q1 - factor * iqr;
    const hi = q3 + factor * iqr;
    return values.filter((v) => v >= lo && v <= hi);
}
//# sourceMappingURL=descriptive.js.map