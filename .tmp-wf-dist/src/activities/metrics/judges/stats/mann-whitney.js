"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.mannWhitneyU = mannWhitneyU;
/**
 * Mann-Whitney U test (Wilcoxon rank-sum), normal approximation with tie and continuity
 * correction — the same numbers as SciPy's
 * `mannwhitneyu(x, y, alternative=..., method='asymptotic', use_continuity=True)`
 * and R's `wilcox.test(x, y, exact=FALSE, correct=TRUE)`.
 */
const ranks_1 = require("./ranks");
const normal_1 = require("./normal");
function mannWhitneyU(x, y, alternative = 'two-sided') {
    const n1 = x.length;
    const n2 = y.length;
    if (n1 === 0 || n2 === 0)
        throw new RangeError('mannWhitneyU needs at least one observation in each sample');
    const all = new Float64Array(n1 + n2);
    for (let i = 0; i < n1; i++)
        all[i] = x[i];
    for (let j = 0; j < n2; j++)
        all[n1 + j] = y[j];
    if (all.some(Number.isNaN))
        throw new RangeError('mannWhitneyU: remove or replace NaN values first');
    const { ranks, tieTerm } = (0, ranks_1.averageRanks)(all);
    let r1 = 0;
    for (let i = 0; i < n1; i++)
        r1 += ranks[i];
    const u1 = r1 - (n1 * (n1 + 1)) / 2;
    const u2 = n1 * n2 - u1;
    const n = n1 + n2;
    const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const mu = (n1 * n2) / 2;
    let u;
    let factor;
    if (alternative === 'greater')
        [u, factor] = [u1, 1];
    else if (alternative === 'less')
        [u, factor] = [u2, 1];
    else
        [u, factor] = [Math.max(u1, u2), 2];
    if (sigma === 0)
        return { u: u1, pValue: 1, z: NaN }; // all values tied: no evidence either way
    const z = (u - mu - 0.5) / sigma;
    const pValue = Math.min(1, Math.max(0, (0, normal_1.normalSf)(z) * factor));
    return { u: u1, pValue, z };
}
//# sourceMappingURL=mann-whitney.js.map