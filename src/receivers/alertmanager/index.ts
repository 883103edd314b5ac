/** The Alertmanager webhook receiver: a Temporal client that turns firing alerts into `alert` signals for baking releases. */
export { authorized, type ReceiverCredentials } from './auth';
export { deliver, toNotice, type AlertAction, type AlertOutcome } from './deliver';
export { temporalReleases, type ReleaseLookup, type ReleasePort } from './releases';
export { WebhookAlert, WebhookPayload } from './schema';
export { createReceiver, HEALTH_BODY, listen, WEBHOOK_PATH, type ReceiverOptions } from './server';
