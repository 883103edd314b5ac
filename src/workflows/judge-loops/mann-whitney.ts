/**
 * Baseline-vs-canary (Kayenta) templates: wait out the window on a timer, sample each metric for
 * canary and baseline over it (one activity per metric, Prometheus query_range with the
 * template's interval as step), and let the Mann-Whitney judge score the canary.
 */
import type { AnalysisTemplate, MannWhitneyJudgeConfig } from '../../domain/analysis';
import { toMs } from '../../domain/duration';
import type { RangeResult } from '../../activities/metrics';
import type { MetricTable, TemplateResult } from '../analysis-types';
import { ANALYSIS_REASON } from '../analysis-types';
import { TemplateConfigError, guarded, judgeActivity, judges, measureActivity, templateFailure, metrics, waitUntil } from '../analysis-run';
import { withSummary } from '../activities';
import { decisionFor } from '../analysis-decision';
import type { RunControl } from '../analysis-run';
import type { JudgeLoop } from './loop';

type KayentaTemplate = AnalysisTemplate & { judge: MannWhitneyJudgeConfig };
type Samples = Record<string, { canary: (number | null)[]; baseline: (number | null)[]; at?: string; note?: string }>;

function result(t: KayentaTemplate, fields: Pick<TemplateResult, 'phase' | 'reason'> & { score?: number; metrics?: MetricTable[] }): TemplateResult {
  return {
    name: t.name,
    judge: 'mann-whitney',
    phase: fields.phase,
    decision: decisionFor(fields.phase, t.inconclusivePolicy),
    reason: fields.reason,
    inconclusivePolicy: t.inconclusivePolicy,
    ...(fields.score !== undefined ? { score: fields.score } : {}),
    metrics: fields.metrics ?? t.judge.metrics.map((m) => ({ name: m.name, phase: 'Pending', reason: 'window still open', measurements: [] })),
  };
}

function values(r: RangeResult | undefined): { values: (number | null)[]; note?: string; errored: boolean } {
  if (!r) return { values: [], note: 'not sampled', errored: true };
  if (r.kind === 'samples') return { values: r.values, errored: false };
  if (r.kind === 'no-data') return { values: [], note: `no data: ${r.reason}`, errored: false };
  return { values: [], note: `error: ${r.message}`, errored: true };
}

async function runKayenta(t: KayentaTemplate, run: RunControl): Promise<TemplateResult> {
  const config = t.judge;
  const start = Date.now();
  const windowMs = run.windowMs ?? toMs(config.window);
  const stepMs = toMs(config.interval);
  run.publish(result(t, { phase: 'Running', reason: `collecting a ${windowMs / 1000}s window` }));
  if (!(await waitUntil(start + windowMs, run))) return result(t, { phase: 'Inconclusive', reason: ANALYSIS_REASON.stopped });
  const end = Date.now();
  const context = { service: run.context.service, environment: run.context.environment, window: run.context.window, version: run.context.version };
  try {
    const sampled = await Promise.all(
      config.metrics.map((m) =>
        guarded(
          async () => {
            if (!m.provider) throw new TemplateConfigError(`metric "${m.name}" has no provider query`);
            return withSummary(metrics.sampleRange, measureActivity, `analysis ${m.name}: canary vs baseline over ${windowMs / 1000}s`, {
              query: m.provider,
              context,
              roles: ['canary', 'baseline'],
              startMs: start,
              endMs: end,
              stepMs,
            });
          },
          (message): Record<string, RangeResult> => ({ canary: { kind: 'error', message, at: '' }, baseline: { kind: 'error', message, at: '' } }),
        ),
      ),
    );
    run.measured();
    const samples: Samples = {};
    let errored = 0;
    config.metrics.forEach((m, i) => {
      const c = values(sampled[i]!.canary);
      const b = values(sampled[i]!.baseline);
      if (c.errored || b.errored) errored++;
      const notes = [c.note && `canary ${c.note}`, b.note && `baseline ${b.note}`].filter(Boolean).join('; ');
      samples[m.name] = { canary: c.values, baseline: b.values, at: new Date(end).toISOString(), ...(notes ? { note: notes } : {}) };
    });
    const judged = await withSummary(judges.judgeKayentaWindow, judgeActivity, `Mann-Whitney judge ${t.name}: ${config.metrics.length} metrics`, { config, samples });
    // Errors never count as success: a window where every metric failed to sample is an Error.
    if (errored === config.metrics.length)
      return result(t, { phase: 'Error', reason: `${ANALYSIS_REASON.allErrored}: ${judged.reason}`, score: judged.score, metrics: judged.metrics });
    return result(t, { phase: judged.phase, reason: judged.reason, score: judged.score, metrics: judged.metrics });
  } catch (err) {
    const failure = templateFailure(err);
    if (failure === undefined) throw err;
    return result(t, { phase: 'Error', reason: failure });
  }
}

export const mannWhitneyLoop: JudgeLoop<'mann-whitney'> = {
  comparesWithBaseline: true,
  run: runKayenta,
  maxDurationMs: (config, windowMs) => windowMs ?? toMs(config.window),
};
