/**
 * `analysisWorkflow`: canary analysis as a child workflow, so every measurement and every look
 * is an event in the Temporal UI and every wait is a timer (a worker crash loses nothing).
 *
 * Templates run side by side; the first to end non-successful stops the others at once (a
 * rollback never waits for the remaining windows). The result is a per-metric table of
 * measurements (value, pass/fail/inconclusive/error, reason), the overall phase and the decision
 * for the parent: promote, pause (wait for a human) or rollback. Inconclusive results follow each
 * template's `inconclusivePolicy`; the parent acts on `decision`.
 *
 * Optionally drives load (loopback only) while it analyses, and stops it when it decides.
 */
import { CancellationScope, defineQuery, isCancellation, setHandler } from '@temporalio/workflow';
import type { AnalysisPhase, AnalysisTemplate } from '../domain/analysis';
import { toMs } from '../domain/duration';
import type { AnalysisResult, AnalysisStatus, AnalysisWorkflowInput, LoadOutcome, TemplateResult } from './analysis-types';
import { ANALYSIS_REASON } from './analysis-types';
import { judgeActivity, judges, load, loadActivity } from './analysis-run';
import { withSummary } from './activities';
import type { RunControl } from './analysis-run';
import { combine, decisionFor } from './analysis-decision';
import { expectedDurationMs, runTemplate } from './judge-loops';
import { recordMeasurements } from './metrics';

export const analysisStatusQuery = defineQuery<AnalysisStatus>('analysisStatus');

export async function analysisWorkflow(input: AnalysisWorkflowInput): Promise<AnalysisResult> {
  const published = new Map<string, TemplateResult>();
  try {
    return await analyse(input, published);
  } finally {
    // Also when cancelled (an abort): the measurements taken so far count.
    recordMeasurements(input.context.service, input.context.environment, published.values());
  }
}

async function analyse(input: AnalysisWorkflowInput, published: Map<string, TemplateResult>): Promise<AnalysisResult> {
  const startedAt = new Date().toISOString();
  let status: { phase: AnalysisPhase; reason: string } = { phase: 'Pending', reason: 'validating templates' };
  setHandler(analysisStatusQuery, () => ({ ...status, templates: [...published.values()] }));

  let templates: AnalysisTemplate[];
  try {
    templates = await withSummary(judges.validateAnalysis, judgeActivity, `validate ${input.templates.length} analysis templates`, { templates: input.templates });
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Nothing can be verified with a broken template: do not keep the canary.
    const message = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    const now = new Date().toISOString();
    return { phase: 'Error', decision: 'rollback', reason: `${ANALYSIS_REASON.invalid}: ${message}`, templates: [], startedAt, finishedAt: now, decidedAt: now };
  }

  const windowMs = input.window ? toMs(input.window) : undefined;
  let stopped = false;
  let firstMeasurementAt: string | undefined;
  let decidedAt: string | undefined;
  let loadOutcome: LoadOutcome | undefined;
  const stop = (): void => {
    if (!stopped) decidedAt = new Date().toISOString();
    stopped = true;
  };

  const loadScope = new CancellationScope();
  let loadDone: Promise<void> | undefined;
  if (input.load) {
    const spec = { ...input.load, durationMs: expectedDurationMs(templates, windowMs) };
    loadDone = loadScope
      .run(() => withSummary(load.generateLoad, loadActivity, `load ${spec.ratePerSecond} req/s on ${spec.targets.length} targets`, spec))
      .then(
        (report) => {
          loadOutcome = { ...report, status: report.cancelled ? 'cancelled' : 'completed' };
        },
        (err: unknown) => {
          if (isCancellation(err)) {
            loadOutcome = { status: 'cancelled' };
            return;
          }
          const message = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
          loadOutcome = { status: 'failed', message };
          // Without the traffic it asked for, the analysis would judge a quiet canary.
          stop();
        },
      );
  }

  status = { phase: 'Running', reason: 'measuring' };
  const run: RunControl = {
    context: input.context,
    windowMs,
    stopped: () => stopped,
    measured: () => {
      firstMeasurementAt ??= new Date().toISOString();
    },
    publish: (r) => published.set(r.name, r),
  };
  const results = await Promise.all(
    templates.map(async (t) => {
      const r = await runTemplate(t, run);
      published.set(t.name, r);
      if (r.phase !== 'Successful') stop();
      return r;
    }),
  );

  loadScope.cancel();
  await loadDone;
  const finishedAt = new Date().toISOString();
  let overall = combine(results);
  if (loadOutcome?.status === 'failed') {
    const policies = templates.map((t) => t.inconclusivePolicy);
    const decision = decisionFor('Error', policies.includes('rollback') ? 'rollback' : 'pause');
    overall = { phase: 'Error', decision, reason: `${ANALYSIS_REASON.loadFailed}: ${loadOutcome.message}` };
  }
  status = { phase: overall.phase, reason: overall.reason };
  return {
    ...overall,
    templates: results,
    startedAt,
    finishedAt,
    ...(firstMeasurementAt ? { firstMeasurementAt } : {}),
    decidedAt: decidedAt ?? finishedAt,
    ...(loadOutcome ? { load: loadOutcome } : {}),
  };
}
