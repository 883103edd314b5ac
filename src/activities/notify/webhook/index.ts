/**
 * The generic webhook sink: POSTs the event as JSON, signed per Standard Webhooks
 * (standardwebhooks.com): `webhook-id` (stable across retries, so receivers deduplicate),
 * `webhook-timestamp` (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`
 * with the `whsec_` secret. Signing is the `standardwebhooks` library's, not ours.
 */
import { Webhook } from 'standardwebhooks';
import { ErrorType, badInput } from '../../../domain/errors';
import { sinkName } from '../../../domain/notification-events';
import type { WebhookSink } from '../../../domain/notifications';
import { eventPayload } from '../payload';
import type { SinkAdapter } from '../sink';

function signer(secret: string, what: string): Webhook {
  if (!secret.startsWith('whsec_')) throw badInput(ErrorType.NotificationSecretUnavailable, `${what}: the signing secret must start with whsec_ (Standard Webhooks)`);
  try {
    return new Webhook(secret);
  } catch {
    throw badInput(ErrorType.NotificationSecretUnavailable, `${what}: the signing secret is not whsec_ followed by base64`);
  }
}

export const webhookSink: SinkAdapter<WebhookSink> = {
  kind: 'webhook',
  request(sink, message, secret, now) {
    const what = `webhook sink "${sinkName(sink)}"`;
    const url = typeof sink.url === 'string' ? sink.url : secret(sink.url, `${what} url`);
    const key = signer(secret(sink.secret, `${what} secret`), what);
    const body = JSON.stringify(eventPayload(message));
    return {
      url,
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': key.sign(message.id, now, body),
      },
    };
  },
};
