"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.IQR_FACTOR = exports.KAYENTA_TOLERANCE = exports.KAYENTA_CONFIDENCE = void 0;
exports.classifyMetric = classifyMetric;
const mann_whitney_1 = require("./stats/mann-whitney");
const hodges_lehmann_1 = require("./stats/hodges-lehmann");
const descriptive_1 = require("./stats/descriptive");
exports.KAYENTA_CONFIDENCE = 0.98;
exports.KAYENTA_TOLERANCE = 0.25;
/** Kayenta's IQR detector factor. */
exports.IQR_FACTOR = 3;
const ALTERNATIVE = { increase: 'greater', decrease: 'less', either: 'two-sided' };
function clean(values, rule) {
    const asNumbers = values.map((v) => (v === null ? NaN : v));
    const withoutNaN = (0, descriptive_1.handleNaN)(asNumbers, rule.nanStrategy);
    return rule.removeOutliers ? (0, descriptive_1.removeIqrOutliers)(withoutNaN, exports.IQR_FACTOR) : withoutNaN;
}
function sameMultiset(a, b) {
    if (a.length !== b.length)
        return false;
    const sa = [...a].sort((x, y) => x - y);
    const sb = [...b].sort((x, y) => x - y);
    return sa.every((v, i) => v === sb[i]);
}
function classifyMetric(canaryRaw, baselineRaw, rule, opts = { confidence: exports.KAYENTA_CONFIDENCE, tolerance: exports.KAYENTA_TOLERANCE }) {
    const canary = clean(canaryRaw, rule);
    const baseline = clean(baselineRaw, rule);
    const base = { name: rule.name, canaryCount: canary.length, baselineCount: baseline.length };
    if (canary.length < rule.minSamples || baseline.length < rule.minSamples) {
        return { ...base, classification: 'NoData', reason: `too few samples (canary ${canary.length}, baseline ${baseline.length}; minimum ${rule.minSamples})` };
    }
    const ratio = (0, descriptive_1.mean)(canary) / (0, descriptive_1.mean)(baseline);
    if (sameMultiset(canary, baseline))
        return { ...base, classification: 'Pass', reason: 'canary and baseline data are identical', ratio: 1 };
    const distinct = new Set([...canary, ...baseline]);
    if (distinct.size === 1)
        return { ...base, classification: 'Pass', reason: 'all observations are tied', ratio: 1 };
    const { pValue } = (0, mann_whitney_1.mannWhitneyU)(canary, baseline, ALTERNATIVE[rule.direction]);
    const hl = (0, hodges_lehmann_1.hodgesLehmann)(canary, baseline, opts.confidence);
    const band = opts.tolerance * Math.abs(hl.estimate);
    const varianceRatio = (0, descriptive_1.variance)(canary) / (0, descriptive_1.variance)(baseline);
    const stats = { pValue, estimate: hl.estimate, lower: hl.lower, upper: hl.upper, band, ratio, varianceRatio };
    const up = rule.direction === 'increase' || rule.direction === 'either';
    const down = rule.direction === 'decrease' || rule.direction === 'either';
    if (up && hl.lower > band) {
        return { ...base, ...stats, classification: 'High', reason: `canary higher: ${fmt(opts.confidence * 100)}% interval [${fmt(hl.lower)}, ${fmt(hl.upper)}] above tolerance +${fmt(band)}` };
    }
    if (down && hl.upper < -band) {
        return { ...base, ...stats, classification: 'Low', reason: `canary lower: ${fmt(opts.confidence * 100)}% interval [${fmt(hl.lower)}, ${fmt(hl.upper)}] below tolerance -${fmt(band)}` };
    }
    if (rule.maxVarianceRatio !== undefined && up && varianceRatio > rule.maxVarianceRatio) {
        return { ...base, ...stats, classification: 'High', reason: `canary variance ${fmt(varianceRatio)}× the baseline's (limit ${rule.maxVarianceRatio}×)` };
    }
    return { ...base, ...stats, classification: 'Pass', reason: `interval [${fmt(hl.lower)}, ${fmt(hl.upper)}] within tolerance ±${fmt(band)}` };
}
function fmt(x) {
    return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}
//# sourceMappingURL=mann-whitney.js.map