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
