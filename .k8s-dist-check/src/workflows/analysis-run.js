"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TemplateConfigError = exports.SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT = exports.load = exports.judges = exports.metrics = exports.loadActivity = exports.judgeActivity = exports.measureActivity = void 0;
exports.waitUntil = waitUntil;
exports.guarded = guarded;
exports.templateFailure = templateFailure;
exports.errorObservation = errorObservation;
exports.decisionFor = decisionFor;
exports.combine = combine;
exports.isDone = isDone;
/**
 * What the analysis loops share: activity proxies with their timeouts, the stop flag that ends
 * every loop as soon as one template decides, waits as workflow timers, and the decision rules.
 */
const workflow_1 = require("@temporalio/workflow");
/** One query: the provider has its own timeout (5 s default); one retry covers a worker crash. */
exports.measureActivity = {
    startToCloseTimeout: '30s',
    retry: { initialInterval: '500ms', maximumAttempts: 2 },
};
/** Judges are pure arithmetic: quick, retried only for infrastructure hiccups. */
exports.judgeActivity = {
    startToCloseTimeout: '30s',
    retry: { initialInterval: '500ms', maximumAttempts: 3 },
};
/** Load runs for the whole analysis; heartbeats every second, so 5 s of silence = dead worker. */
exports.loadActivity = {
    startToCloseTimeout: '70m',
    heartbeatTimeout: '5s',
    retry: { initialInterval: '1s', maximumAttempts: 3 },
};
exports.metrics = (0, workflow_1.proxyActivities)(exports.measureActivity);
exports.judges = (0, workflow_1.proxyActivities)(exports.judgeActivity);
exports.load = (0, workflow_1.proxyActivities)(exports.loadActivity);
/** Sluice-side limit on provider outages for the sequential judge (Argo's consecutiveErrorLimit default). */
exports.SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT = 4;
/** Wait on a timer until `at` (workflow time) or until another template stops the run. */
async function waitUntil(at, run) {
    if (run.stopped())
        return false;
    const ms = at - Date.now();
    if (ms > 0)
        await (0, workflow_1.condition)(() => run.stopped(), ms);
    return !run.stopped();
}
/** A failure no retry fixes (bad template, unsupported query): the template ends in Error. */
class TemplateConfigError extends Error {
    constructor(message) {
        super(message);
        this.name = 'TemplateConfigError';
    }
}
exports.TemplateConfigError = TemplateConfigError;
/**
 * Run a measuring activity; a failed activity is an errored measurement (never a success), except
 * cancellation, which propagates, and non-retryable input errors, which end the template.
 */
async function guarded(call, onError) {
    try {
        return await call();
    }
    catch (err) {
        if ((0, workflow_1.isCancellation)(err) || err instanceof TemplateConfigError)
            throw err;
        const cause = err instanceof workflow_1.ActivityFailure ? err.cause : err;
        if (cause instanceof workflow_1.ApplicationFailure && cause.nonRetryable)
            throw new TemplateConfigError(cause.message);
        return onError(cause instanceof Error ? cause.message : String(err));
    }
}
/**
 * Why a template must end in Error (bad template, a judge that rejected its input), or undefined
 * for anything else — cancellation above all, which must propagate.
 */
function templateFailure(err) {
    if ((0, workflow_1.isCancellation)(err))
        return undefined;
    if (err instanceof TemplateConfigError)
        return err.message;
    if (err instanceof workflow_1.ActivityFailure)
        return `${err.activityType ?? 'activity'} failed: ${err.cause?.message ?? err.message}`;
    return undefined;
}
function errorObservation(message) {
    return { kind: 'error', message };
}
/**
 * Phase → what the parent does. Inconclusive follows the template's policy. Error (the
 * measurements themselves failed, e.g. Prometheus down) follows it too, but never promotes:
 * an analysis that could not measure has shown nothing.
 */
function decisionFor(phase, policy) {
    switch (phase) {
        case 'Successful':
            return 'promote';
        case 'Failed':
            return 'rollback';
        case 'Inconclusive':
            return policy === 'pass' ? 'promote' : policy === 'rollback' ? 'rollback' : 'pause';
        case 'Error':
            return policy === 'rollback' ? 'rollback' : 'pause';
        case 'Pending':
        case 'Running':
            // Only a stopped loop ends while running; nothing was shown, so ask a human.
            return policy === 'rollback' ? 'rollback' : 'pause';
        default: {
            const unhandled = phase;
            throw new Error(`unhandled phase ${String(unhandled)}`);
        }
    }
}
const SEVERITY = { Successful: 0, Pending: 1, Running: 1, Inconclusive: 2, Error: 3, Failed: 4 };
const DECISION_SEVERITY = { promote: 0, pause: 1, rollback: 2 };
function combine(results) {
    if (results.length === 0)
        return { phase: 'Error', decision: 'pause', reason: 'no analysis template ran' };
    let worst = results[0];
    let decision = 'promote';
    for (const r of results) {
        if (SEVERITY[r.phase] > SEVERITY[worst.phase])
            worst = r;
        if (DECISION_SEVERITY[r.decision] > DECISION_SEVERITY[decision])
            decision = r.decision;
    }
    const phase = worst.phase === 'Pending' || worst.phase === 'Running' ? 'Inconclusive' : worst.phase;
    const reason = phase === 'Successful' ? 'all templates successful' : `template "${worst.name}": ${worst.reason}`;
    return { phase, decision, reason };
}
function isDone(phase) {
    return phase === 'Successful' || phase === 'Failed' || phase === 'Inconclusive' || phase === 'Error';
}
//# sourceMappingURL=analysis-run.js.map