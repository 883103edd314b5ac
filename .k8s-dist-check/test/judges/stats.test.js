"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// Special functions against SciPy 1.17.1 (numbers from reference/generate_special.py).
const node_test_1 = require("node:test");
const normal_1 = require("../../src/activities/metrics/judges/stats/normal");
const gamma_1 = require("../../src/activities/metrics/judges/stats/gamma");
const ranks_1 = require("../../src/activities/metrics/judges/stats/ranks");
const descriptive_1 = require("../../src/activities/metrics/judges/stats/descriptive");
const support_1 = require("./support");
const strict_1 = __importDefault(require("node:assert/strict"));
const SF = [[-3.0, 0.9986501019683699], [-1.0, 0.8413447460685429], [0.0, 0.5], [0.5, 0.3085375387259869], [1.959963984540054, 0.025], [3.0, 0.0013498980316300933], [6.0, 9.865876450376946e-10], [8.5, 9.47953482220325e-18], [12.0, 1.776482112077653e-33]];
const PPF = [[1e-10, -6.361340902404056], [0.001, -3.090232306167813], [0.01, -2.3263478740408408], [0.025, -1.9599639845400545], [0.3, -0.5244005127080409], [0.5, 0.0], [0.9, 1.2815515655446004], [0.975, 1.959963984540054], [0.99, 2.3263478740408408], [0.999999, 4.753424308817087]];
const GAMMALN = [[0.1, 2.252712651734206], [0.5, 0.5723649429247], [1.0, 0.0], [1.5, -0.12078223763524526], [2.0, 0.0], [3.7, 1.428072326665388], [10.0, 12.801827480081469], [123.45, 469.5766763003819], [5000.5, 37586.88488728106]];
const BETALN = [[0.5, 0.5, 1.1447298858494], [5, 5, -6.4457198193855785], [50, 50, -70.00271747688562], [1234.5, 20.25, -104.22096836176115]];
const BETAINC = [[2, 3, 0.4, 0.5247999999999999], [5, 5, 0.5, 0.5], [50, 50, 0.6, 0.9780695578699148], [0.5, 0.5, 0.01, 0.06376856085851985]];
const LOG_UPPER = [[5.5, 120.5, 0.5, -68.90007409045519], [60, 40, 0.5, -0.022181855144777298], [2, 3, 0.4, -0.744019510933702]];
(0, node_test_1.test)('normal survival function matches scipy.stats.norm.sf, tails included', () => {
    for (const [x, p] of SF) {
        (0, support_1.assertClose)((0, normal_1.normalSf)(x), p, 1e-13, 0, `sf(${x})`);
        (0, support_1.assertClose)((0, normal_1.normalCdf)(-x), p, 1e-13, 0, `cdf(${-x})`);
    }
});
(0, node_test_1.test)('normal quantile matches scipy.stats.norm.ppf', () => {
    for (const [p, x] of PPF)
        (0, support_1.assertClose)((0, normal_1.normalQuantile)(p), x, 1e-12, 1e-14, `ppf(${p})`);
});
(0, node_test_1.test)('log-gamma and log-beta match scipy.special', () => {
    for (const [x, v] of GAMMALN)
        (0, support_1.assertClose)((0, gamma_1.logGamma)(x), v, 1e-13, 1e-14, `gammaln(${x})`);
    for (const [a, b, v] of BETALN)
        (0, support_1.assertClose)((0, gamma_1.logBeta)(a, b), v, 1e-12, 1e-13, `betaln(${a},${b})`);
});
(0, node_test_1.test)('regularized incomplete beta and its log upper tail match scipy.special', () => {
    for (const [a, b, x, v] of BETAINC)
        (0, support_1.assertClose)((0, gamma_1.regularizedBeta)(x, a, b), v, 1e-12, 1e-15, `betainc(${a},${b},${x})`);
    for (const [a, b, x, v] of LOG_UPPER)
        (0, support_1.assertClose)((0, gamma_1.logBetaUpperTail)(x, a, b), v, 1e-11, 1e-14, `log betaincc(${a},${b},${x})`);
});
(0, node_test_1.test)('average ranks and tie term', () => {
    const { ranks, tieTerm } = (0, ranks_1.averageRanks)([3, 1, 3, 2, 3]);
    strict_1.default.deepEqual([...ranks], [4, 1, 4, 2, 4]);
    strict_1.default.equal(tieTerm, 3 * 3 * 3 - 3);
});
(0, node_test_1.test)('IQR outlier removal keeps data with zero IQR and drops far values', () => {
    strict_1.default.deepEqual((0, descriptive_1.removeIqrOutliers)([1, 1, 1, 1, 5]), [1, 1, 1, 1, 5]);
    strict_1.default.deepEqual((0, descriptive_1.removeIqrOutliers)([1, 2, 3, 4, 5, 6, 7, 8, 100]), [1, 2, 3, 4, 5, 6, 7, 8]);
    strict_1.default.deepEqual((0, descriptive_1.handleNaN)([1, NaN, 3], { kind: 'replace', value: 0 }), [1, 0, 3]);
    strict_1.default.deepEqual((0, descriptive_1.handleNaN)([1, NaN, Infinity, 3], { kind: 'remove' }), [1, 3]);
});
//# sourceMappingURL=stats.test.js.map