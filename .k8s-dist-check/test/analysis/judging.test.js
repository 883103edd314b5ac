"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * The judge activities' adapters (src/activities/metrics/judging.ts): snapshots → increments,
 * the compacted sequential state, and the measurement tables. Pure functions, no stack needed.
 */
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const analysis_1 = require("../../src/domain/analysis");
const judges_1 = require("../../src/activities/metrics/judges");
const judging_1 = require("../../src/activities/metrics/judging");
const snapshots_1 = require("../../src/activities/metrics/providers/snapshots");
const analysis_2 = require("../../src/domain/analysis");
(0, node_test_1.test)('count snapshots split 5xx from the rest; increments survive a counter reset', () => {
    const snap = (0, snapshots_1.countSnapshot)([
        { labels: { code: '200' }, value: 90 },
        { labels: { code: '500' }, value: 7 },
        { labels: { code: '503' }, value: 3 },
        { labels: { code: '404' }, value: 5 },
    ]);
    strict_1.default.deepEqual(snap, { kind: 'count', requests: 105, errors: 10 });
    strict_1.default.deepEqual((0, snapshots_1.countIncrement)({ kind: 'count', requests: 150, errors: 12 }, { kind: 'count', requests: 105, errors: 10 }), { requests: 45, errors: 2 });
    // The process restarted: the counters start again from zero.
    strict_1.default.deepEqual((0, snapshots_1.countIncrement)({ kind: 'count', requests: 20, errors: 1 }, { kind: 'count', requests: 105, errors: 10 }), { requests: 20, errors: 1 });
    strict_1.default.equal((0, snapshots_1.countSnapshot)([{ labels: {}, value: 3 }]).kind, 'error', 'series without code labels are refused');
});
(0, node_test_1.test)('latency snapshots sort buckets by le and require +Inf', () => {
    const snap = (0, snapshots_1.latencySnapshot)([
        { labels: { le: '+Inf' }, value: 10 },
        { labels: { le: '0.1' }, value: 8 },
        { labels: { le: '0.005' }, value: 5 },
    ]);
    strict_1.default.deepEqual(snap, { kind: 'latency', le: [0.005, 0.1, Number.MAX_VALUE], cumulative: [5, 8, 10] });
    strict_1.default.equal((0, snapshots_1.latencySnapshot)([{ labels: { le: '0.1' }, value: 1 }]).kind, 'error');
});
(0, node_test_1.test)('the compacted sequential state gives exactly the judge\'s own p-values, look numbers, and stays small', () => {
    const config = analysis_1.SequentialJudgeConfig.parse({ kind: 'sequential', interval: '1s', maxDuration: '10m', metrics: [{ kind: 'count', name: 'errors', minRequests: 10 }] });
    let state;
    let direct = judges_1.JUDGES.sequential.init(config);
    const cum = { c: { requests: 0, errors: 0 }, b: { requests: 0, errors: 0 } };
    const sizes = [];
    const snapshot = () => ({ canary: { kind: 'count', ...cum.c }, baseline: { kind: 'count', ...cum.b } });
    state = (0, judging_1.sequentialLook)({ config, state, elapsedMs: 0, snapshots: { errors: snapshot() } }).state;
    for (let look = 1; look <= 40; look++) {
        // Canary 2 errors in 50, baseline 1 in 50: a mild difference, no early decision.
        const inc = { c: { requests: 50, errors: look % 3 === 0 ? 3 : 1 }, b: { requests: 50, errors: look % 4 === 0 ? 2 : 1 } };
        cum.c.requests += inc.c.requests;
        cum.c.errors += inc.c.errors;
        cum.b.requests += inc.b.requests;
        cum.b.errors += inc.b.errors;
        const r = (0, judging_1.sequentialLook)({ config, state, elapsedMs: look * 1000, snapshots: { errors: snapshot() } });
        state = r.state;
        direct = judges_1.JUDGES.sequential.look(config, direct, {
            elapsedMs: look * 1000,
            metrics: { errors: { kind: 'count', canaryErrors: inc.c.errors, canaryRequests: inc.c.requests, baselineErrors: inc.b.errors, baselineRequests: inc.b.requests } },
        });
        const expected = direct.metrics.errors.state.looks.at(-1);
        strict_1.default.deepEqual(r.rows.errors.evidence, expected, `look ${look}`);
        strict_1.default.equal(r.phase, direct.phase);
        sizes.push(JSON.stringify(state).length);
    }
    strict_1.default.equal(state.lookCounts.errors, 40);
    strict_1.default.ok(sizes.at(-1) < sizes[0] + 200, `state grew from ${sizes[0]} to ${sizes.at(-1)} bytes`);
});
(0, node_test_1.test)('sequential looks with a provider error are no-data rows, and the next good look covers the gap', () => {
    const config = analysis_1.SequentialJudgeConfig.parse({ kind: 'sequential', metrics: [{ kind: 'count', name: 'errors', minRequests: 0 }] });
    const snap = (c, b) => ({ canary: { kind: 'count', requests: c, errors: 0 }, baseline: { kind: 'count', requests: b, errors: 0 } });
    let r = (0, judging_1.sequentialLook)({ config, elapsedMs: 0, snapshots: { errors: snap(100, 100) } });
    r = (0, judging_1.sequentialLook)({ config, state: r.state, elapsedMs: 1000, snapshots: { errors: { canary: { kind: 'error', message: 'ECONNREFUSED' }, baseline: { kind: 'error', message: 'ECONNREFUSED' } } } });
    strict_1.default.equal(r.rows.errors.outcome, 'inconclusive');
    strict_1.default.match(r.rows.errors.reason, /provider error: ECONNREFUSED/);
    r = (0, judging_1.sequentialLook)({ config, state: r.state, elapsedMs: 2000, snapshots: { errors: snap(160, 150) } });
    strict_1.default.equal(r.rows.errors.evidence?.canaryRequests, 60);
    strict_1.default.equal(r.rows.errors.evidence?.baselineRequests, 50);
});
(0, node_test_1.test)('threshold and Kayenta results become per-metric tables with outcomes and reasons', () => {
    const config = analysis_2.ThresholdJudgeConfig.parse({ kind: 'threshold', metrics: [{ name: 'e', provider: { kind: 'prometheus', query: 'x' }, count: 2, successCondition: 'result < 0.05' }] });
    let r = (0, judging_1.thresholdLook)({ config, observations: { e: { kind: 'value', value: 0.01, at: 't1' } } });
    strict_1.default.equal(r.phase, 'Running');
    r = (0, judging_1.thresholdLook)({ config, state: r.state, observations: { e: { kind: 'value', value: 0.2, at: 't2' } } });
    strict_1.default.equal(r.phase, 'Failed');
    strict_1.default.deepEqual(r.metrics[0].measurements.map((m) => [m.outcome, m.value, m.at]), [['pass', 0.01, 't1'], ['fail', 0.2, 't2']]);
    const mw = analysis_2.MannWhitneyJudgeConfig.parse({ kind: 'mann-whitney', metrics: [{ name: 'latency', minSamples: 5 }] });
    const k = (0, judging_1.kayentaWindow)({ config: mw, samples: { latency: { canary: [0.2, 0.21, 0.22, 0.2, 0.23, 0.21], baseline: [0.001, 0.002, 0.001, 0.003, 0.002, 0.001] } } });
    strict_1.default.equal(k.phase, 'Failed');
    strict_1.default.equal(k.metrics[0].measurements[0].outcome, 'fail');
    strict_1.default.match(k.metrics[0].reason, /^High/);
});
//# sourceMappingURL=judging.test.js.map