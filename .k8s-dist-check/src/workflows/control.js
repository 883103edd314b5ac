"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Control = exports.StopError = void 0;
/**
 * People and CI steer a running deployment through signals and an update; this class turns them
 * into workflow state and gives the strategies three primitives that honour them:
 * `interruptible` (race any work against a stop), `checkpoint` (stop/pause gate between steps)
 * and `awaitApproval` (a gate only a person opens).
 *
 * Handlers are installed first thing in the workflow, so a signal sent with or right after the
 * start (even before the first step runs) is delivered and kept in state, never lost.
 */
const workflow_1 = require("@temporalio/workflow");
const duration_1 = require("../domain/duration");
const errors_1 = require("../domain/errors");
const reasons_1 = require("../domain/reasons");
const definitions_1 = require("./definitions");
/** Thrown out of any step once a stop is requested; the workflow catches it and compensates. */
class StopError extends Error {
    request;
    constructor(request) {
        super(request.message);
        this.request = request;
        this.name = 'StopError';
    }
}
exports.StopError = StopError;
class Control {
    tracker;
    approval;
    stop;
    paused = false;
    gate;
    constructor(tracker, approval) {
        this.tracker = tracker;
        this.approval = approval;
    }
    install() {
        (0, workflow_1.setHandler)(definitions_1.statusQuery, () => this.tracker.status);
        (0, workflow_1.setHandler)(definitions_1.abortSignal, (reason, by) => {
            const who = by || 'unknown';
            if (this.stop) {
                this.tracker.event('abort-requested', `abort by ${who} ignored: already stopping (${this.stop.reason})`);
                return;
            }
            this.tracker.status.abortRequested = { reason: reason || 'no reason given', by: who, at: this.tracker.now() };
            this.tracker.event('abort-requested', `abort requested by ${who}: ${reason || 'no reason given'}`, { by: who, reason });
            this.requestStop({ outcome: 'aborted', reason: reasons_1.Reason.AbortedBySignal, message: `aborted by ${who}: ${reason || 'no reason given'}` });
        });
        (0, workflow_1.setHandler)(definitions_1.approveSignal, (by) => {
            const problem = this.approvalProblem(by);
            if (problem) {
                this.tracker.event('approval-ignored', `approve signal from ${by || 'unknown'} ignored: ${problem.message}`);
                return;
            }
            this.approve(by);
        });
        (0, workflow_1.setHandler)(definitions_1.approveUpdate, (by) => this.approve(by), {
            validator: (by) => {
                const problem = this.approvalProblem(by);
                if (problem)
                    throw workflow_1.ApplicationFailure.create({ type: problem.type, message: problem.message, nonRetryable: true });
            },
        });
        (0, workflow_1.setHandler)(definitions_1.pauseSignal, (by) => {
            if (this.paused)
                return;
            this.paused = true;
            this.tracker.status.paused = true;
            this.tracker.event('paused', `paused by ${by || 'unknown'}: holds at the next step boundary`);
        });
        (0, workflow_1.setHandler)(definitions_1.resumeSignal, (by) => {
            if (!this.paused)
                return;
            this.paused = false;
            this.tracker.status.paused = false;
            this.tracker.event('resumed', `resumed by ${by || 'unknown'}`);
        });
    }
    /** First request wins: an abort during a failing check stays a rollback for that check, and vice versa. */
    requestStop(request) {
        if (this.stop)
            return;
        this.stop = { ...request, atMs: Date.now() };
    }
    throwIfStopped() {
        if (this.stop)
            throw new StopError(this.stop);
    }
    /**
     * Runs `fn` (timers, waits, builds, probes: work that changes nothing an undo must see) in its
     * own cancellation scope and races it against a stop request; on a stop the scope is
     * cancelled and StopError thrown at once.
     *
     * Not for activities that change the target: the SDK resolves a cancelled activity at once
     * when its Started event is not in history yet (retried activities record it lazily), even
     * with WAIT_CANCELLATION_COMPLETED, so the undo could race the change. Use `uninterrupted`.
     */
    async interruptible(fn) {
        this.throwIfStopped();
        const work = new workflow_1.CancellationScope();
        const watch = new workflow_1.CancellationScope();
        const workOutcome = work.run(fn).then((value) => ({ kind: 'done', value }), (error) => ({ kind: 'error', error }));
        const stopOutcome = watch.run(() => (0, workflow_1.condition)(() => this.stop !== undefined)).then(() => ({ kind: 'stop' }), () => ({ kind: 'watch-ended' }));
        try {
            let first = await Promise.race([workOutcome, stopOutcome]);
            // The watcher only ends without a stop when the whole workflow is being cancelled; the work
            // then ends too (cancelled), so its outcome is the one to report.
            if (first.kind === 'watch-ended')
                first = await workOutcome;
            if (first.kind === 'done')
                return first.value;
            if (first.kind === 'stop') {
                work.cancel();
                await workOutcome;
                throw new StopError(this.stop);
            }
            if (this.stop)
                throw new StopError(this.stop);
            throw first.error;
        }
        finally {
            watch.cancel();
        }
    }
    /**
     * Runs a change to the target to completion even if a stop arrives meanwhile (deploy calls
     * are bounded and short), then honours the stop. The undo registered before it therefore
     * always runs after the change, never beside it.
     */
    async uninterrupted(fn) {
        this.throwIfStopped();
        const value = await workflow_1.CancellationScope.nonCancellable(fn);
        this.throwIfStopped();
        return value;
    }
    /** A timer that ends early on a stop request. */
    async sleep(duration, summary) {
        const ms = (0, duration_1.toMs)(duration);
        if (ms <= 0)
            return;
        await this.interruptible(() => (0, workflow_1.sleep)(ms, { summary }));
    }
    /** Between steps: stop if asked, hold while paused. */
    async checkpoint() {
        this.throwIfStopped();
        if (!this.paused)
            return;
        const resumeTo = this.tracker.phase;
        this.tracker.setPhase('paused');
        await this.interruptible(() => (0, workflow_1.condition)(() => !this.paused));
        this.tracker.setPhase(resumeTo);
    }
    /** Holds until someone approves, the approval timeout rolls the release back, or a stop arrives. */
    async awaitApproval(gate) {
        this.throwIfStopped();
        const resumeTo = this.tracker.phase;
        const open = { gate, since: this.tracker.now(), approvers: [...this.approval.approvers] };
        this.gate = open;
        this.tracker.status.awaitingApproval = { gate: open.gate, since: open.since, approvers: open.approvers };
        this.tracker.setPhase('awaiting-approval');
        this.tracker.event('approval-requested', `awaiting approval: ${gate}`, { gate });
        try {
            const approved = () => open.approvedBy !== undefined;
            const timeout = this.approval.timeout;
            const inTime = await this.interruptible(async () => {
                if (timeout === undefined) {
                    await (0, workflow_1.condition)(approved);
                    return true;
                }
                return (0, workflow_1.condition)(approved, (0, duration_1.toMs)(timeout));
            });
            if (!inTime) {
                this.requestStop({ outcome: 'rolled-back', reason: reasons_1.Reason.ApprovalTimedOut, message: `nobody approved "${gate}" within ${timeout}` });
                this.throwIfStopped();
            }
        }
        finally {
            this.gate = undefined;
            this.tracker.status.awaitingApproval = null;
        }
        this.tracker.setPhase(resumeTo);
    }
    approvalProblem(by) {
        if (this.stop)
            return { type: errors_1.SluiceErrorType.NotAwaitingApproval, message: `the release is stopping (${this.stop.reason})` };
        if (!this.gate || this.gate.approvedBy !== undefined) {
            return { type: errors_1.SluiceErrorType.NotAwaitingApproval, message: `nothing awaits approval (phase ${this.tracker.phase})` };
        }
        if (this.gate.approvers.length > 0 && !this.gate.approvers.includes(by)) {
            return { type: errors_1.SluiceErrorType.ApproverNotAllowed, message: `${by || 'unknown'} may not approve; approvers: ${this.gate.approvers.join(', ')}` };
        }
        return undefined;
    }
    approve(by) {
        const gate = this.gate;
        gate.approvedBy = by || 'unknown';
        const at = this.tracker.now();
        this.tracker.event('approved', `${gate.gate} approved by ${gate.approvedBy}`, { gate: gate.gate, by: gate.approvedBy });
        return { gate: gate.gate, approvedBy: gate.approvedBy, at };
    }
}
exports.Control = Control;
//# sourceMappingURL=control.js.map