/**
 * What the analysis loops share: activity proxies with their timeouts, the stop flag that ends
 * every loop as soon as one template decides, waits as workflow timers, and the decision rules.
 */
import { ActivityFailure, ApplicationFailure, condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { AnalysisPhase, AnalysisTemplate, InconclusivePolicy, MannWhitneyJudgeConfig, Observation, SequentialJudgeConfig, ThresholdJudgeConfig } from '../domain/analysis';
import { toMs } from '../domain/duration';
import type { MetricsActivities } from '../activities/metrics';
import type { LoadActivities } from '../activities/load';
import type { AnalysisContext, AnalysisDecision, TemplateResult } from './analysis-types';

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
export const judges = proxyActivities<Pick<MetricsActivities, 'judgeThresholdLook' | 'judgeKayentaWindow' | 'judgeSequentialLook' | 'validateAnalysis'>>(judgeActivity);
export const load = proxyActivities<LoadActivities>(loadActivity);

/** Sluice-side limit on provider outages for the sequential judge (Argo's consecutiveErrorLimit default). */
export const SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT = 4;

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

/**
 * Phase → what the parent does. Inconclusive follows the template's policy. Error (the
 * measurements themselves failed, e.g. Prometheus down) follows it too, but never promotes:
 * an analysis that could not measure has shown nothing.
 */
export function decisionFor(phase: AnalysisPhase, policy: InconclusivePolicy): AnalysisDecision {
  switch (phase) {
    case 'Successful':
      return 'promote';
    case 'Failed':
      return 'rollback';
    case 'Inconclusive':
      return policy === 'pass' ? 'promote' : policy === 'rollback' ? 'rollback' : 'pause';
    case 'Error':
      return policy === 'rollback' ? 'rollback' : 'pause';
    case 'Pending':
    case 'Running':
      // Only a stopped loop ends while running; nothing was shown, so ask a human.
      return policy === 'rollback' ? 'rollback' : 'pause';
    default: {
      const unhandled: never = phase;
      throw new Error(`unhandled phase ${String(unhandled)}`);
    }
  }
}

const SEVERITY: Record<AnalysisPhase, number> = { Successful: 0, Pending: 1, Running: 1, Inconclusive: 2, Error: 3, Failed: 4 };
const DECISION_SEVERITY: Record<AnalysisDecision, number> = { promote: 0, pause: 1, rollback: 2 };

export function combine(results: readonly TemplateResult[]): { phase: AnalysisPhase; decision: AnalysisDecision; reason: string } {
  if (results.length === 0) return { phase: 'Error', decision: 'pause', reason: 'no analysis template ran' };
  let worst = results[0]!;
  let decision: AnalysisDecision = 'promote';
  for (const r of results) {
    if (SEVERITY[r.phase] > SEVERITY[worst.phase]) worst = r;
    if (DECISION_SEVERITY[r.decision] > DECISION_SEVERITY[decision]) decision = r.decision;
  }
  const phase: AnalysisPhase = worst.phase === 'Pending' || worst.phase === 'Running' ? 'Inconclusive' : worst.phase;
  const reason = phase === 'Successful' ? 'all templates successful' : `template "${worst.name}": ${worst.reason}`;
  return { phase, decision, reason };
}

export function isDone(phase: AnalysisPhase): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Inconclusive' || phase === 'Error';
}

/** Load keeps going a little past the expected end, then the workflow cancels it anyway. */
const LOAD_MARGIN_MS = 30_000;
const LOAD_MAX_MS = 60 * 60 * 1000;

/** How long the analysis can run at most, to bound the load generator. */
export function expectedDurationMs(templates: readonly AnalysisTemplate[], windowMs?: number): number {
  let longest = 0;
  for (const t of templates) {
    const j = t.judge as ThresholdJudgeConfig | MannWhitneyJudgeConfig | SequentialJudgeConfig;
    if (j.kind === 'threshold') {
      for (const m of j.metrics) {
        const delay = m.initialDelay ? toMs(m.initialDelay) : 0;
        const counted = m.count !== undefined ? delay + (m.count + m.consecutiveErrorLimit + 1) * toMs(m.interval) : 0;
        longest = Math.max(longest, counted, windowMs ?? 0);
      }
    } else if (j.kind === 'mann-whitney') {
      longest = Math.max(longest, windowMs ?? toMs(j.window));
    } else {
      longest = Math.max(longest, toMs(j.maxDuration) + toMs(j.interval));
    }
  }
  return Math.min(LOAD_MAX_MS, longest + LOAD_MARGIN_MS);
}
