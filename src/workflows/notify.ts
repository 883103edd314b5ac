/**
 * The release's side of notifications: turns a release event into one abandoned child workflow
 * (notifyWorkflow, id = the event's id = its `webhook-id`), so delivery runs beside the release
 * and outlives it, and a dead sink never delays or fails it.
 *
 * Determinism: the event id comes from the workflow id, the run id and the event's sequence
 * number, never from a clock or randomness, so every retry and every replay sends the same
 * `webhook-id`. A release without sinks calls nothing here that records a command (not even
 * `patched`), so it and every history recorded before notifications replay unchanged.
 */
import { CancellationScope, ChildWorkflowCancellationType, ParentClosePolicy, log, patched, startChild, workflowInfo } from '@temporalio/workflow';
import { sinkWants, type NotificationEventType } from '../domain/notification-events';
import type { NotificationMessage, NotificationSink } from '../domain/notifications';
import type { ReleaseSpec } from '../domain/spec';
import type { DeploymentResult, Outcome } from '../domain/status';
import { notifyWorkflow } from './notification';
import { describeError } from './saga';
import type { Tracker } from './tracker';

export const PATCH_NOTIFICATIONS = 'notifications';

const FINAL_EVENT: Record<Outcome, NotificationEventType> = {
  promoted: 'promoted',
  'rolled-back': 'rolled-back',
  aborted: 'aborted',
  failed: 'failed',
};

/** The event's id: its child workflow id and its Standard Webhooks `webhook-id`. */
export function notificationId(workflowId: string, runId: string, sequence: number, event: NotificationEventType): string {
  return `${workflowId}/notify/${runId}/${sequence}-${event}`;
}

type EventDetails = Pick<NotificationMessage, 'message'> &
  Partial<Pick<NotificationMessage, 'outcome' | 'reason' | 'errorType' | 'timeToDetectMs' | 'timeToRestoreMs' | 'gate' | 'approvers'>>;

export class Notifier {
  private readonly sinks: NotificationSink[];
  private readonly enabled: boolean;
  private readonly starts: Promise<void>[] = [];
  private sequence = 0;

  constructor(
    spec: Pick<ReleaseSpec, 'service' | 'environment' | 'strategy'> & { notifications?: NotificationSink[] },
    private readonly tracker: Tracker,
  ) {
    // Specs from before notifications existed have no such field (replayed histories).
    this.sinks = spec.notifications ?? [];
    this.enabled = this.sinks.length > 0 && patched(PATCH_NOTIFICATIONS);
  }

  /** Starts delivery of `event` to the sinks that want it; returns at once (see settle). */
  notify(event: NotificationEventType, details: EventDetails): void {
    if (!this.enabled) return;
    const sinks = this.sinks.filter((s) => sinkWants(s, event));
    if (sinks.length === 0) return;
    const info = workflowInfo();
    const status = this.tracker.status;
    const id = notificationId(info.workflowId, info.runId, ++this.sequence, event);
    const message: NotificationMessage = {
      id,
      event,
      at: this.tracker.now(),
      service: status.service,
      environment: status.environment,
      strategy: status.strategy,
      version: status.release?.version ?? null,
      previousVersion: status.previous?.version ?? null,
      workflowId: info.workflowId,
      runId: info.runId,
      namespace: info.namespace,
      ...details,
    };
    this.starts.push(
      startNotification(message, sinks, (error) => {
        log.warn('notification could not start', { event, id, error });
        this.tracker.event('info', `notification ${event} could not start: ${error}`);
      }),
    );
  }

  awaitingApproval(gate: string, approvers: readonly string[]): void {
    this.notify('awaiting-approval', { message: `awaiting approval: ${gate}`, gate, approvers: [...approvers] });
  }

  /** The release's last event, from its result. */
  finished(result: DeploymentResult): void {
    this.notify(FINAL_EVENT[result.outcome], {
      message: result.message,
      outcome: result.outcome,
      reason: result.reason,
      ...(result.errorType ? { errorType: result.errorType } : {}),
      ...(result.outcome === 'promoted' ? {} : { timeToDetectMs: result.timeToDetectMs, timeToRestoreMs: result.timeToRollbackMs }),
    });
  }

  /**
   * Waits until every child has started (not finished): a workflow that completed with a child
   * start still pending could lose it. One round trip to the server, never a delivery.
   */
  async settle(): Promise<void> {
    if (this.starts.length === 0) return;
    await CancellationScope.nonCancellable(() => Promise.all(this.starts));
  }
}

/**
 * Starts the delivery child of one event (its workflow id is the event id) and resolves once it
 * has started; `failed` hears why it could not. Shared by releases and drills (drill-notify.ts).
 * Non-cancellable: a cancelled release or drill still announces how it ended, and cancelling it
 * never reaches a delivery already under way (ABANDON both ways).
 */
export function startNotification(message: NotificationMessage, sinks: NotificationSink[], failed: (error: string) => void): Promise<void> {
  const started = CancellationScope.nonCancellable(() =>
    startChild(notifyWorkflow, {
      workflowId: message.id,
      args: [{ message, sinks }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      staticSummary: `notify ${message.event}: ${sinks.map((s) => s.name ?? s.kind).join(', ')}`,
    }),
  );
  return started.then(
    () => undefined,
    (err: unknown) => failed(describeError(err)),
  );
}
