"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// Argo Rollouts measurement bookkeeping (analysis.go assessMetricStatus / EvaluateResult) plus
// Sluice's deliberate tightenings for no-data and all-error runs.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const analysis_1 = require("../../src/domain/analysis");
const judges_1 = require("../../src/activities/metrics/judges");
const metric = (over = {}) => analysis_1.ThresholdMetric.parse({ name: 'error-rate', provider: { kind: 'prometheus', query: 'q' }, successCondition: 'result < 0.05', ...over });
const v = (value) => ({ kind: 'value', value });
const err = { kind: 'error', message: 'query timeout' };
const none = { kind: 'no-data' };
(0, node_test_1.test)('success / failure / inconclusive per Argo condition rules', () => {
    strict_1.default.equal((0, judges_1.assessMetric)(metric({ count: 2 }), [v(0.01), v(0.02)]).phase, 'Successful');
    strict_1.default.equal((0, judges_1.assessMetric)(metric(), [v(0.01), v(0.2)]).phase, 'Failed');
    const both = metric({ successCondition: 'result < 0.05', failureCondition: 'result > 0.1', count: 3 });
    const r = (0, judges_1.assessMetric)(both, [v(0.07)]);
    strict_1.default.equal(r.measurements[0].phase, 'Inconclusive');
    strict_1.default.equal(r.phase, 'Inconclusive');
    const onlyFailure = metric({ successCondition: undefined, failureCondition: 'result > 0.1', count: 1 });
    strict_1.default.equal((0, judges_1.assessMetric)(onlyFailure, [v(0.07)]).phase, 'Successful');
    const noConditions = metric({ successCondition: undefined, count: 1 });
    strict_1.default.equal((0, judges_1.assessMetric)(noConditions, [v(123)]).phase, 'Successful');
    const bothTrue = metric({ successCondition: 'result >= 0', failureCondition: 'result >= 0' });
    strict_1.default.equal((0, judges_1.assessMetric)(bothTrue, [v(1)]).measurements[0].phase, 'Failed');
});
(0, node_test_1.test)('failureLimit and inconclusiveLimit are "more than" limits', () => {
    const m = metric({ failureLimit: 1, inconclusiveLimit: 1, count: 4 });
    strict_1.default.equal((0, judges_1.assessMetric)(m, [v(0.2)]).phase, 'Running');
    strict_1.default.equal((0, judges_1.assessMetric)(m, [v(0.2), v(0.3)]).phase, 'Failed');
    strict_1.default.equal((0, judges_1.assessMetric)(m, [none]).phase, 'Running');
    strict_1.default.equal((0, judges_1.assessMetric)(m, [none, none]).phase, 'Inconclusive');
    strict_1.default.equal((0, judges_1.assessMetric)(m, [v(0.2), none, v(0.01), v(0.01)]).phase, 'Successful');
});
(0, node_test_1.test)('errors: never a success, consecutive limit, reset by a good measurement, not counted', () => {
    const m = metric({ consecutiveErrorLimit: 2, count: 2 });
    strict_1.default.equal((0, judges_1.assessMetric)(m, [err, err]).phase, 'Running');
    strict_1.default.equal((0, judges_1.assessMetric)(m, [err, err, err]).phase, 'Error');
    const reset = (0, judges_1.assessMetric)(m, [err, err, v(0.01), err, err]);
    strict_1.default.equal(reset.phase, 'Running');
    strict_1.default.equal(reset.counts.count, 1, 'errors do not count towards count');
    strict_1.default.equal((0, judges_1.assessMetric)(m, [err, v(0.01), err, v(0.02)]).phase, 'Successful');
    // A run that only ever errored cannot end Successful when terminated.
    strict_1.default.equal((0, judges_1.assessMetric)(metric({ consecutiveErrorLimit: 10 }), [err, err], { terminating: true }).phase, 'Error');
    strict_1.default.equal((0, judges_1.assessMetric)(metric(), [], { terminating: true }).phase, 'Inconclusive');
});
(0, node_test_1.test)('no data and NaN are inconclusive, never a pass and never a crash', () => {
    const m = metric({ inconclusiveLimit: 5, count: 2 });
    const r = (0, judges_1.assessMetric)(m, [none, v(NaN), v([]), v([NaN, NaN])]);
    strict_1.default.deepEqual(r.measurements.map((x) => x.phase), ['Inconclusive', 'Inconclusive', 'Inconclusive', 'Inconclusive']);
    strict_1.default.equal(r.phase, 'Inconclusive', 'count reached without a single success');
    strict_1.default.match(r.message, /no measurement was successful/);
});
(0, node_test_1.test)('a condition that cannot evaluate is an Error measurement; an invalid one throws up front', () => {
    const r = (0, judges_1.assessMetric)(metric({ successCondition: 'result[2] < 1' }), [v([1])]);
    strict_1.default.equal(r.measurements[0].phase, 'Error');
    strict_1.default.throws(() => (0, judges_1.assessMetric)(metric({ successCondition: 'result <' }), [v(1)]), /invalid condition/);
});
(0, node_test_1.test)('assessRun: worst phase wins and decides early; all successful → Successful', () => {
    strict_1.default.equal((0, judges_1.assessRun)([{ name: 'a', phase: 'Running', message: '' }, { name: 'b', phase: 'Successful', message: '' }]).phase, 'Running');
    const early = (0, judges_1.assessRun)([{ name: 'a', phase: 'Running', message: '' }, { name: 'b', phase: 'Failed', message: 'x' }]);
    strict_1.default.deepEqual([early.phase, early.terminated], ['Failed', true]);
    strict_1.default.equal((0, judges_1.assessRun)([{ name: 'a', phase: 'Inconclusive', message: '' }, { name: 'b', phase: 'Error', message: '' }]).phase, 'Error');
    strict_1.default.equal((0, judges_1.assessRun)([{ name: 'a', phase: 'Successful', message: '' }, { name: 'b', phase: 'Successful', message: '' }]).phase, 'Successful');
});
(0, node_test_1.test)('threshold judge folds looks and stops at the first failure', () => {
    const config = analysis_1.ThresholdJudgeConfig.parse({
        kind: 'threshold',
        metrics: [
            { name: 'errors', provider: { kind: 'prometheus', query: 'q1' }, successCondition: 'result < 0.05', count: 5 },
            { name: 'latency', provider: { kind: 'prometheus', query: 'q2' }, successCondition: 'result < 0.5', count: 5 },
        ],
    });
    let s = judges_1.thresholdJudge.init(config);
    s = judges_1.thresholdJudge.look(config, s, { observations: { errors: v(0.01), latency: v(0.1) } });
    strict_1.default.equal(s.phase, 'Running');
    s = judges_1.thresholdJudge.look(config, s, { observations: { errors: v(0.15), latency: v(0.1) } });
    strict_1.default.equal(s.phase, 'Failed');
    strict_1.default.match(s.reason, /errors/);
    strict_1.default.equal((0, judges_1.decide)(s.phase, 'pause'), 'rollback');
    strict_1.default.equal((0, judges_1.decide)('Inconclusive', 'pass'), 'promote');
    strict_1.default.equal((0, judges_1.decide)('Inconclusive', 'pause'), 'pause');
});
//# sourceMappingURL=threshold.test.js.map