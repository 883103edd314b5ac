/**
 * Sequential (anytime-valid) templates: snapshot the canary's and the baseline's counters at the
 * start, then at every interval (one activity per metric), and let the judge fold the increments
 * in. It decides at every look: the first look whose evidence crosses α ends the analysis Failed
 * and the parent rolls back at once; at maxDuration without evidence it passes.
 */
import type { AnalysisTemplate, SequentialJudgeConfig } from '../../domain/analysis';
import { toMs } from '../../domain/duration';
import type { MetricTable, SequentialLookResult, SequentialRunState } from '../../activities/metrics';
import type { TemplateResult } from '../analysis-types';
import { ANALYSIS_REASON } from '../analysis-types';
import { guarded, judgeActivity, judges, measureActivity, metrics, templateFailure, waitUntil } from '../analysis-run';
import { withSummary } from '../activities';
import { decisionFor, isDone } from '../analysis-decision';
import type { RunControl } from '../analysis-run';
import type { JudgeLoop } from './loop';

/** Sluice-side limit on provider outages for the sequential judge (Argo's consecutiveErrorLimit default). */
const SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT = 4;

type SequentialTemplate = AnalysisTemplate & { judge: SequentialJudgeConfig };

function result(t: SequentialTemplate, tables: Map<string, MetricTable>, phase: TemplateResult['phase'], reason: string): TemplateResult {
  return {
    name: t.name,
    judge: 'sequential',
    phase,
    decision: decisionFor(phase, t.inconclusivePolicy),
    reason,
    inconclusivePolicy: t.inconclusivePolicy,
    metrics: [...tables.values()],
  };
}

async function runSequential(t: SequentialTemplate, run: RunControl): Promise<TemplateResult> {
  const config = t.judge;
  const start = Date.now();
  const intervalMs = toMs(config.interval);
  const maxLooks = Math.ceil(toMs(config.maxDuration) / intervalMs) + 1;
  const context = { service: run.context.service, environment: run.context.environment, window: run.context.window, version: run.context.version };
  const tables = new Map<string, MetricTable>(config.metrics.map((m) => [m.name, { name: m.name, phase: 'Running', reason: 'waiting for the first look', measurements: [] }]));
  let state: SequentialRunState | undefined;
  let last: SequentialLookResult | undefined;
  let erroredLooks = 0;

  try {
    for (let look = 0; look <= maxLooks; look++) {
      if (look > 0 && !(await waitUntil(start + look * intervalMs, run))) {
        return result(t, tables, 'Inconclusive', ANALYSIS_REASON.stopped);
      }
      const snaps = await Promise.all(
        config.metrics.map((m) =>
          guarded(
            () => withSummary(metrics.sampleSequential, measureActivity, `analysis ${m.name} look ${look + 1}: canary vs baseline`, { metric: m, context }),
            (message) => ({ canary: { kind: 'error' as const, message }, baseline: { kind: 'error' as const, message }, at: new Date().toISOString() }),
          ),
        ),
      );
      run.measured();
      const snapshots = Object.fromEntries(config.metrics.map((m, i) => [m.name, snaps[i]!]));
      const allErrored = snaps.every((s) => s.canary.kind === 'error' || s.baseline.kind === 'error');
      erroredLooks = allErrored ? erroredLooks + 1 : 0;
      last = await withSummary(judges.judgeSequentialLook, judgeActivity, `sequential judge ${t.name} look ${look + 1}`, {
        config,
        state,
        elapsedMs: Date.now() - start,
        snapshots,
      });
      state = last.state;
      for (const m of config.metrics) {
        const table = tables.get(m.name)!;
        const row = last.rows[m.name];
        if (row) table.measurements.push(allErrored ? { ...row, outcome: 'error' } : row);
        table.phase = last.metricPhases[m.name]?.phase ?? table.phase;
        table.reason = last.metricPhases[m.name]?.reason ?? table.reason;
      }
      run.publish(result(t, tables, last.phase, last.reason));
      if (isDone(last.phase)) {
        const judged = last.phase;
        // Errors never count as success: a pass reached while only errors came in is not one.
        const onlyErrors = [...tables.values()].every((tb) => tb.measurements.length > 0 && tb.measurements.every((r) => r.outcome === 'error' || r.outcome === 'inconclusive'));
        if (judged === 'Successful' && onlyErrors) return result(t, tables, 'Error', ANALYSIS_REASON.allErrored);
        return result(t, tables, judged, last.reason);
      }
      if (erroredLooks > SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT) {
        return result(t, tables, 'Error', `${ANALYSIS_REASON.allErrored} in ${erroredLooks} consecutive looks (limit ${SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT})`);
      }
    }
  } catch (err) {
    const failure = templateFailure(err);
    if (failure === undefined) throw err;
    return result(t, tables, 'Error', failure);
  }
  return result(t, tables, last && isDone(last.phase) ? last.phase : 'Inconclusive', last?.reason ?? 'no look taken');
}

export const sequentialLoop: JudgeLoop<'sequential'> = {
  comparesWithBaseline: true,
  run: runSequential,
  maxDurationMs: (config) => toMs(config.maxDuration) + toMs(config.interval),
};
