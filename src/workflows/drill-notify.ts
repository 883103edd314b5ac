/**
 * The drill's side of notifications (docs/notifications.md, docs/drills.md): `drill.started` once
 * the drill knows the live version it will break or move, and `drill.passed`, `drill.failed` or
 * `drill.aborted` with its result, to the sinks of the drill's spec, through the same abandoned
 * notifyWorkflow child per event and the same webhook-id rule as a release
 * (`drill/<service>/<env>…/notify/<run>/<n>-drill.passed`).
 *
 * A drill whose spec has no sinks calls nothing here that records a command (not even
 * `patched`), so its history is the one it had before drill notifications existed.
 */
import { CancellationScope, log, patched, workflowInfo } from '@temporalio/workflow';
import type { DrillKind, DrillResult } from '../domain/drill';
import { sinkWants, type DrillEventType } from '../domain/notification-events';
import type { NotificationMessage, NotificationSink } from '../domain/notifications';
import type { Release } from '../domain/release';
import type { ReleaseSpec } from '../domain/spec';
import { notificationId, startNotification } from './notify';

export const PATCH_DRILL_NOTIFICATIONS = 'drill-notifications';

/** The outcomes of a drill that ran; a skipped scheduled run never started one and announces nothing. */
const FINAL_EVENT: Record<Exclude<DrillResult['outcome'], 'skipped'>, DrillEventType> = {
  passed: 'drill.passed',
  failed: 'drill.failed',
  aborted: 'drill.aborted',
};

export class DrillNotifier {
  private readonly sinks: NotificationSink[];
  private readonly enabled: boolean;
  private readonly starts: Promise<void>[] = [];
  private sequence = 0;

  constructor(
    private readonly spec: Pick<ReleaseSpec, 'service' | 'environment' | 'strategy'> & { notifications?: NotificationSink[] },
    private readonly kind: DrillKind,
    private readonly budgetMs: number,
  ) {
    this.sinks = spec.notifications ?? [];
    this.enabled = this.sinks.length > 0 && patched(PATCH_DRILL_NOTIFICATIONS);
  }

  started(live: Release): void {
    this.notify('drill.started', live, { message: `${this.kind} drill of ${this.spec.service} ${live.version} started in ${this.spec.environment}` });
  }

  finished(result: DrillResult): void {
    if (result.outcome === 'skipped') return;
    this.notify(FINAL_EVENT[result.outcome], result.live, {
      message: result.message,
      outcome: result.outcome,
      reason: result.reason,
      timeToDetectMs: result.timeToDetectMs,
      timeToRestoreMs: result.timeToRestoreMs,
    });
  }

  /** Waits until every delivery child has started (never for delivery); see Notifier.settle. */
  async settle(): Promise<void> {
    if (this.starts.length === 0) return;
    await CancellationScope.nonCancellable(() => Promise.all(this.starts));
  }

  private notify(event: DrillEventType, live: Release | null, details: Pick<NotificationMessage, 'message'> & Partial<NotificationMessage>): void {
    if (!this.enabled) return;
    const sinks = this.sinks.filter((s) => sinkWants(s, event));
    if (sinks.length === 0) return;
    const info = workflowInfo();
    const id = notificationId(info.workflowId, info.runId, ++this.sequence, event);
    const message: NotificationMessage = {
      id,
      event,
      at: new Date(Date.now()).toISOString(),
      service: this.spec.service,
      environment: this.spec.environment,
      strategy: this.spec.strategy.kind,
      version: live?.version ?? null,
      previousVersion: null,
      drillKind: this.kind,
      budgetMs: this.budgetMs,
      workflowId: info.workflowId,
      runId: info.runId,
      namespace: info.namespace,
      ...details,
    };
    this.starts.push(startNotification(message, sinks, (error) => log.warn('drill notification could not start', { event, id, error })));
  }
}
