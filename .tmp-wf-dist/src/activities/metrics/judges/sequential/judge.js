"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.initialSequentialState = initialSequentialState;
exports.lookSequential = lookSequential;
const analysis_1 = require("../../../../domain/analysis");
const count_1 = require("./count");
const latency_1 = require("./latency");
function initialSequentialState(config) {
    const metrics = {};
    for (const m of config.metrics) {
        metrics[m.name] = m.kind === 'count' ? { kind: 'count', state: (0, count_1.initialCountState)() } : { kind: 'latency', state: (0, latency_1.initialLatencyState)() };
    }
    return { phase: 'Running', reason: 'waiting for the first look', looks: 0, metrics, gaps: [] };
}
function trafficOf(ms) {
    const last = ms.state.looks[ms.state.looks.length - 1];
    return { canaryRequests: last?.canaryRequests ?? 0, baselineRequests: last?.baselineRequests ?? 0 };
}
function lookSequential(config, state, input) {
    if (state.phase !== 'Running')
        return state;
    const alphaEach = config.alpha / config.metrics.length;
    const metrics = { ...state.metrics };
    const gaps = [...state.gaps];
    const lookNo = state.looks + 1;
    let decidedBy;
    for (const rule of config.metrics) {
        const data = input.metrics[rule.name];
        const current = metrics[rule.name];
        if (!data || data.kind === 'no-data') {
            gaps.push(`look ${lookNo}: ${rule.name} no data${data ? ` (${data.reason})` : ''}`);
            continue;
        }
        let next;
        if (rule.kind === 'count' && data.kind === 'count' && current.kind === 'count') {
            next = { kind: 'count', state: (0, count_1.lookCount)(rule, current.state, { ...data, elapsedMs: input.elapsedMs }) };
        }
        else if (rule.kind === 'latency' && data.kind === 'latency' && current.kind === 'latency') {
            next = { kind: 'latency', state: (0, latency_1.lookLatency)(rule, current.state, { ...data, elapsedMs: input.elapsedMs }) };
        }
        else {
            throw new RangeError(`metric "${rule.name}" is a ${rule.kind} metric but got ${data.kind} data`);
        }
        metrics[rule.name] = next;
        const look = next.state.looks[next.state.looks.length - 1];
        if (!decidedBy && look.pValue <= alphaEach && look.canaryWorse && (0, count_1.enoughTraffic)(rule, trafficOf(next))) {
            decidedBy = { metric: rule.name, look };
        }
    }
    const base = { looks: lookNo, metrics, gaps };
    if (decidedBy) {
        const { metric, look } = decidedBy;
        return {
            ...base,
            decidedBy,
            phase: 'Failed',
            reason: `${metric}: canary worse than baseline at look ${look.look} (${Math.round(look.elapsedMs / 1000)}s): p=${look.pValue.toExponential(2)} <= ${alphaEach}, e=${look.eValue.toExponential(2)}`,
        };
    }
    if (input.elapsedMs >= (0, analysis_1.durationToMs)(config.maxDuration)) {
        const starved = config.metrics.filter((m) => !(0, count_1.enoughTraffic)(m, trafficOf(metrics[m.name])));
        if (starved.length > 0) {
            return { ...base, phase: 'Inconclusive', reason: `max duration reached without minimum traffic for ${starved.map((m) => m.name).join(', ')}` };
        }
        return { ...base, phase: 'Successful', reason: `no evidence of regression within ${config.maxDuration}` };
    }
    return { ...base, phase: 'Running', reason: `look ${lookNo}: no evidence yet` };
}
//# sourceMappingURL=judge.js.map