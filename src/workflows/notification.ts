/**
 * notifyWorkflow: delivers one release event to its sinks. A release starts one per event as an
 * abandoned child (src/workflows/notify.ts), so it neither waits for delivery nor fails with it.
 * Each sink gets its own activity, in parallel, retried with exponential backoff within a bounded
 * time; a sink that never answers ends this workflow failed (SluiceNotificationFailed), visible
 * in the Web UI and in sluice_notifications_total{outcome="failed"}, and nothing else.
 */
import { ApplicationFailure, log, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { ErrorType } from '../domain/errors';
import { sinkName } from '../domain/notification-events';
import type { DeliveryReceipt, NotificationMessage, NotificationSink, NotifyPort } from '../domain/notifications';
import { describeError } from './saga';
import { withSummary } from './activities';

/** 1 s, 2 s, 4 s, 8 s between five attempts: a restarting receiver is waited for, a dead one given up in well under two minutes. */
export const NOTIFICATION_ATTEMPTS = 5;
export const notificationActivity: ActivityOptions = {
  startToCloseTimeout: '15s',
  // Bounds the whole delivery of one event to one sink, retries included.
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: NOTIFICATION_ATTEMPTS },
};

const { deliverNotification } = proxyActivities<NotifyPort>(notificationActivity);

export interface NotifyInput {
  message: NotificationMessage;
  sinks: NotificationSink[];
}

export interface NotifyResult {
  delivered: DeliveryReceipt[];
  failed: { sink: string; error: string }[];
}

export async function notifyWorkflow(input: NotifyInput): Promise<NotifyResult> {
  const { message, sinks } = input;
  const settled = await Promise.allSettled(
    sinks.map((sink) =>
      withSummary(deliverNotification, notificationActivity, `deliver ${message.event} to ${sinkName(sink)}`, { sink, message, maxAttempts: NOTIFICATION_ATTEMPTS }),
    ),
  );
  const result: NotifyResult = { delivered: [], failed: [] };
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') result.delivered.push(s.value);
    else result.failed.push({ sink: sinkName(sinks[i]!), error: describeError(s.reason) });
  });
  if (result.failed.length > 0) {
    const summary = result.failed.map((f) => `${f.sink}: ${f.error}`).join('; ');
    log.warn('notification not delivered', { event: message.event, webhookId: message.id, failed: result.failed });
    throw ApplicationFailure.create({ type: ErrorType.NotificationFailed, message: `${message.event} not delivered to ${summary}`, nonRetryable: true, details: [result] });
  }
  return result;
}
