/**
 * Threshold (Argo Rollouts) templates: every metric measured `interval` apart (after an optional
 * `initialDelay`), each measurement its own activity, each look folded by the judge activity,
 * until every metric has its `count` — or at once when one fails, when the limits say so, or when
 * another template decides. Metrics without `count` run until the analysis step's window ends.
 */
import type { AnalysisTemplate, Observation, ThresholdJudgeConfig } from '../../domain/analysis';
import { toMs } from '../../domain/duration';
import type { ThresholdLookResult } from '../../activities/metrics';
import type { TemplateResult } from '../analysis-types';
import { ANALYSIS_REASON } from '../analysis-types';
import { errorObservation, guarded, templateFailure, judgeActivity, judges, measureActivity, metrics, waitUntil } from '../analysis-run';
import { withSummary } from '../activities';
import { decisionFor, isDone } from '../analysis-decision';
import type { RunControl } from '../analysis-run';
import type { JudgeLoop } from './loop';

type ThresholdTemplate = AnalysisTemplate & { judge: ThresholdJudgeConfig };

function toResult(t: ThresholdTemplate, look: ThresholdLookResult | undefined, override?: Pick<TemplateResult, 'phase' | 'reason'>): TemplateResult {
  const phase = override?.phase ?? look?.phase ?? 'Pending';
  const tables = look?.metrics ?? t.judge.metrics.map((m) => ({ name: m.name, phase: 'Pending' as const, reason: 'no measurement yet', measurements: [] }));
  return {
    name: t.name,
    judge: 'threshold',
    phase,
    decision: decisionFor(phase, t.inconclusivePolicy),
    reason: override?.reason ?? look?.reason ?? 'no measurement yet',
    inconclusivePolicy: t.inconclusivePolicy,
    metrics: tables,
  };
}

async function runThreshold(t: ThresholdTemplate, run: RunControl): Promise<TemplateResult> {
  const config = t.judge;
  const start = Date.now();
  const endAt = run.windowMs !== undefined ? start + run.windowMs : undefined;
  const unbounded = config.metrics.filter((m) => m.count === undefined).map((m) => m.name);
  if (unbounded.length > 0 && endAt === undefined) {
    return toResult(t, undefined, { phase: 'Error', reason: `${ANALYSIS_REASON.noCount}: ${unbounded.join(', ')}` });
  }
  const nextDue = new Map(config.metrics.map((m) => [m.name, start + (m.initialDelay ? toMs(m.initialDelay) : 0)]));
  const role = run.context.role ?? 'canary';
  const context = { service: run.context.service, environment: run.context.environment, role, window: run.context.window, version: run.context.version };
  let look: ThresholdLookResult | undefined;
  // Looks per metric and judgements so far, for the activities' summaries ("analysis errors look 3").
  const looks = new Map<string, number>();
  let judgements = 0;

  const judge = async (observations: Record<string, Observation>, terminate = false): Promise<void> => {
    judgements++;
    const what = terminate ? 'window over' : Object.keys(observations).join(', ');
    look = await withSummary(judges.judgeThresholdLook, judgeActivity, `judge ${t.name} ${judgements}: ${what}`, { config, state: look?.state, observations, terminate });
    run.publish(toResult(t, look));
  };

  try {
    for (;;) {
      const phases = new Map(look?.state.metrics.map((m) => [m.name, m.phase]));
      const active = config.metrics.filter((m) => {
        const p = phases.get(m.name);
        return p === undefined || p === 'Pending' || p === 'Running';
      });
      if (active.length === 0) break;
      const due = Math.min(...active.map((m) => nextDue.get(m.name)!));
      if (endAt !== undefined && due > endAt) {
        // The window is over: terminate the metrics still running (Argo's terminate).
        if (!(await waitUntil(endAt, run))) break;
        await judge({}, true);
        break;
      }
      if (!(await waitUntil(due, run))) break;
      const now = Date.now();
      const measured = active.filter((m) => nextDue.get(m.name)! <= now);
      const observations = await Promise.all(
        measured.map((m) => {
          const n = (looks.get(m.name) ?? 0) + 1;
          looks.set(m.name, n);
          return guarded(() => withSummary(metrics.measure, measureActivity, `analysis ${m.name} look ${n}`, m.provider, context), errorObservation);
        }),
      );
      run.measured();
      const after = Date.now();
      const byName: Record<string, Observation> = {};
      measured.forEach((m, i) => {
        byName[m.name] = observations[i]!;
        nextDue.set(m.name, after + toMs(m.interval));
      });
      await judge(byName);
      if (isDone(look!.phase)) break;
    }
  } catch (err) {
    const failure = templateFailure(err);
    if (failure === undefined) throw err;
    return toResult(t, look, { phase: 'Error', reason: failure });
  }
  if (look && isDone(look.phase)) return toResult(t, look);
  return toResult(t, look, { phase: look?.phase === 'Running' || !look ? 'Inconclusive' : look.phase, reason: ANALYSIS_REASON.stopped });
}

export const thresholdLoop: JudgeLoop<'threshold'> = {
  comparesWithBaseline: false,
  run: runThreshold,
  // A metric with a count ends after its measurements (and the errors it may tolerate); one
  // without runs for the step's window.
  maxDurationMs: (config, windowMs) =>
    Math.max(
      ...config.metrics.map((m) => {
        const delay = m.initialDelay ? toMs(m.initialDelay) : 0;
        const counted = m.count !== undefined ? delay + (m.count + m.consecutiveErrorLimit + 1) * toMs(m.interval) : 0;
        return Math.max(counted, windowMs ?? 0);
      }),
    ),
};
