/**
 * What the receiver does with one webhook: for each firing alert that names a service and an
 * environment, signal that release if it is baking with alerts on; everything else is answered
 * with why nothing happened. Resolved alerts never roll anything back.
 */
import type { AlertNotice } from '../../domain/alerts';
import { deployWorkflowId } from '../../workflows/ids';
import type { ReleasePort } from './releases';
import type { WebhookAlert, WebhookPayload } from './schema';

export type AlertAction = 'signalled' | 'resolved-ignored' | 'missing-labels' | 'no-running-release' | 'not-baking' | 'alerts-off' | 'error';

export interface AlertOutcome {
  alertname: string;
  fingerprint: string;
  service?: string;
  environment?: string;
  action: AlertAction;
  /** For people: the phase found, or the error. */
  detail?: string;
  workflowId?: string;
}

/** What the workflow gets: the labels that identify the alert and when it fired; never the whole annotation set. */
export function toNotice(alert: WebhookAlert, receivedAt: Date): AlertNotice {
  const summary = alert.annotations.summary;
  return {
    alertname: alert.labels.alertname ?? '',
    fingerprint: alert.fingerprint,
    labels: { ...alert.labels },
    startsAt: alert.startsAt,
    ...(summary ? { summary } : {}),
    receivedAt: receivedAt.toISOString(),
  };
}

export async function deliver(payload: WebhookPayload, releases: ReleasePort, now: () => Date = () => new Date()): Promise<AlertOutcome[]> {
  const outcomes: AlertOutcome[] = [];
  for (const alert of payload.alerts) {
    const { service, environment } = alert.labels;
    const base = {
      alertname: alert.labels.alertname ?? '',
      fingerprint: alert.fingerprint,
      ...(service ? { service } : {}),
      ...(environment ? { environment } : {}),
    };
    if (alert.status !== 'firing') {
      outcomes.push({ ...base, action: 'resolved-ignored' });
      continue;
    }
    if (!service || !environment) {
      outcomes.push({ ...base, action: 'missing-labels', detail: 'needs service and environment labels' });
      continue;
    }
    const workflowId = deployWorkflowId(service, environment);
    try {
      const found = await releases.lookup(service, environment);
      if (found.kind === 'none') {
        outcomes.push({ ...base, workflowId, action: 'no-running-release' });
      } else if (found.kind === 'unanswered') {
        // No worker answers (they may all be restarting): visibility's phase decides, and the
        // signal waits in the history for the next worker, which checks the bake again.
        if (found.phase === 'baking') {
          await releases.signalAlert(service, environment, found.runId, toNotice(alert, now()));
          outcomes.push({ ...base, workflowId, action: 'signalled', detail: `status query unanswered (${found.error}); phase baking in visibility` });
        } else {
          outcomes.push({ ...base, workflowId, action: 'error', detail: `status query unanswered (${found.error}); phase ${found.phase ?? 'unknown'} in visibility` });
        }
      } else if (!found.bake) {
        outcomes.push({ ...base, workflowId, action: 'not-baking', detail: `phase ${found.phase}` });
      } else if (!found.bake.alerts) {
        outcomes.push({ ...base, workflowId, action: 'alerts-off', detail: 'postPromotion.alerts is false' });
      } else {
        await releases.signalAlert(service, environment, found.runId, toNotice(alert, now()));
        outcomes.push({ ...base, workflowId, action: 'signalled' });
      }
    } catch (err) {
      outcomes.push({ ...base, workflowId, action: 'error', detail: err instanceof Error ? err.message : String(err) });
    }
  }
  return outcomes;
}
