"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.thresholdLook = thresholdLook;
exports.kayentaWindow = kayentaWindow;
exports.sequentialLook = sequentialLook;
/**
 * Adapters between the analysis workflow and the judges in ./judges: each takes the plain-JSON
 * state the workflow kept between timers, folds one look in, and hands back the new state plus
 * the per-metric measurement table the analysis result shows.
 *
 * Running the judges in an activity (not in workflow code) keeps their arithmetic out of the
 * replay path: a judge improved next month cannot make a running analysis non-deterministic.
 * States are kept small, because each look records them twice in the workflow history.
 */
const judges_1 = require("./judges");
const snapshots_1 = require("./providers/snapshots");
const judges_2 = require("./judges");
const OUTCOME = {
    Successful: 'pass',
    Failed: 'fail',
    Inconclusive: 'inconclusive',
    Error: 'error',
};
function thresholdLook(args) {
    const judge = judges_1.JUDGES.threshold;
    const config = judge.schema.parse(args.config);
    const state = judge.look(config, args.state ?? judge.init(config), { observations: args.observations, terminate: args.terminate });
    const metrics = state.metrics.map((m) => ({
        name: m.name,
        phase: m.phase,
        reason: m.message,
        measurements: m.measurements.map((r) => ({ at: r.at, outcome: OUTCOME[r.phase], reason: r.reason, ...(r.value !== undefined ? { value: r.value } : {}) })),
    }));
    return { state, phase: state.phase, reason: state.reason, metrics };
}
const CLASSIFIED = {
    Pass: { phase: 'Successful', outcome: 'pass' },
    High: { phase: 'Failed', outcome: 'fail' },
    Low: { phase: 'Failed', outcome: 'fail' },
    NoData: { phase: 'Inconclusive', outcome: 'inconclusive' },
};
function kayentaWindow(args) {
    const judge = judges_1.JUDGES['mann-whitney'];
    const config = judge.schema.parse(args.config);
    const state = judge.look(config, judge.init(config), args.samples);
    const score = state.windows[state.windows.length - 1];
    const metrics = score.metrics.map((j) => {
        const s = args.samples[j.name];
        const c = CLASSIFIED[j.classification];
        const reason = s?.note ? `${j.reason} (${s.note})` : j.reason;
        const row = { at: s?.at, outcome: c.outcome, reason: `${j.classification}: ${reason}`, canary: s?.canary ?? [], baseline: s?.baseline ?? [] };
        if (j.estimate !== undefined && Number.isFinite(j.estimate))
            row.value = j.estimate;
        return { name: j.name, phase: c.phase, reason: `${j.classification}: ${reason}`, measurements: [row] };
    });
    return { phase: score.phase, reason: score.reason, score: score.score, metrics };
}
const KEEP_GAPS = 20;
function expand(state) {
    const metrics = {};
    for (const [name, m] of Object.entries(state.judge.metrics)) {
        const last = m.state.looks[m.state.looks.length - 1];
        const count = state.lookCounts[name] ?? 0;
        // The judge reads only the number of looks and the last one; the same object stands in for the rest.
        const looks = last ? new Array(count).fill(last) : [];
        metrics[name] = { ...m, state: { ...m.state, looks } };
    }
    return { ...state.judge, metrics };
}
function compact(judge) {
    const metrics = {};
    const lookCounts = {};
    for (const [name, m] of Object.entries(judge.metrics)) {
        lookCounts[name] = m.state.looks.length;
        metrics[name] = { ...m, state: { ...m.state, looks: m.state.looks.slice(-1) } };
    }
    return { judge: { ...judge, metrics, gaps: judge.gaps.slice(-KEEP_GAPS) }, lookCounts };
}
function usable(s, kind) {
    if (s.kind === 'error')
        return `provider error: ${s.message}`;
    // An empty answer means this role has served nothing yet: counters at zero.
    if (s.kind === 'no-data')
        return (0, snapshots_1.emptySnapshot)(kind);
    if (s.kind !== kind)
        return `expected ${kind} data, got ${s.kind}`;
    return s;
}
function latencyIncrement(cur, prev) {
    if (cur.le.length === 0)
        return [];
    const previous = prev && (0, snapshots_1.sameLayout)(cur, prev) ? prev.cumulative : undefined;
    return (0, judges_2.bucketIncrements)(cur.cumulative, previous);
}
/** The judge's input for one metric, or a no-data reason; updates `previous` in place. */
function metricInput(kind, snap, previous) {
    const canary = usable(snap.canary, kind);
    const baseline = usable(snap.baseline, kind);
    if (typeof canary === 'string')
        return { kind: 'no-data', reason: `canary ${canary}` };
    if (typeof baseline === 'string')
        return { kind: 'no-data', reason: `baseline ${baseline}` };
    const prev = { ...previous };
    previous.canary = canary;
    previous.baseline = baseline;
    // Increments start from the first snapshot of both roles, so traffic before the analysis is not counted.
    if (!prev.canary || !prev.baseline)
        return { kind: 'no-data', reason: 'counters recorded; increments start at the next look' };
    if (canary.kind === 'count' && baseline.kind === 'count') {
        const c = (0, snapshots_1.countIncrement)(canary, prev.canary?.kind === 'count' ? prev.canary : undefined);
        const b = (0, snapshots_1.countIncrement)(baseline, prev.baseline?.kind === 'count' ? prev.baseline : undefined);
        return { kind: 'count', canaryErrors: c.errors, canaryRequests: c.requests, baselineErrors: b.errors, baselineRequests: b.requests };
    }
    if (canary.kind === 'latency' && baseline.kind === 'latency') {
        let c = latencyIncrement(canary, prev.canary?.kind === 'latency' ? prev.canary : undefined);
        let b = latencyIncrement(baseline, prev.baseline?.kind === 'latency' ? prev.baseline : undefined);
        // A role without traffic yet has no buckets: zeros in the other role's layout.
        if (c.length === 0 && b.length === 0)
            return { kind: 'no-data', reason: 'no requests in either role yet' };
        if (c.length === 0)
            c = b.map(() => 0);
        if (b.length === 0)
            b = c.map(() => 0);
        if (c.length !== b.length)
            return { kind: 'no-data', reason: 'canary and baseline use different histogram buckets' };
        return { kind: 'latency', canaryBuckets: c, baselineBuckets: b };
    }
    return { kind: 'no-data', reason: 'mismatched snapshot kinds' };
}
function sequentialLook(args) {
    const judge = judges_1.JUDGES.sequential;
    const config = judge.schema.parse(args.config);
    const first = args.state === undefined;
    const runState = args.state ?? { ...compact(judge.init(config)), previous: {} };
    const previous = structuredClone(runState.previous);
    const inputs = {};
    for (const m of config.metrics) {
        const snap = args.snapshots[m.name];
        previous[m.name] ??= {};
        inputs[m.name] = snap ? metricInput(m.kind, snap, previous[m.name]) : { kind: 'no-data', reason: 'not measured' };
    }
    const rows = {};
    if (first) {
        // Look 0 only records where the counters stand; it is not a judged look, so it adds no row.
        const phases = Object.fromEntries(config.metrics.map((m) => [m.name, { phase: 'Running', reason: 'counters recorded' }]));
        return { state: { ...runState, previous }, phase: 'Running', reason: 'counters recorded', rows, metricPhases: phases };
    }
    const next = judge.look(config, expand(runState), { elapsedMs: args.elapsedMs, metrics: inputs });
    for (const m of config.metrics) {
        const input = inputs[m.name];
        const at = args.snapshots[m.name]?.at;
        if (input.kind === 'no-data') {
            rows[m.name] = { at, outcome: 'inconclusive', reason: `no data: ${input.reason}` };
            continue;
        }
        const look = next.metrics[m.name].state.looks[next.metrics[m.name].state.looks.length - 1];
        const decided = next.decidedBy?.metric === m.name;
        rows[m.name] = {
            at,
            outcome: decided ? 'fail' : 'pass',
            value: look.pValue,
            reason: `${decided ? 'regression: ' : ''}p=${look.pValue.toExponential(2)} e=${look.eValue.toExponential(2)} canary ${look.canaryRequests} req, baseline ${look.baselineRequests} req${look.canaryWorse ? ', canary looks worse' : ''}`,
            evidence: look,
        };
    }
    const metricPhases = {};
    for (const m of config.metrics) {
        if (next.decidedBy?.metric === m.name)
            metricPhases[m.name] = { phase: 'Failed', reason: next.reason };
        else if (next.phase === 'Running' || next.phase === 'Failed')
            metricPhases[m.name] = { phase: next.phase === 'Failed' ? 'Inconclusive' : 'Running', reason: next.phase === 'Failed' ? 'stopped: another metric decided' : 'no evidence of regression yet' };
        else
            metricPhases[m.name] = { phase: next.phase, reason: next.reason };
    }
    return { state: { ...compact(next), previous }, phase: next.phase, reason: next.reason, rows, metricPhases };
}
//# sourceMappingURL=judging.js.map