/**
 * The delivery activity: one attempt to send one event to one sink. Temporal's retry policy
 * (src/workflows/notification.ts) repeats it with backoff; every attempt of an event sends the
 * same `webhook-id` (the message's id, decided in workflow code) so a receiver keeps one copy.
 * Secrets are read here, per attempt, from the worker's environment or files; nothing this
 * activity logs or throws contains them (errors name the sink, the status or the socket error).
 */
import { Context } from '@temporalio/activity';
import pino from 'pino';
import { ErrorType, badInput, transient } from '../../domain/errors';
import { sinkName } from '../../domain/notification-events';
import type { DeliverNotificationInput, NotifyPort } from '../../domain/notifications';
import { workflowUiLink } from './payload';
import { sinkAdapter } from './registry';
import { secretReader } from './secrets';
import type { RenderedMessage } from './sink';

export type NotificationOutcome = 'delivered' | 'retrying' | 'failed';

/** Counts attempts for sluice_notifications_total{sink,event,outcome}; the worker wires prom-client behind it. */
export interface NotificationRecorder {
  count(labels: { sink: string; event: string; outcome: NotificationOutcome }): void;
}

export interface NotifyDeps {
  /** Where `{ env: NAME }` secrets are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Temporal Web UI base URL for the release link; without it messages carry no link. */
  uiUrl?: string;
  recorder?: NotificationRecorder;
  logger?: pino.Logger;
  /** One attempt's HTTP budget (connect, send, answer). */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** 408 and 429 say "later"; 5xx may pass; any other answer will not change by retrying. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return 'timed out';
  const code = e.cause?.code ?? e.code;
  // undici's own message can carry the URL (a Slack URL is a secret): say only the socket error.
  return code ? `connection failed (${code})` : 'connection failed';
}

export function createNotifyActivities(deps: NotifyDeps = {}): NotifyPort {
  const logger = deps.logger ?? pino({ name: 'sluice-notify', level: process.env.SLUICE_LOG_LEVEL ?? 'info' });
  const secrets = secretReader(deps.env ?? process.env);
  const timeoutMs = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    async deliverNotification(input: DeliverNotificationInput) {
      const ctx = Context.current();
      const attempt = ctx.info.attempt;
      const { sink, message } = input;
      const name = sinkName(sink);
      const what = `${sink.kind} sink "${name}"`;
      const labels = { sink: name, event: message.event };
      const log = logger.child({
        workflowId: message.workflowId,
        runId: message.runId,
        service: message.service,
        version: message.version,
        sink: name,
        event: message.event,
        webhookId: message.id,
        attempt,
      });
      const rendered: RenderedMessage = { ...message, link: deps.uiUrl ? workflowUiLink(deps.uiUrl, message.namespace, message.workflowId, message.runId) : null };
      try {
        const request = sinkAdapter(sink).request(sink, rendered, secrets, new Date());
        let response: Response;
        try {
          response = await fetch(request.url, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
            redirect: 'manual',
            signal: AbortSignal.any([ctx.cancellationSignal, AbortSignal.timeout(timeoutMs)]),
          });
        } catch (err) {
          if (ctx.cancellationSignal.aborted) throw err;
          throw transient(ErrorType.NotificationUndelivered, `${what}: ${describeFetchError(err)}`);
        }
        await response.body?.cancel(); // the answer's body is not used; free the socket
        if (response.status >= 200 && response.status < 300) {
          deps.recorder?.count({ ...labels, outcome: 'delivered' });
          log.info({ status: response.status }, `notification ${message.event} delivered to ${what}`);
          return { sink: name, status: response.status, attempt };
        }
        if (retryable(response.status)) throw transient(ErrorType.NotificationUndelivered, `${what} answered HTTP ${response.status}`);
        throw badInput(ErrorType.NotificationRejected, `${what} answered HTTP ${response.status}: check its URL and secret`);
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        const nonRetryable = (err as { nonRetryable?: boolean }).nonRetryable === true;
        const final = nonRetryable || attempt >= input.maxAttempts;
        deps.recorder?.count({ ...labels, outcome: final ? 'failed' : 'retrying' });
        const error = (err as Error).message;
        if (final) log.error({ error }, `notification ${message.event} to ${what} failed after ${attempt} attempt(s); the release is unaffected`);
        else log.warn({ error }, `notification ${message.event} to ${what}: attempt ${attempt} failed; retrying`);
        throw err;
      }
    },
  };
}
