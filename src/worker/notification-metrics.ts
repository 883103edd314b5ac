/**
 * sluice_notifications_total{sink,event,outcome}: every delivery attempt, counted on the worker's
 * registry. outcome is `delivered`, `retrying` (an attempt failed, another follows) or `failed`
 * (the last attempt failed, or the sink refused for good): one logical delivery ends in exactly
 * one `delivered` or one `failed`, whatever the retries.
 */
import { Counter, type Registry } from 'prom-client';
import type { NotificationRecorder } from '../activities/notify';

export const NOTIFICATIONS_TOTAL = 'sluice_notifications_total';

export function createNotificationMetrics(registry: Registry): NotificationRecorder & { counter: Counter<'sink' | 'event' | 'outcome'> } {
  // One counter per registry: tests and restarts may build the activities twice on one registry.
  const existing = registry.getSingleMetric(NOTIFICATIONS_TOTAL) as Counter<'sink' | 'event' | 'outcome'> | undefined;
  const counter =
    existing ??
    new Counter({
      name: NOTIFICATIONS_TOTAL,
      help: 'Notification delivery attempts by sink, release event and outcome (delivered, retrying, failed).',
      labelNames: ['sink', 'event', 'outcome'],
      registers: [registry],
    });
  return { counter, count: (labels) => counter.inc(labels) };
}
