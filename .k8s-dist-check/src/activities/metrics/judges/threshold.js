"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.REASON = void 0;
exports.measure = measure;
exports.assessMetric = assessMetric;
exports.isWorse = isWorse;
exports.assessRun = assessRun;
const conditions_1 = require("../conditions");
exports.REASON = {
    noConditions: 'no conditions: measurement counts as successful',
    successMet: 'successCondition met',
    successNotMet: 'successCondition not met',
    failureMet: 'failureCondition met',
    failureNotMet: 'failureCondition not met',
    neitherMet: 'neither successCondition nor failureCondition met',
    noData: 'no data',
    nan: 'value is NaN (no data)',
};
function compileRules(spec) {
    return {
        success: spec.successCondition ? (0, conditions_1.compileCondition)(spec.successCondition) : undefined,
        failure: spec.failureCondition ? (0, conditions_1.compileCondition)(spec.failureCondition) : undefined,
    };
}
function isNaNValue(value) {
    if (typeof value === 'number')
        return Number.isNaN(value);
    return value.length === 0 || value.every((v) => Number.isNaN(v));
}
/** Turn one observation into a measurement phase with a reason. */
function measure(rules, obs) {
    const at = obs.at;
    if (obs.kind === 'error')
        return { phase: 'Error', reason: obs.message, at };
    if (obs.kind === 'no-data')
        return { phase: 'Inconclusive', reason: obs.reason ? `${exports.REASON.noData}: ${obs.reason}` : exports.REASON.noData, at };
    const value = obs.value;
    if (isNaNValue(value))
        return { phase: 'Inconclusive', value, reason: Array.isArray(value) && value.length === 0 ? exports.REASON.noData : exports.REASON.nan, at };
    if (!rules.success && !rules.failure)
        return { phase: 'Successful', value, reason: exports.REASON.noConditions, at };
    let success = false;
    let failure = false;
    try {
        if (rules.success)
            success = (0, conditions_1.evaluateCondition)(rules.success, { result: value });
        if (rules.failure)
            failure = (0, conditions_1.evaluateCondition)(rules.failure, { result: value });
    }
    catch (err) {
        return { phase: 'Error', value, reason: err.message, at };
    }
    if (rules.success && !rules.failure)
        failure = !success;
    if (!rules.success && rules.failure)
        success = !failure;
    if (failure)
        return { phase: 'Failed', value, reason: rules.failure && failure ? exports.REASON.failureMet : exports.REASON.successNotMet, at };
    if (!success)
        return { phase: 'Inconclusive', value, reason: exports.REASON.neitherMet, at };
    return { phase: 'Successful', value, reason: rules.success ? exports.REASON.successMet : exports.REASON.failureNotMet, at };
}
function tally(measurements) {
    const c = { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0 };
    for (const m of measurements) {
        if (m.phase === 'Error') {
            c.error++;
            c.consecutiveError++;
            continue;
        }
        c.count++;
        c.consecutiveError = 0;
        if (m.phase === 'Successful')
            c.successful++;
        else if (m.phase === 'Failed')
            c.failed++;
        else
            c.inconclusive++;
    }
    return c;
}
/** End state of a metric that stops without failing: Successful only with real successes. */
function finish(c, why) {
    if (c.successful > 0)
        return { phase: 'Successful', message: why };
    if (c.count === 0 && c.error > 0)
        return { phase: 'Error', message: `${why}, but every measurement errored` };
    return { phase: 'Inconclusive', message: `${why}, but no measurement was successful` };
}
/** Assess one metric from its observations so far. Throws ConditionError on an invalid condition. */
function assessMetric(spec, observations, opts = {}) {
    const rules = compileRules(spec);
    const measurements = observations.map((o) => measure(rules, o));
    const counts = tally(measurements);
    const base = { name: spec.name, counts, measurements };
    if (measurements.length === 0) {
        return opts.terminating
            ? { ...base, phase: 'Inconclusive', message: 'terminated before any measurement' }
            : { ...base, phase: 'Pending', message: 'no measurement yet' };
    }
    if (counts.failed > spec.failureLimit) {
        return { ...base, phase: 'Failed', message: `failed (${counts.failed}) > failureLimit (${spec.failureLimit})` };
    }
    if (counts.inconclusive > spec.inconclusiveLimit) {
        return { ...base, phase: 'Inconclusive', message: `inconclusive (${counts.inconclusive}) > inconclusiveLimit (${spec.inconclusiveLimit})` };
    }
    if (counts.consecutiveError > spec.consecutiveErrorLimit) {
        return { ...base, phase: 'Error', message: `consecutive errors (${counts.consecutiveError}) > consecutiveErrorLimit (${spec.consecutiveErrorLimit})` };
    }
    if (spec.count !== undefined && counts.count >= spec.count)
        return { ...base, ...finish(counts, `count (${spec.count}) reached`) };
    if (opts.terminating)
        return { ...base, ...finish(counts, 'run terminated') };
    return { ...base, phase: 'Running', message: `${counts.count} measurement(s) taken` };
}
/** Argo's order, best to worst. */
const SEVERITY = { Pending: 0, Running: 1, Successful: 2, Inconclusive: 3, Error: 4, Failed: 5 };
function isWorse(current, candidate) {
    return SEVERITY[candidate] > SEVERITY[current];
}
/**
 * Combine metric assessments into a run phase. As soon as one metric is Failed, Error or
 * Inconclusive the run ends with the worst completed phase, without waiting for the others.
 */
function assessRun(metrics) {
    if (metrics.length === 0)
        return { phase: 'Inconclusive', message: 'no metrics', terminated: false };
    let worst;
    let allDone = true;
    for (const m of metrics) {
        const done = m.phase === 'Successful' || m.phase === 'Failed' || m.phase === 'Inconclusive' || m.phase === 'Error';
        if (!done) {
            allDone = false;
            continue;
        }
        if (!worst || isWorse(worst.phase, m.phase))
            worst = m;
    }
    if (worst && worst.phase !== 'Successful')
        return { phase: worst.phase, message: `metric "${worst.name}": ${worst.message}`, terminated: !allDone };
    if (allDone && worst)
        return { phase: 'Successful', message: 'all metrics successful', terminated: false };
    return { phase: 'Running', message: 'metrics still running', terminated: false };
}
//# sourceMappingURL=threshold.js.map