/**
 * A check that names analysis templates: the candidate is registered with Prometheus under its
 * role, the analysisWorkflow child measures it (optionally driving loopback load), and its
 * decision becomes the release's: promote continues, pause waits for a person, rollback stops the
 * release at once, without waiting for the remaining windows or steps.
 */
import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { MetricsActivities } from '../activities/metrics';
import type { CandidateInfo } from '../domain/ports';
import { Reason } from '../domain/reasons';
import type { CheckConfig } from '../domain/spec';
import { runAnalysis, selectTemplates, summarizeAnalysis } from './analysis-child';
import type { AnalysisLoad, AnalysisResult } from './analysis-types';
import type { DeployContext } from './context';

const scrape = proxyActivities<Pick<MetricsActivities, 'registerTargets' | 'unregisterTargets' | 'awaitScraped'>>({
  startToCloseTimeout: '45s',
  heartbeatTimeout: '10s',
  retry: { maximumAttempts: 5 },
});

/** host:port of a loopback base URL such as http://127.0.0.1:18081. */
function hostPort(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

function loadFor(ctx: DeployContext, candidate: CandidateInfo): AnalysisLoad | undefined {
  const load = ctx.spec.analysis.load;
  if (!load) return undefined;
  const routerPort = ctx.spec.router.kind === 'haproxy' ? Number(ctx.spec.router.settings.listenPort) : undefined;
  const target = load.via === 'router' && routerPort ? `http://127.0.0.1:${routerPort}/` : `${candidate.url}/`;
  return { targets: [target], ratePerSecond: load.ratePerSecond };
}

export async function runAnalysisCheck(ctx: DeployContext, check: CheckConfig, candidate: CandidateInfo, label: string): Promise<AnalysisResult> {
  const { control, tracker, spec } = ctx;
  const scope = { service: spec.service, environment: spec.environment, role: candidate.role };
  const templates = selectTemplates(spec.analysis.templates, check.templates);
  tracker.event('check', `${label}: analysis ${templates.map((t) => t.name).join(', ')} on ${candidate.url}`);

  await scrape.registerTargets({ ...scope, version: candidate.release.version, targets: [hostPort(candidate.url)] });
  // Measuring before Prometheus's first scrape of the candidate would only ever see "no data".
  await control.interruptible(() => scrape.awaitScraped({ ...scope, version: candidate.release.version }));
  const phaseBefore = tracker.currentPhase();
  tracker.setPhase('analysing', `${label}: analysing`);
  let result: AnalysisResult;
  try {
    result = await control.interruptible(() =>
      runAnalysis({
        label: label.replace(/[^a-zA-Z0-9-]+/g, '-'),
        templates,
        context: { service: spec.service, environment: spec.environment, role: candidate.role, version: candidate.release.version, window: spec.analysis.rateWindow },
        ...(check.window ? { window: check.window } : {}),
        ...(loadFor(ctx, candidate) ? { load: loadFor(ctx, candidate)! } : {}),
      }),
    );
  } finally {
    // Scraping the candidate is only needed while it is judged; cleanup must run even on abort.
    await CancellationScope.nonCancellable(() => scrape.unregisterTargets(scope));
  }

  const summary = summarizeAnalysis(result);
  tracker.recordCheck({ at: tracker.now(), ok: result.decision === 'promote', summary, consecutiveFailures: result.decision === 'promote' ? 0 : 1 });
  tracker.event('analysis', `${label}: ${summary}`, {
    phase: result.phase,
    decision: result.decision,
    ...(result.firstMeasurementAt ? { firstMeasurementAt: result.firstMeasurementAt } : {}),
    ...(result.decidedAt ? { decidedAt: result.decidedAt } : {}),
  });
  if (result.decision !== 'rollback') tracker.setPhase(phaseBefore, `${label}: analysis done`);
  switch (result.decision) {
    case 'promote':
      return result;
    case 'pause':
      await control.awaitApproval(`${label}: analysis ${result.phase.toLowerCase()} (${result.reason})`);
      return result;
    case 'rollback':
      control.requestStop({
        outcome: 'rolled-back',
        reason: result.phase === 'Inconclusive' ? Reason.AnalysisInconclusive : Reason.AnalysisFailed,
        message: `${label}: ${summary}`,
      });
      control.throwIfStopped();
      return result;
    default: {
      const unhandled: never = result.decision;
      throw new Error(`unknown analysis decision ${String(unhandled)}`);
    }
  }
}
