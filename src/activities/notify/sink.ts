import type { NotificationMessage, NotificationSink, SecretRef } from '../../domain/notifications';

/**
 * One interface per extension point: a notification sink turns one release event into one HTTP
 * POST. Delivery (timeouts, retries, counting) is the activity's business
 * (src/activities/notify/index.ts), so an adapter only renders and, if its kind signs, signs.
 */
export interface SinkRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A message with what the worker adds to the workflow's data: the Web UI link of the release. */
export interface RenderedMessage extends NotificationMessage {
  link: string | null;
}

/** Reads a secret reference at delivery time (src/activities/notify/secrets.ts). */
export type SecretReader = (ref: SecretRef, what: string) => string;

export interface SinkAdapter<S extends NotificationSink = NotificationSink> {
  readonly kind: S['kind'];
  /** The request for one attempt; `now` is the attempt's time (a signature covers it). */
  request(sink: S, message: RenderedMessage, secret: SecretReader, now: Date): SinkRequest;
}
