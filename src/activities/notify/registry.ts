import type { NotificationSink, NotificationSinkKind } from '../../domain/notifications';
import type { SinkAdapter } from './sink';
import { slackSink } from './slack';
import { webhookSink } from './webhook';

/**
 * Every notification sink, by kind: one folder per sink under src/activities/notify. The mapped
 * type makes a sink kind the spec accepts (src/domain/notifications.ts) without an adapter a
 * compile error, and an adapter whose kind the spec does not know one too.
 */
export const SINKS: { readonly [K in NotificationSinkKind]: SinkAdapter<Extract<NotificationSink, { kind: K }>> } = {
  webhook: webhookSink,
  slack: slackSink,
};

export function sinkAdapter<S extends NotificationSink>(sink: S): SinkAdapter<S> {
  return SINKS[sink.kind] as unknown as SinkAdapter<S>;
}
