"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.deployWorkflow = deployWorkflow;
/**
 * deployWorkflow: one release of one service to one environment, from source to promotion, as a
 * saga. Every outcome but `failed` completes the workflow with a DeploymentResult; `failed`
 * compensates first, then fails the workflow with ApplicationFailure(SluiceDeploymentFailed)
 * carrying the same result (see src/domain/result.ts), so the Temporal UI marks it red.
 */
const workflow_1 = require("@temporalio/workflow");
const duration_1 = require("../domain/duration");
const errors_1 = require("../domain/errors");
const reasons_1 = require("../domain/reasons");
const release_1 = require("../domain/release");
const activities_1 = require("./activities");
const context_1 = require("./context");
const control_1 = require("./control");
const saga_1 = require("./saga");
const strategies_1 = require("./strategies");
const source_1 = require("./source");
const tracker_1 = require("./tracker");
const FINAL_PHASE = {
    promoted: 'succeeded',
    'rolled-back': 'rolled-back',
    aborted: 'aborted',
    failed: 'failed',
};
/** The ApplicationFailure type of the root cause, for CI and the result. */
function rootErrorType(err) {
    let e = err;
    let type;
    for (let depth = 0; e && depth < 8; depth++) {
        if (e instanceof workflow_1.ApplicationFailure && e.type)
            type = e.type;
        e = e.cause;
    }
    return type;
}
/** Maps whatever ended the happy path to a stop request; returns undefined for workflow bugs. */
function stopFor(err, control) {
    if (err instanceof control_1.StopError)
        return err.request;
    if (control.stop)
        return control.stop;
    if ((0, workflow_1.isCancellation)(err)) {
        control.requestStop({ outcome: 'aborted', reason: reasons_1.Reason.WorkflowCancelled, message: 'the workflow was cancelled' });
    }
    else if (err instanceof workflow_1.TemporalFailure) {
        const errorType = rootErrorType(err);
        control.requestStop({ outcome: 'failed', reason: reasons_1.Reason.ActivityFailed, message: (0, saga_1.describeError)(err), ...(errorType ? { errorType } : {}) });
    }
    // Anything else is a bug in workflow code: rethrown, it fails the workflow task, which Temporal
    // retries, so a fixed worker picks the release up where it stopped.
    return control.stop;
}
/** Starts the deadline timer; when it fires the release stops with DeadlineExceeded. */
function startDeadline(spec, control) {
    if (!spec.deadline)
        return undefined;
    const scope = new workflow_1.CancellationScope();
    const deadline = spec.deadline;
    scope
        .run(() => (0, workflow_1.sleep)((0, duration_1.toMs)(deadline), { summary: `release deadline ${deadline}` }))
        .then(() => control.requestStop({ outcome: 'failed', reason: reasons_1.Reason.DeadlineExceeded, message: `the release did not finish within its deadline of ${deadline}` }), () => undefined);
    return scope;
}
async function deployWorkflow(spec) {
    const tracker = new tracker_1.Tracker(spec);
    const control = new control_1.Control(tracker, spec.approval);
    control.install();
    const saga = new saga_1.Saga();
    const ref = (0, context_1.targetRef)(spec);
    tracker.event('started', `${spec.strategy.kind} release of ${spec.service} to ${spec.environment}`);
    const deadline = startDeadline(spec, control);
    let release = null;
    let previous = null;
    let outcome = 'promoted';
    let reason = reasons_1.Reason.Promoted;
    let message = '';
    let errorType;
    let compensation = { ran: [], failed: [] };
    let timeToRollbackMs = null;
    try {
        control.throwIfStopped(); // an abort sent with the start is honoured before any work
        previous = await control.interruptible(() => activities_1.deploy.currentRelease(ref));
        release = await (0, source_1.obtainRelease)(spec, control, tracker);
        tracker.setReleases(release, previous);
        if ((0, release_1.sameRelease)(previous, release)) {
            reason = reasons_1.Reason.AlreadyLive;
            message = `${release.version} is already live in ${spec.environment}; nothing to do`;
        }
        else {
            const ctx = { spec, ref, release, previous, tracker, control, saga };
            await (0, strategies_1.runStrategy)(ctx, spec.strategy);
            message = `${release.version} promoted in ${spec.environment}${previous ? ` (was ${previous.version})` : ''}`;
        }
    }
    catch (err) {
        const stop = stopFor(err, control);
        if (!stop)
            throw err;
        outcome = stop.outcome;
        reason = stop.reason;
        message = stop.message;
        errorType = stop.errorType;
        tracker.setPhase('rolling-back', `rolling back: ${stop.message}`);
        compensation = await saga.compensate(tracker);
        timeToRollbackMs = Date.now() - stop.atMs;
        if (compensation.failed.length > 0) {
            outcome = 'failed';
            reason = reasons_1.Reason.CompensationFailed;
            message = `${stop.message}; then undo failed: ${compensation.failed.map((f) => `${f.name} (${f.error})`).join('; ')}`;
        }
    }
    finally {
        deadline?.cancel();
    }
    if (outcome === 'promoted' && release && !(0, release_1.sameRelease)(previous, release)) {
        await pruneRetainedReleases(spec, release, previous, tracker);
    }
    tracker.setPhase(FINAL_PHASE[outcome], message);
    const result = {
        outcome,
        reason,
        message,
        service: spec.service,
        environment: spec.environment,
        release,
        previous,
        phaseDurations: tracker.phaseDurations(),
        timeToRollbackMs,
        compensations: compensation.ran,
        ...(errorType ? { errorType } : {}),
        startedAt: tracker.status.startedAt,
        finishedAt: tracker.now(),
    };
    tracker.status.result = result;
    tracker.event('finished', `${outcome}: ${message}`, { outcome, reason });
    // Let an in-flight approve update or signal finish before the run closes (also when cancelled).
    await workflow_1.CancellationScope.nonCancellable(() => (0, workflow_1.condition)(workflow_1.allHandlersFinished));
    if (outcome === 'failed') {
        throw workflow_1.ApplicationFailure.create({ type: errors_1.SluiceErrorType.DeploymentFailed, message: `${reason}: ${message}`, nonRetryable: true, details: [result] });
    }
    return result;
}
/** Best effort: a registry hiccup after promotion must not turn a good release into a failure. */
async function pruneRetainedReleases(spec, release, previous, tracker) {
    const imageRepo = spec.source.kind === 'build' ? spec.source.imageRepo : release.imageRef?.split('@')[0];
    const protect = [release.imageTag, ...(previous ? [previous.imageTag] : [])];
    try {
        const pruned = await activities_1.retention.pruneReleases({ service: spec.service, ...(imageRepo ? { imageRepo } : {}), keep: spec.retention.keep, protect });
        if (pruned.deleted.length > 0)
            tracker.event('info', `pruned ${pruned.deleted.map((d) => d.imageTag).join(', ')}`);
    }
    catch (err) {
        workflow_1.log.warn('pruning retained releases failed', { error: (0, saga_1.describeError)(err) });
        tracker.event('info', `pruning retained releases failed: ${(0, saga_1.describeError)(err)}`);
    }
}
//# sourceMappingURL=deploy.js.map