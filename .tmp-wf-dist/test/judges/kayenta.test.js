"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// Kayenta-style baseline-vs-canary judge: classification rules, scoring, and the seeded
// A/A and 3x-error trials that issue 5 asks for.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const analysis_1 = require("../../src/domain/analysis");
const judges_1 = require("../../src/activities/metrics/judges");
const random_1 = require("../../src/activities/metrics/judges/stats/random");
const rule = (over = {}) => analysis_1.MannWhitneyMetric.parse({ name: 'm', minSamples: 5, ...over });
(0, node_test_1.test)('identical or fully tied samples pass; too few samples is NoData', () => {
    strict_1.default.equal((0, judges_1.classifyMetric)([1, 2, 3, 4, 5], [5, 4, 3, 2, 1], rule()).classification, 'Pass');
    strict_1.default.equal((0, judges_1.classifyMetric)([2, 2, 2, 2, 2], [2, 2, 2, 2, 2, 2], rule()).classification, 'Pass');
    const few = (0, judges_1.classifyMetric)([1, 2], [1, 2, 3, 4, 5], rule());
    strict_1.default.equal(few.classification, 'NoData');
    strict_1.default.match(few.reason, /too few samples/);
});
(0, node_test_1.test)('clear increase is High, decrease is Low only when the direction allows it', () => {
    const base = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11];
    const up = base.map((v) => v * 2);
    const down = base.map((v) => v / 2);
    strict_1.default.equal((0, judges_1.classifyMetric)(up, base, rule({ direction: 'increase' })).classification, 'High');
    strict_1.default.equal((0, judges_1.classifyMetric)(down, base, rule({ direction: 'increase' })).classification, 'Pass');
    strict_1.default.equal((0, judges_1.classifyMetric)(down, base, rule({ direction: 'decrease' })).classification, 'Low');
    strict_1.default.equal((0, judges_1.classifyMetric)(up, base, rule({ direction: 'either' })).classification, 'High');
    const j = (0, judges_1.classifyMetric)(up, base, rule());
    strict_1.default.ok(j.lower > j.band && j.band > 0, 'interval lies above the tolerance band');
    strict_1.default.ok(j.pValue < 0.001);
});
(0, node_test_1.test)('a significant shift whose interval does not clear the ±25% HL band passes', () => {
    // Spread 10, shift 1: the rank test says p < 0.01, and the 98% interval excludes 0, but its
    // lower end (≈0.017) is inside the tolerance band 0.25·|HL| = 0.25, so Kayenta's rule says Pass.
    const base = Array.from({ length: 100 }, (_, i) => 100 + ((i * 0.618034) % 1) * 10);
    const j = (0, judges_1.classifyMetric)(base.map((v) => v + 1), base, rule());
    strict_1.default.ok(j.pValue < 0.01);
    strict_1.default.ok(j.lower > 0 && j.lower <= j.band, `lower ${j.lower} band ${j.band}`);
    strict_1.default.equal(j.classification, 'Pass');
    strict_1.default.equal((0, judges_1.classifyMetric)(base.map((v) => v + 1), base, rule(), { confidence: 0.98, tolerance: 0 }).classification, 'High');
});
(0, node_test_1.test)('NaN strategy: remove drops them, replace turns them into a value', () => {
    const canary = [null, NaN, 1, 1, 1, 1, 1];
    const baseline = [1, 1, 1, 1, 1];
    strict_1.default.equal((0, judges_1.classifyMetric)(canary, baseline, rule()).canaryCount, 5);
    const replaced = (0, judges_1.classifyMetric)(canary, baseline, rule({ nanStrategy: { kind: 'replace', value: 0 } }));
    strict_1.default.equal(replaced.canaryCount, 7);
});
(0, node_test_1.test)('variance-ratio flag catches a canary that is only noisier', () => {
    // Same centre, 20x the spread: symmetric offsets so the location shift is exactly zero.
    const base = Array.from({ length: 41 }, (_, i) => 100 + (i - 20) * 0.05);
    const noisy = Array.from({ length: 41 }, (_, i) => 100 + (i - 20) * 1);
    strict_1.default.equal((0, judges_1.classifyMetric)(noisy, base, rule()).classification, 'Pass', 'rank test alone misses it');
    const flagged = (0, judges_1.classifyMetric)(noisy, base, rule({ maxVarianceRatio: 4 }));
    strict_1.default.equal(flagged.classification, 'High');
    strict_1.default.match(flagged.reason, /variance/);
});
(0, node_test_1.test)('IQR outlier removal drops a single spike', () => {
    const base = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11];
    const spiky = [10, 11, 9, 10, 12, 10, 11, 9, 10, 500];
    strict_1.default.equal((0, judges_1.classifyMetric)(spiky, base, rule({ removeOutliers: true })).canaryCount, 9);
});
const j = (name, classification) => ({ name, classification, reason: '', canaryCount: 10, baselineCount: 10 });
const thresholds = { pass: 95, marginal: 75 };
(0, node_test_1.test)('score: weighted share of passing metrics, thresholds decide', () => {
    const metrics = [
        { name: 'a', critical: false, weight: 3 },
        { name: 'b', critical: false, weight: 1 },
        { name: 'c', critical: false, weight: 1 },
    ];
    const all = (0, judges_1.scoreCanary)([j('a', 'Pass'), j('b', 'Pass'), j('c', 'Pass')], metrics, thresholds);
    strict_1.default.deepEqual([all.score, all.decision, all.phase], [100, 'promote', 'Successful']);
    const marginal = (0, judges_1.scoreCanary)([j('a', 'Pass'), j('b', 'Pass'), j('c', 'High')], metrics, thresholds);
    strict_1.default.deepEqual([marginal.score, marginal.decision], [80, 'pause']);
    const bad = (0, judges_1.scoreCanary)([j('a', 'High'), j('b', 'Pass'), j('c', 'Pass')], metrics, thresholds);
    strict_1.default.deepEqual([bad.score, bad.decision, bad.phase], [40, 'rollback', 'Failed']);
});
(0, node_test_1.test)('score: failing critical metric forces 0; no data on half the metrics forces 0 and is inconclusive', () => {
    const metrics = [
        { name: 'a', critical: true, weight: 1 },
        { name: 'b', critical: false, weight: 10 },
        { name: 'c', critical: false, weight: 1 },
    ];
    const crit = (0, judges_1.scoreCanary)([j('a', 'High'), j('b', 'Pass'), j('c', 'Pass')], metrics, thresholds);
    strict_1.default.deepEqual([crit.score, crit.decision], [0, 'rollback']);
    const nodata = (0, judges_1.scoreCanary)([j('a', 'Pass'), j('b', 'NoData'), j('c', 'NoData')], metrics, thresholds);
    strict_1.default.deepEqual([nodata.score, nodata.phase, nodata.decision], [0, 'Inconclusive', 'pause']);
    const oneMissing = (0, judges_1.scoreCanary)([j('a', 'Pass'), j('b', 'Pass'), j('c', 'NoData')], metrics, thresholds);
    strict_1.default.deepEqual([oneMissing.score, oneMissing.decision], [100, 'promote']);
});
// --- seeded trials (issue 5): 30 scrapes per role, 500 requests per scrape ------------------
const config = analysis_1.MannWhitneyJudgeConfig.parse({
    kind: 'mann-whitney',
    metrics: [
        { name: 'error_rate', direction: 'increase', critical: true, nanStrategy: { kind: 'replace', value: 0 } },
        { name: 'latency_p50', direction: 'increase' },
    ],
});
function window(rng, errorRate) {
    const errors = Array.from({ length: 30 }, () => (0, random_1.binomial)(rng, 500, errorRate) / 500);
    const latency = Array.from({ length: 30 }, () => (0, random_1.logNormal)(rng, Math.log(0.05), 0.1));
    return { errors, latency };
}
function trial(seed, canaryErrorRate) {
    const rng = (0, random_1.mulberry32)(seed);
    const canary = window(rng, canaryErrorRate);
    const baseline = window(rng, 0.01);
    return (0, judges_1.judgeWindow)(config, {
        error_rate: { canary: canary.errors, baseline: baseline.errors },
        latency_p50: { canary: canary.latency, baseline: baseline.latency },
    });
}
(0, node_test_1.test)('A/A: the same distribution passes in at least 95 of 100 seeded trials', () => {
    let promoted = 0;
    for (let seed = 1; seed <= 100; seed++)
        if (trial(seed, 0.01).decision === 'promote')
            promoted++;
    strict_1.default.ok(promoted >= 95, `promoted ${promoted}/100`);
});
(0, node_test_1.test)('3x error rate fails in at least 95 of 100 seeded trials', () => {
    let rolledBack = 0;
    for (let seed = 1001; seed <= 1100; seed++)
        if (trial(seed, 0.03).decision === 'rollback')
            rolledBack++;
    strict_1.default.ok(rolledBack >= 95, `rolled back ${rolledBack}/100`);
});
//# sourceMappingURL=kayenta.test.js.map