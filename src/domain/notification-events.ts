/**
 * The events a release or a drill notifies about, and which sinks take one: plain data and
 * functions without schemas. Workflow code uses them, and every module a workflow imports is
 * evaluated again for each workflow the worker creates, so the sink schemas (zod) stay in
 * ./notifications, which the workflows import types from only.
 */
export const RELEASE_EVENTS = ['started', 'awaiting-approval', 'promoted', 'rolled-back', 'aborted', 'failed'] as const;
/**
 * A rollback drill's events (docs/drills.md). Named apart from the release's (`drill.failed`, not
 * `failed`) so a sink's `events` filter and a receiver tell a rehearsal from a real release.
 */
export const DRILL_EVENTS = ['drill.started', 'drill.passed', 'drill.failed', 'drill.aborted'] as const;
export type DrillEventType = (typeof DRILL_EVENTS)[number];
export const NOTIFICATION_EVENTS = [...RELEASE_EVENTS, ...DRILL_EVENTS] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];

/** A sink's name in metrics and logs: its own, or its kind's. */
export function sinkName(sink: { kind: string; name?: string | undefined }): string {
  return sink.name ?? sink.kind;
}

/** Whether a sink takes an event: every event unless its spec lists some. */
export function sinkWants(sink: { events?: readonly NotificationEventType[] | undefined }, event: NotificationEventType): boolean {
  return sink.events === undefined || sink.events.includes(event);
}

export function isDrillEvent(event: NotificationEventType): event is DrillEventType {
  return event.startsWith('drill.');
}
