/**
 * A check that names analysis templates: the candidate is registered with Prometheus under its
 * role, the analysisWorkflow child measures it (optionally driving loopback load), and its
 * decision becomes the release's: promote continues, pause waits for a person, rollback stops the
 * release at once, without waiting for the remaining windows or steps.
 */
import { CancellationScope, patched, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { MetricsActivities } from '../activities/metrics';
import type { CandidateInfo, Role } from '../domain/ports';
import { Reason } from '../domain/reasons';
import type { CheckConfig } from '../domain/spec';
import { runAnalysis, selectTemplates, summarizeAnalysis } from './analysis-child';
import { needsBaseline } from './judge-loops';
import type { AnalysisLoad, AnalysisResult } from './analysis-types';
import type { AnalysisTemplate } from '../domain/analysis';
import { compensationActivity, deploy, deployActivity, lookup, lookupActivity, moveWeight, undo, withSummary } from './activities';
import type { DeployContext } from './context';

const scrapeActivity: ActivityOptions = {
  startToCloseTimeout: '45s',
  heartbeatTimeout: '10s',
  retry: { maximumAttempts: 5 },
};
const scrape = proxyActivities<Pick<MetricsActivities, 'registerTargets' | 'unregisterTargets' | 'awaitScraped'>>(scrapeActivity);

/**
 * Recorded when a check first asks the target for the instances behind a candidate URL that is not
 * itself an instance. Histories recorded before it registered such a URL as it was.
 */
export const PATCH_INSTANCES_BEHIND_URL = 'analysis-instances-behind-url';

/** host:port of a loopback base URL such as http://127.0.0.1:18081. */
function hostPort(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

/** Load straight at the instances (same rate each, so canary and baseline see equal traffic) or through the router. */
export function loadFor(ctx: DeployContext, instances: readonly { url: string }[]): AnalysisLoad | undefined {
  const load = ctx.spec.analysis.load;
  if (!load) return undefined;
  // The router's frontend (null when it has none) is adapter data the edge put on the spec.
  const routerUrl = ctx.spec.capabilities?.routerUrl;
  const targets = load.via === 'router' && routerUrl ? [routerUrl] : instances.map((i) => `${i.url}/`);
  return { targets, ratePerSecond: load.ratePerSecond * targets.length };
}

/**
 * Baseline-vs-canary judges compare the canary with the *current* stable version started fresh
 * beside it (the Kayenta approach), so instance age and warm-up do not bias the comparison. The
 * router gives the baseline the canary's share. Undefined on a first release (no stable to compare).
 */
async function startBaseline(ctx: DeployContext): Promise<CandidateInfo | undefined> {
  const { control, saga, ref, previous, tracker } = ctx;
  if (!previous) return undefined;
  // On a rollback or abort this undo runs first (newest first): traffic goes back to the stable
  // before anything is stopped, so the baseline never delays the restore.
  saga.add('remove baseline', async () => {
    await moveWeight('undo', 'undo: send all traffic to stable', { ...ref, release: ctx.release, weight: 0 });
    await withSummary(undo.removeCandidate, compensationActivity, `undo: remove baseline ${previous.version}`, { ...ref, release: previous, role: 'baseline' });
  });
  const baseline = await control.uninterrupted(() =>
    withSummary(deploy.deployCandidate, deployActivity, `baseline ${previous.version}`, { ...ref, release: previous, role: 'baseline' }),
  );
  // Re-apply the canary's weight: the router now splits it evenly with the baseline.
  await control.uninterrupted(() =>
    moveWeight('do', `canary ${ctx.release.version} at ${tracker.currentWeight()}% with baseline`, {
      ...ref,
      release: ctx.release,
      weight: tracker.currentWeight(),
    }),
  );
  tracker.event('info', `baseline ${previous.version} running at ${baseline.url}`);
  return baseline;
}

async function stopBaseline(ctx: DeployContext): Promise<void> {
  const { ref, previous, tracker } = ctx;
  if (!previous) return;
  await withSummary(undo.removeCandidate, compensationActivity, `remove baseline ${previous.version}`, { ...ref, release: previous, role: 'baseline' });
  if (tracker.currentWeight() > 0 && tracker.currentWeight() < 100) {
    await moveWeight('undo', `canary ${ctx.release.version} back to ${tracker.currentWeight()}%`, {
      ...ref,
      release: ctx.release,
      weight: tracker.currentWeight(),
    });
  }
}

/** One role an analysis measures: its instance of record and the base URL of each instance behind it. */
interface Measured extends CandidateInfo {
  urls: string[];
}

/**
 * The instances an analysis scrapes and loads for one role. A loopback http URL is the instance
 * itself; any other (a `kubernetes://` Deployment) names instances only its target can list, so
 * the target is asked, at every check: the replica-ratio router changes a canary's pod count with
 * its weight. The scheme gates the call, so recorded histories (all http URLs) replay unchanged.
 */
async function instancesBehind(ctx: DeployContext, instance: CandidateInfo): Promise<Measured> {
  const own = { role: instance.role, release: instance.release, url: instance.url };
  if (/^https?:\/\//.test(instance.url) || !patched(PATCH_INSTANCES_BEHIND_URL)) return { ...own, urls: [instance.url] };
  const urls = await ctx.control.interruptible(() =>
    withSummary(lookup.readyInstances, lookupActivity, `instances of ${instance.role} ${instance.release.version}`, { ...ctx.ref, role: instance.role, url: instance.url }),
  );
  ctx.tracker.event('info', `${instance.role} ${instance.release.version}: ${urls.length} ready instance(s) ${urls.join(', ')}`);
  return { ...own, urls };
}

export async function runAnalysisCheck(ctx: DeployContext, check: CheckConfig, candidate: CandidateInfo, label: string): Promise<AnalysisResult> {
  const { spec } = ctx;
  const templates = selectTemplates(spec.analysis.templates, check.templates);
  ctx.tracker.event('check', `${label}: analysis ${templates.map((t) => t.name).join(', ')} on ${candidate.url}`);

  const baseline = candidate.role === 'canary' && needsBaseline(templates) ? await startBaseline(ctx) : undefined;
  const instances: Measured[] = [];
  for (const instance of [candidate, ...(baseline ? [baseline] : [])]) instances.push(await instancesBehind(ctx, instance));
  for (const instance of instances) {
    await withSummary(scrape.registerTargets, scrapeActivity, `scrape ${instance.role} ${instance.release.version} (${instance.urls.length} instances)`, {
      service: spec.service,
      environment: spec.environment,
      role: instance.role,
      version: instance.release.version,
      targets: instance.urls.map(hostPort),
    });
  }
  return analyseAndDecide(ctx, label, {
    templates,
    ...(check.window ? { window: check.window } : {}),
    candidate: { role: candidate.role, version: candidate.release.version },
    // Every instance must have been scraped before the judges take their zero point.
    scraped: instances.map((i) => ({ role: i.role, version: i.release.version, targets: i.urls.map(hostPort) })),
    load: loadFor(
      ctx,
      instances.flatMap((i) => i.urls.map((url) => ({ url }))),
    ),
    // Scraping is only needed while the canary is judged.
    release: async () => {
      for (const instance of instances) {
        await withSummary(scrape.unregisterTargets, scrapeActivity, `stop scraping ${instance.role}`, {
          service: spec.service,
          environment: spec.environment,
          role: instance.role,
        });
      }
    },
    // A passing canary goes on without its baseline; a failing one leaves it to the saga's undo.
    afterMeasure: async (result) => {
      if (baseline && result.decision !== 'rollback') await stopBaseline(ctx);
    },
  });
}

export interface AnalysisRun {
  templates: AnalysisTemplate[];
  window?: string;
  /** Whose role and version the templates judge. */
  candidate: { role: Role; version: string };
  /** Every role and version Prometheus must scrape, at exactly these host:port pairs, before the first measurement. */
  scraped: readonly { role: Role; version: string; targets: string[] }[];
  load: AnalysisLoad | undefined;
  /** Undoes what made the instances scraped for the analysis; runs even on abort. */
  release: () => Promise<void>;
  afterMeasure?: (result: AnalysisResult) => Promise<void>;
}

/**
 * Waits until Prometheus has scraped what the analysis reads, runs the analysisWorkflow child,
 * and makes its decision the release's. Shared by a single candidate's check and a fleet's
 * analysis between batches (strategies/rolling.ts).
 */
export async function analyseAndDecide(ctx: DeployContext, label: string, run: AnalysisRun): Promise<AnalysisResult> {
  const { control, tracker, spec } = ctx;
  let result: AnalysisResult;
  const phaseBefore = tracker.currentPhase();
  try {
    // Measuring before Prometheus's first scrape would only ever see "no data".
    for (const s of run.scraped) {
      await control.interruptible(() =>
        withSummary(scrape.awaitScraped, scrapeActivity, `wait for Prometheus to scrape ${s.role} ${s.version}`, {
          service: spec.service,
          environment: spec.environment,
          role: s.role,
          version: s.version,
          targets: [...s.targets],
        }),
      );
    }
    tracker.setPhase('analysing', `${label}: analysing`);
    result = await control.interruptible(() =>
      runAnalysis({
        label: label.replace(/[^a-zA-Z0-9-]+/g, '-'),
        templates: run.templates,
        context: { service: spec.service, environment: spec.environment, role: run.candidate.role, version: run.candidate.version, window: spec.analysis.rateWindow },
        ...(run.window ? { window: run.window } : {}),
        ...(run.load ? { load: run.load } : {}),
      }),
    );
  } finally {
    await CancellationScope.nonCancellable(run.release);
  }
  await run.afterMeasure?.(result);

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
