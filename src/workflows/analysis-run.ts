/**
 * What the judges' analysis loops (./judge-loops) share: activity proxies with their timeouts,
 * the stop flag that ends every loop as soon as one template decides, waits as workflow timers,
 * and how a failed activity becomes an errored measurement or a template in Error.
 */
import { ActivityFailure, ApplicationFailure, condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { Observation } from '../domain/analysis';
import type { JudgeActivities, MetricsActivities } from '../activities/metrics';
import type { LoadActivities } from '../activities/load';
import type { AnalysisContext, TemplateResult } from './analysis-types';

/** One query: the provider has its own timeout (5 s default); one retry covers a worker crash. */
export const measureActivity: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', maximumAttempts: 2 },
};

/** Judges are pure arithmetic: quick, retried only for infrastructure hiccups. */
export const judgeActivity: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', maximumAttempts: 3 },
};

/** Load runs for the whole analysis; heartbeats every second, so 5 s of silence = dead worker. */
export const loadActivity: ActivityOptions = {
  startToCloseTimeout: '70m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
};

export const metrics = proxyActivities<MetricsActivities>(measureActivity);
/** Every judge's activities (by their registered names) and template validation. */
export const judges = proxyActivities<JudgeActivities & Pick<MetricsActivities, 'validateAnalysis'>>(judgeActivity);
export const load = proxyActivities<LoadActivities>(loadActivity);

export interface RunControl {
  context: AnalysisContext;
  /** Analysis step window in ms, when the parent gave one. */
  windowMs?: number;
  stopped(): boolean;
  /** A measurement completed (records the first one's time). */
  measured(): void;
  /** Publish a template's table so far (status query). */
  publish(result: TemplateResult): void;
}

/** Wait on a timer until `at` (workflow time) or until another template stops the run. */
export async function waitUntil(at: number, run: RunControl): Promise<boolean> {
  if (run.stopped()) return false;
  const ms = at - Date.now();
  if (ms > 0) await condition(() => run.stopped(), ms);
  return !run.stopped();
}

/** A failure no retry fixes (bad template, unsupported query): the template ends in Error. */
export class TemplateConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateConfigError';
  }
}

/**
 * Run a measuring activity; a failed activity is an errored measurement (never a success), except
 * cancellation, which propagates, and non-retryable input errors, which end the template.
 */
export async function guarded<T>(call: () => Promise<T>, onError: (message: string) => T): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isCancellation(err) || err instanceof TemplateConfigError) throw err;
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (cause instanceof ApplicationFailure && cause.nonRetryable) throw new TemplateConfigError(cause.message);
    return onError(cause instanceof Error ? cause.message : String(err));
  }
}

/**
 * Why a template must end in Error (bad template, a judge that rejected its input), or undefined
 * for anything else — cancellation above all, which must propagate.
 */
export function templateFailure(err: unknown): string | undefined {
  if (isCancellation(err)) return undefined;
  if (err instanceof TemplateConfigError) return err.message;
  if (err instanceof ActivityFailure) return `${err.activityType ?? 'activity'} failed: ${err.cause?.message ?? err.message}`;
  return undefined;
}

export function errorObservation(message: string): Observation {
  return { kind: 'error', message };
}
