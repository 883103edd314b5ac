import { Context } from '@temporalio/activity';

/**
 * The same target code runs inside activities (worker) and outside them (tests, benchmarks,
 * scripts), so the activity context is optional here.
 */
export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function heartbeatIfActivity(details?: unknown): void {
  currentActivity()?.heartbeat(details);
}

export function workflowIdOrDefault(explicit?: string): string {
  return explicit ?? currentActivity()?.info.workflowExecution?.workflowId ?? 'manual';
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How often a running step tells Temporal that its worker is alive. */
const LIVENESS_HEARTBEAT_MS = 1000;

/**
 * Wraps each activity so that it heartbeats every second while it runs, when it runs as a regular
 * activity with a heartbeat timeout. A worker killed mid-step is then noticed within that timeout
 * and the step runs again on another worker (every step is idempotent), instead of after its
 * whole start-to-close timeout. Local activities cannot heartbeat, and one without a heartbeat
 * timeout has nobody listening. The beats carry no details: these steps keep none to resume from.
 */
export function heartbeatWhileRunning<T extends object>(activities: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    const run = fn as (...args: unknown[]) => Promise<unknown>;
    out[name] = async (...args: unknown[]) => {
      const activity = currentActivity();
      if (!activity || activity.info.isLocal || !activity.info.heartbeatTimeoutMs) return run(...args);
      const ticker = setInterval(() => activity.heartbeat(), LIVENESS_HEARTBEAT_MS);
      try {
        return await run(...args);
      } finally {
        clearInterval(ticker);
      }
    };
  }
  return out as T;
}
