/**
 * People and CI steer a running deployment through signals and an update; this class turns them
 * into workflow state and gives the strategies three primitives that honour them:
 * `interruptible` (race any work against a stop), `checkpoint` (stop/pause gate between steps)
 * and `awaitApproval` (a gate only a person opens).
 *
 * Handlers are installed first thing in the workflow, so a signal sent with or right after the
 * start (even before the first step runs) is delivered and kept in state, never lost.
 */
import { ApplicationFailure, CancellationScope, condition, setHandler, sleep } from '@temporalio/workflow';
import { BAKE_GATE } from '../domain/approval';
import type { ApprovalToken } from '../domain/approval-token';
import { toMs } from '../domain/duration';
import { Reason } from '../domain/reasons';
import type { ApprovalPolicy } from '../domain/spec';
import type { Outcome } from '../domain/status';
import type { AlertNotice } from '../domain/alerts';
import { abortSignal, alertSignal, approveSignal, approveUpdate, pauseSignal, resumeSignal, statusQuery, type ApprovalAck } from './definitions';
import type { Tracker } from './tracker';
import { ErrorType } from '../domain/errors';
import { checkIdentity, identityMatters, signedApprovalsPatched } from './approvals';

/** Why the release must stop, and what it will be called when it has. */
export interface StopRequest {
  outcome: Exclude<Outcome, 'promoted'>;
  reason: Reason;
  message: string;
  /** Workflow time the decision was taken: time-to-rollback counts from here. */
  atMs: number;
  errorType?: string;
}

/** Thrown out of any step once a stop is requested; the workflow catches it and compensates. */
export class StopError extends Error {
  constructor(readonly request: StopRequest) {
    super(request.message);
    this.name = 'StopError';
  }
}

interface OpenGate {
  gate: string;
  since: string;
  approvers: string[];
  approvedBy?: string;
}

/** The bake after promotion, while it runs: whether alerts roll back, and who ended it early. */
interface OpenBake {
  alerts: boolean;
  approvedBy?: string;
}

/** What an approve would open now: the gate, or the running bake (an approve ends it early). */
interface Approvable {
  label: string;
  approvers: readonly string[];
  target: OpenGate | OpenBake;
}

type ApprovalOutcome = { ok: true; ack: ApprovalAck } | { ok: false; type: string; message: string };

type Outcome2<T> = { kind: 'done'; value: T } | { kind: 'error'; error: unknown } | { kind: 'stop' } | { kind: 'watch-ended' };

export class Control {
  stop: StopRequest | undefined;
  paused = false;
  /** Told when a gate opens (the release's notifier announces it); commands it issues are its own patch's business. */
  onApprovalRequested: ((gate: string, approvers: readonly string[]) => void) | undefined;
  private gate: OpenGate | undefined;
  private bake: OpenBake | undefined;

  constructor(
    private readonly tracker: Tracker,
    private readonly approval: ApprovalPolicy,
  ) {}

  install(): void {
    setHandler(statusQuery, () => this.tracker.status);
    setHandler(abortSignal, (reason, by) => {
      const who = by || 'unknown';
      if (this.stop) {
        this.tracker.event('abort-requested', `abort by ${who} ignored: already stopping (${this.stop.reason})`);
        return;
      }
      this.tracker.status.abortRequested = { reason: reason || 'no reason given', by: who, at: this.tracker.now() };
      this.tracker.event('abort-requested', `abort requested by ${who}: ${reason || 'no reason given'}`, { by: who, reason });
      this.requestStop({ outcome: 'aborted', reason: Reason.AbortedBySignal, message: `aborted by ${who}: ${reason || 'no reason given'}` });
    });
    setHandler(approveSignal, async (by) => {
      const problem = this.approvalProblem() ?? this.nameProblem(by);
      if (problem) {
        this.tracker.event('approval-ignored', `approve signal from ${by || 'unknown'} ignored: ${problem.message}`);
        return;
      }
      const quick = this.uncheckedApprove(by, undefined);
      if (quick) return;
      // A signal carries no signature: once the worker verifies approvals, a gate with approvers refuses it (recorded).
      await this.checkedApprove(by, undefined, 'approve signal');
    });
    setHandler(
      approveUpdate,
      async (by: string, token?: ApprovalToken): Promise<ApprovalAck> => {
        const quick = this.uncheckedApprove(by, token);
        if (quick) return quick;
        const outcome = await this.checkedApprove(by, token, 'approve');
        if (!outcome.ok) throw ApplicationFailure.create({ type: outcome.type, message: outcome.message, nonRetryable: true });
        return outcome.ack;
      },
      {
        // State only: who approves, and whether the token is one, are the handler's questions
        // (the verifyApproval activity parses the token), so that a refusal is recorded: a
        // rejected validator leaves no trace in history.
        validator: (_by: string, _token?: ApprovalToken) => {
          const problem = this.approvalProblem();
          if (problem) throw ApplicationFailure.create({ type: problem.type, message: problem.message, nonRetryable: true });
        },
      },
    );
    // Installed with the others so an alert is never lost or left unlogged; it only acts while a
    // bake is open (state only: no command, so histories without alerts replay unchanged).
    setHandler(alertSignal, (alert) => this.onAlert(alert));
    setHandler(pauseSignal, (by) => {
      if (this.paused) return;
      this.paused = true;
      this.tracker.status.paused = true;
      this.tracker.event('paused', `paused by ${by || 'unknown'}: holds at the next step boundary`);
    });
    setHandler(resumeSignal, (by) => {
      if (!this.paused) return;
      this.paused = false;
      this.tracker.status.paused = false;
      this.tracker.event('resumed', `resumed by ${by || 'unknown'}`);
    });
  }

  /** First request wins: an abort during a failing check stays a rollback for that check, and vice versa. */
  requestStop(request: Omit<StopRequest, 'atMs'>): void {
    if (this.stop) return;
    this.stop = { ...request, atMs: Date.now() };
  }

  throwIfStopped(): void {
    if (this.stop) throw new StopError(this.stop);
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
  async interruptible<T>(fn: () => Promise<T>): Promise<T> {
    this.throwIfStopped();
    const work = new CancellationScope();
    const watch = new CancellationScope();
    const workOutcome = work.run(fn).then(
      (value): Outcome2<T> => ({ kind: 'done', value }),
      (error: unknown): Outcome2<T> => ({ kind: 'error', error }),
    );
    const stopOutcome = watch
      .run(() => condition(() => this.stop !== undefined))
      .then(
        (): Outcome2<T> => ({ kind: 'stop' }),
        (): Outcome2<T> => ({ kind: 'watch-ended' }),
      );
    try {
      let first = await Promise.race([workOutcome, stopOutcome]);
      // The watcher only ends without a stop when the whole workflow is being cancelled; the work
      // then ends too (cancelled), so its outcome is the one to report.
      if (first.kind === 'watch-ended') first = await workOutcome;
      if (first.kind === 'done') return first.value;
      if (first.kind === 'stop') {
        work.cancel();
        await workOutcome;
        throw new StopError(this.stop!);
      }
      if (this.stop) throw new StopError(this.stop);
      throw (first as { error: unknown }).error;
    } finally {
      watch.cancel();
    }
  }

  /**
   * Runs a change to the target to completion even if a stop arrives meanwhile (deploy calls
   * are bounded and short), then honours the stop. The undo registered before it therefore
   * always runs after the change, never beside it.
   */
  async uninterrupted<T>(fn: () => Promise<T>): Promise<T> {
    this.throwIfStopped();
    const value = await CancellationScope.nonCancellable(fn);
    this.throwIfStopped();
    return value;
  }

  /** A timer that ends early on a stop request. */
  async sleep(duration: string, summary: string): Promise<void> {
    const ms = toMs(duration);
    if (ms <= 0) return;
    await this.interruptible(() => sleep(ms, { summary }));
  }

  /** Between steps: stop if asked, hold while paused. */
  async checkpoint(): Promise<void> {
    this.throwIfStopped();
    if (!this.paused) return;
    const resumeTo = this.tracker.phase;
    this.tracker.setPhase('paused');
    await this.interruptible(() => condition(() => !this.paused));
    this.tracker.setPhase(resumeTo);
  }

  /** Holds until someone approves, the approval timeout rolls the release back, or a stop arrives. */
  async awaitApproval(gate: string): Promise<void> {
    this.throwIfStopped();
    const resumeTo = this.tracker.phase;
    const open: OpenGate = { gate, since: this.tracker.now(), approvers: [...this.approval.approvers] };
    this.gate = open;
    this.tracker.status.awaitingApproval = { gate: open.gate, since: open.since, approvers: open.approvers };
    this.tracker.setPhase('awaiting-approval');
    this.tracker.event('approval-requested', `awaiting approval: ${gate}`, { gate });
    this.onApprovalRequested?.(gate, open.approvers);
    try {
      const approved = () => open.approvedBy !== undefined;
      const timeout = this.approval.timeout;
      const inTime = await this.interruptible(async () => {
        if (timeout === undefined) {
          await condition(approved);
          return true;
        }
        return condition(approved, toMs(timeout));
      });
      if (!inTime) {
        this.requestStop({ outcome: 'rolled-back', reason: Reason.ApprovalTimedOut, message: `nobody approved "${gate}" within ${timeout}` });
        this.throwIfStopped();
      }
    } finally {
      this.gate = undefined;
      this.tracker.status.awaitingApproval = null;
    }
    this.tracker.setPhase(resumeTo);
  }

  /**
   * Opens the bake: from now until closeBake, an alert for this release rolls it back (when
   * `alerts`), and an approve ends the bake early. Returns "has someone approved?".
   */
  openBake(alerts: boolean): () => boolean {
    const bake: OpenBake = { alerts };
    this.bake = bake;
    return () => bake.approvedBy !== undefined;
  }

  closeBake(): void {
    this.bake = undefined;
  }

  private onAlert(alert: AlertNotice): void {
    const { service, environment } = this.tracker.status;
    const name = alert.alertname || 'unnamed alert';
    const data = { alertname: name, fingerprint: alert.fingerprint, startsAt: alert.startsAt, receivedAt: alert.receivedAt };
    const ignore = (why: string) => this.tracker.event('alert', `alert ${name} ignored: ${why}`, { ...data, action: 'ignored' });
    if (alert.labels.service !== service || alert.labels.environment !== environment) {
      return ignore(`it is for ${alert.labels.service ?? '(no service)'}/${alert.labels.environment ?? '(no environment)'}, not ${service}/${environment}`);
    }
    if (this.stop) return ignore(`already stopping (${this.stop.reason})`);
    if (!this.bake) return ignore(`the release is not baking (phase ${this.tracker.phase})`);
    if (!this.bake.alerts) return ignore('alerts are off for this bake (postPromotion.alerts: false)');
    this.tracker.event('alert', `alert ${name} fired during the bake: rolling back`, { ...data, action: 'rollback' });
    this.requestStop({ outcome: 'rolled-back', reason: Reason.AlertFired, message: `alert ${name} fired during the bake${alert.summary ? `: ${alert.summary}` : ''}` });
  }

  private approvable(): Approvable | undefined {
    if (this.gate) return this.gate.approvedBy === undefined ? { label: this.gate.gate, approvers: this.gate.approvers, target: this.gate } : undefined;
    if (this.bake && this.bake.approvedBy === undefined) return { label: BAKE_GATE, approvers: this.approval.approvers, target: this.bake };
    return undefined;
  }

  /** Whether anything can be approved now (the update's validator; the signal's first check). */
  private approvalProblem(): { type: string; message: string } | undefined {
    if (this.stop) return { type: ErrorType.NotAwaitingApproval, message: `the release is stopping (${this.stop.reason})` };
    if (!this.approvable()) return { type: ErrorType.NotAwaitingApproval, message: `nothing awaits approval (phase ${this.tracker.phase})` };
    return undefined;
  }

  /** The signal's name check, logged as `approval-ignored` as it always was. */
  private nameProblem(by: string): { type: string; message: string } | undefined {
    const { approvers } = this.approvable()!;
    if (approvers.length > 0 && !approvers.includes(by)) {
      return { type: ErrorType.ApproverNotAllowed, message: `${by || 'unknown'} may not approve; approvers: ${approvers.join(', ')}` };
    }
    return undefined;
  }

  /**
   * Approves at once when nothing about the approver needs checking (anyone may approve, nothing
   * signed), or on a replay of a history from before signed approvals, which approved by name
   * alone. Returns undefined when the approval must go through checkedApprove.
   */
  private uncheckedApprove(by: string, token: ApprovalToken | undefined): ApprovalAck | undefined {
    if (!identityMatters(this.approvable()!.approvers, token)) return this.approve(by, 'unverified: anyone may approve', false);
    if (!signedApprovalsPatched()) return this.approve(by);
    return undefined;
  }

  /**
   * The approval behind PATCH_SIGNED_APPROVALS: name and signature checked (src/workflows/approvals.ts),
   * a refusal recorded as `approval-refused` (who, which gate, why; never the token). The check
   * awaits an activity, so the gate is looked at again afterwards: a timeout, a stop or another
   * approve may have closed it meanwhile.
   */
  private async checkedApprove(by: string, token: ApprovalToken | undefined, via: 'approve' | 'approve signal'): Promise<ApprovalOutcome> {
    const open = this.approvable()!;
    const who = by || 'unknown';
    const refuse = (type: string, message: string): ApprovalOutcome => {
      this.tracker.event('approval-refused', `${via} from ${who} for ${open.label} refused: ${message}`, { gate: open.label, by: who, errorType: type, via });
      return { ok: false, type, message };
    };
    const check = await checkIdentity(open.label, open.approvers, by, token);
    if (!check.ok) return refuse(check.type, check.message);
    const now = this.approvable();
    if (this.stop || !now || now.target !== open.target) {
      const message = `${open.label} closed while the approval was checked (phase ${this.tracker.phase})`;
      this.tracker.event('approval-ignored', `${via} from ${who} ignored: ${message}`);
      return { ok: false, type: ErrorType.NotAwaitingApproval, message };
    }
    return { ok: true, ack: this.approve(by, check.verified ? 'verified' : `unverified${check.note ? `: ${check.note}` : ''}`, check.verified) };
  }

  /** Opens what awaits approval. `how` tells the log whether the name was proven; absent on the path histories from before signed approvals replay. */
  private approve(by: string, how?: string, verified?: boolean): ApprovalAck {
    const suffix = how ? ` (${how})` : '';
    const flag = verified === undefined ? {} : { verified };
    if (!this.gate && this.bake) {
      this.bake.approvedBy = by || 'unknown';
      const at = this.tracker.now();
      this.tracker.event('approved', `bake ended early: approved by ${this.bake.approvedBy}${suffix}`, { gate: BAKE_GATE, by: this.bake.approvedBy, ...flag });
      return { gate: BAKE_GATE, approvedBy: this.bake.approvedBy, at, ...flag };
    }
    const gate = this.gate!;
    gate.approvedBy = by || 'unknown';
    const at = this.tracker.now();
    this.tracker.event('approved', `${gate.gate} approved by ${gate.approvedBy}${suffix}`, { gate: gate.gate, by: gate.approvedBy, ...flag });
    return { gate: gate.gate, approvedBy: gate.approvedBy, at, ...flag };
  }
}
