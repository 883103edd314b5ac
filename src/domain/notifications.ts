/**
 * Release notifications as data: the sinks a spec names (validated here, at the edge), the
 * message the workflow hands to delivery, and the delivery port. The events and which sinks take
 * them are in ./notification-events. The adapters live in src/activities/notify/<kind>/; the
 * workflow side in src/workflows/notify.ts.
 *
 * Secrets never appear in this data: a spec names where the worker finds them (`{ env: NAME }`
 * or `{ file: path }`), and the delivery activity reads them when it sends, so workflow history,
 * memos and events only ever hold the reference.
 */
import { z } from 'zod';
import { NOTIFICATION_EVENTS, sinkName, type NotificationEventType } from './notification-events';

/** Which events a sink takes; the names themselves live in ./notification-events (no schema there, for the workflows). */
const NotificationEventName = z.enum(NOTIFICATION_EVENTS);

/** POSIX-ish environment variable name: what a shell can export. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where the worker reads a secret when it delivers: an environment variable or a file (trailing newline trimmed). */
export const SecretRef = z.union(
  [
    z.strictObject({ env: z.string().regex(ENV_NAME, 'must be an environment variable name such as SLUICE_WEBHOOK_SECRET') }),
    z.strictObject({ file: z.string().min(1, 'must be a file path') }),
  ],
  { error: 'must be { env: NAME } or { file: path }: secrets are read by the worker, never written in the spec' },
);
export type SecretRef = z.infer<typeof SecretRef>;

const HttpUrl = z
  .string()
  .url('must be an http(s) URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
  // user:password@ in a literal URL would be written to workflow history.
  .refine((u) => !/^https?:\/\/[^/?#]*@/i.test(u), 'must not carry credentials: use { env: NAME } or { file: path } for a URL with a secret in it');

/** A sink's name: the `sink` label of sluice_notifications_total and the name in log lines. */
const SinkName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and dashes');

const SinkCommon = {
  /** Default: the kind. Two sinks of one kind need names. */
  name: SinkName.optional(),
  /** Only these events; default every event. */
  events: z.array(NotificationEventName).min(1, 'lists at least one event (leave it out for every event)').optional(),
};

/** A generic webhook, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). */
export const WebhookSink = z.strictObject({
  kind: z.literal('webhook'),
  ...SinkCommon,
  /** Where to POST; a secret reference when the URL itself carries a token. */
  url: z.union([HttpUrl, SecretRef]),
  /** The signing secret, `whsec_` + base64, as Standard Webhooks defines it. */
  secret: SecretRef,
});
export type WebhookSink = z.infer<typeof WebhookSink>;

/** A Slack-compatible incoming webhook. Its URL is the credential, so it is only ever a reference. */
export const SlackSink = z.strictObject({
  kind: z.literal('slack'),
  ...SinkCommon,
  url: SecretRef,
});
export type SlackSink = z.infer<typeof SlackSink>;

export const NotificationSink = z.discriminatedUnion('kind', [WebhookSink, SlackSink]);
export type NotificationSink = z.infer<typeof NotificationSink>;
export type NotificationSinkKind = NotificationSink['kind'];

export const Notifications = z.array(NotificationSink).superRefine((sinks, ctx) => {
  const seen = new Map<string, number>();
  sinks.forEach((sink, i) => {
    const name = sinkName(sink);
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `sink name "${name}" is also used by notifications[${first}]: give each sink its own name` });
  });
});

/**
 * One event of one release or drill, as the workflow decides it (workflow time, deterministic). The
 * delivery activity adds the Web UI link (the worker knows the UI's address) and renders it per
 * sink kind. `id` is the Standard Webhooks `webhook-id`: the same on every retry of the event.
 */
export interface NotificationMessage {
  id: string;
  event: NotificationEventType;
  /** ISO 8601, workflow time of the event. */
  at: string;
  service: string;
  environment: string;
  strategy: string;
  version: string | null;
  previousVersion: string | null;
  /** A sentence for people. */
  message: string;
  /** Final events: the outcome and its Reason; rolled-back also time to detect and to restore. */
  outcome?: string;
  reason?: string;
  errorType?: string;
  timeToDetectMs?: number | null;
  timeToRestoreMs?: number | null;
  /** Drill events: the drill's kind and its budget for detection plus restore. */
  drillKind?: string;
  budgetMs?: number;
  /** awaiting-approval: what waits, and who may approve (empty = anyone). */
  gate?: string;
  approvers?: string[];
  /** The release (or drill) workflow, for the Web UI link. */
  workflowId: string;
  runId: string;
  namespace: string;
}

export interface DeliverNotificationInput {
  sink: NotificationSink;
  message: NotificationMessage;
  /** The retry policy's maximumAttempts: the last attempt counts a failure as final. */
  maxAttempts: number;
}

export interface DeliveryReceipt {
  sink: string;
  status: number;
  attempt: number;
}

/** The delivery activity (src/activities/notify). */
export interface NotifyPort {
  deliverNotification(input: DeliverNotificationInput): Promise<DeliveryReceipt>;
}
