import { asyncLocalStorage, type Context } from '@temporalio/activity';
import pino from 'pino';

/** The part of a pino logger the activities use; tests may pass pino with a custom destination. */
export type Logger = Pick<pino.Logger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

export function defaultLogger(name: string): Logger {
  return pino({ name, base: undefined });
}

/** The running activity, or undefined when the function is called directly (tests, CLI). */
export function currentActivity(): Context | undefined {
  return asyncLocalStorage.getStore();
}

/** A child logger carrying the workflow and activity ids when running inside an activity. */
export function activityLogger(base: Logger, fields: Record<string, unknown>): Logger {
  const ctx = currentActivity();
  const info = ctx?.info;
  return base.child({
    ...(info ? { workflowId: info.workflowExecution?.workflowId, runId: info.workflowExecution?.runId, activity: info.activityType, attempt: info.attempt } : {}),
    ...fields,
  });
}

/**
 * Heartbeats at most once per interval; Docker streams emit hundreds of lines a second and
 * every heartbeat is a server round trip.
 */
export function throttledHeartbeat(intervalMs = 2000): (details: unknown) => void {
  let last = 0;
  return (details) => {
    const ctx = currentActivity();
    if (!ctx) return;
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    ctx.heartbeat(details);
  };
}

/**
 * Heartbeats every intervalMs until stopped, for steps that print nothing for a long time
 * (a `RUN go build` layer, a big layer upload); details() gives the latest progress.
 */
export function keepAlive(details: () => unknown, intervalMs = 5000): () => void {
  const ctx = currentActivity();
  if (!ctx) return () => undefined;
  const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
  return () => clearInterval(timer);
}

export function cancellationSignal(): AbortSignal | undefined {
  return currentActivity()?.cancellationSignal;
}

/** One line of Docker's JSON progress stream (build, push, import all use this shape). */
export interface DockerStreamEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: Record<string, unknown>;
}

/**
 * Reads a Docker JSON-lines stream to its end, calling onEvent per line. Resolves with all
 * events; an `error` line does not reject (callers decide what a failure means), a broken
 * connection does.
 */
export function followDockerStream(stream: NodeJS.ReadableStream, onEvent: (e: DockerStreamEvent) => void): Promise<DockerStreamEvent[]> {
  return new Promise((resolve, reject) => {
    const events: DockerStreamEvent[] = [];
    let buf = '';
    const handle = (line: string) => {
      const trimmed = line.trim();
      if (!trimmed) return;
      let event: DockerStreamEvent;
      try {
        event = JSON.parse(trimmed) as DockerStreamEvent;
      } catch {
        event = { stream: trimmed };
      }
      events.push(event);
      onEvent(event);
    };
    stream.on('data', (chunk: Buffer | string) => {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        handle(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    stream.once('error', reject);
    stream.once('end', () => {
      handle(buf);
      resolve(events);
    });
  });
}

export function streamError(events: readonly DockerStreamEvent[]): string | undefined {
  const bad = events.find((e) => e.error || e.errorDetail);
  return bad ? (bad.errorDetail?.message ?? bad.error) : undefined;
}
