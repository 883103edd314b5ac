/**
 * Verification of a candidate: the one place a strategy asks "is this release good?".
 *
 * A check that names analysis templates runs the analysisWorkflow child (analysis-check.ts); one
 * that names none is a health-check window. Callers see neither: a failed check stops the release.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import { formatMs, toMs } from '../domain/duration';
import type { CandidateInfo, DeployPort, HealthProbeResult } from '../domain/ports';
import { Reason } from '../domain/reasons';
import type { CheckConfig } from '../domain/spec';
import { probeActivity, withSummary } from './activities';
import { runAnalysisCheck } from './analysis-check';
import type { DeployContext } from './context';

/** Time allowed beyond the HTTP timeout for scheduling and the activity round trip. */
const PROBE_SLACK_MS = 3000;

function summarize(result: HealthProbeResult): string {
  return result.checks.map((c) => `${c.path} ${c.status ?? c.error ?? 'error'}`).join(', ') || 'no checks';
}

/**
 * Polls the candidate's health paths every `interval` over `window` with workflow timers (so a
 * worker crash loses nothing). Fails — requesting a rollback — on `failureThreshold` failed probes
 * in a row. The window only passes on a healthy probe: if it ends on a failure streak below the
 * threshold, probing continues until the streak breaks one way or the other.
 */
export async function runCheck(ctx: DeployContext, check: CheckConfig, candidate: CandidateInfo, label: string): Promise<void> {
  const { control, tracker } = ctx;
  const hc = ctx.spec.healthCheck;
  const windowMs = toMs(check.window ?? hc.window);
  const intervalMs = Math.max(1, toMs(hc.interval));
  const timeoutMs = toMs(hc.timeout);
  const options = { ...probeActivity, startToCloseTimeout: timeoutMs + PROBE_SLACK_MS };
  const probe = proxyActivities<Pick<DeployPort, 'probeHealth'>>(options).probeHealth;

  if (check.templates?.length) {
    // Histories recorded before analysis existed ran the health window for named templates.
    if (patched('analysis-templates')) {
      await runAnalysisCheck(ctx, check, candidate, label);
      return;
    }
    tracker.event('info', `${label}: analysis templates ${check.templates.join(', ')} not evaluated yet; running the health window`);
  }
  tracker.event('check', `${label}: health window ${formatMs(windowMs)} on ${candidate.url} (${hc.paths.join(', ')})`, { windowMs, intervalMs });

  const endsAt = Date.now() + windowMs;
  let consecutive = 0;
  let probes = 0;
  for (;;) {
    let result: HealthProbeResult;
    try {
      result = await control.interruptible(() => withSummary(probe, options, `${label}: probe ${candidate.url}`, { url: candidate.url, paths: hc.paths, timeoutMs }));
    } catch (err) {
      control.throwIfStopped();
      // The probe activity itself failed (timed out, worker lost): a failed data point, not a crash.
      result = { ok: false, checks: [{ path: '(probe)', status: null, ok: false, error: (err as Error).message, ms: 0 }] };
    }
    probes++;
    consecutive = result.ok ? 0 : consecutive + 1;
    tracker.recordCheck({ at: tracker.now(), ok: result.ok, summary: summarize(result), consecutiveFailures: consecutive });
    if (consecutive >= hc.failureThreshold) {
      control.requestStop({
        outcome: 'rolled-back',
        reason: Reason.HealthCheckFailed,
        message: `${label}: ${consecutive} failed health probes in a row (last: ${summarize(result)})`,
      });
      control.throwIfStopped();
    }
    const remaining = endsAt - Date.now();
    if (remaining <= 0 && consecutive === 0) break;
    await control.sleep(`${Math.max(1, Math.min(intervalMs, remaining > 0 ? remaining : intervalMs))}ms`, `${label}: next health probe`);
  }
  tracker.event('check', `${label}: passed (${probes} probes)`, { probes });
}
