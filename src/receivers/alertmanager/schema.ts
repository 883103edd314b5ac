/**
 * Alertmanager's webhook body, version 4 (alertmanager/notify/webhook: Message embedding
 * template.Data). Validated here, at the edge: anything else is a 400 and changes nothing.
 * Unknown fields are kept out of the result but allowed, so a newer Alertmanager adding one does
 * not break delivery; the version must be "4".
 */
import { z } from 'zod';

const Labels = z.record(z.string(), z.string());

export const WebhookAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: z.string().min(1),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
});
export type WebhookAlert = z.infer<typeof WebhookAlert>;

export const WebhookPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: Labels.default({}),
  commonLabels: Labels.default({}),
  commonAnnotations: Labels.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(WebhookAlert),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
