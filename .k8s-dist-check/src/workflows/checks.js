"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runCheck = runCheck;
/**
 * Verification of a candidate: the one place a strategy asks "is this release good?".
 *
 * EXTENSION POINT (canary-analysis issue): when `check.templates` names analysis templates, start
 * the `analysisWorkflow` child here (with the candidate, the baseline and the templates from
 * `ctx.spec.analysis`), map its Decision onto `CheckVerdict`, and keep the health window as the
 * fallback when no template is named. Callers only see the verdict, so strategies need no change.
 */
const workflow_1 = require("@temporalio/workflow");
const duration_1 = require("../domain/duration");
const reasons_1 = require("../domain/reasons");
const activities_1 = require("./activities");
/** Time allowed beyond the HTTP timeout for scheduling and the activity round trip. */
const PROBE_SLACK_MS = 3000;
function summarize(result) {
    return result.checks.map((c) => `${c.path} ${c.status ?? c.error ?? 'error'}`).join(', ') || 'no checks';
}
/**
 * Polls the candidate's health paths every `interval` over `window` with workflow timers (so a
 * worker crash loses nothing). Fails — requesting a rollback — on `failureThreshold` failed probes
 * in a row. The window only passes on a healthy probe: if it ends on a failure streak below the
 * threshold, probing continues until the streak breaks one way or the other.
 */
async function runCheck(ctx, check, candidate, label) {
    const { control, tracker } = ctx;
    const hc = ctx.spec.healthCheck;
    const windowMs = (0, duration_1.toMs)(check.window ?? hc.window);
    const intervalMs = Math.max(1, (0, duration_1.toMs)(hc.interval));
    const timeoutMs = (0, duration_1.toMs)(hc.timeout);
    const options = { ...activities_1.probeActivity, startToCloseTimeout: timeoutMs + PROBE_SLACK_MS };
    const probe = (0, workflow_1.proxyActivities)(options).probeHealth;
    if (check.templates?.length) {
        tracker.event('info', `${label}: analysis templates ${check.templates.join(', ')} not evaluated yet; running the health window`);
    }
    tracker.event('check', `${label}: health window ${(0, duration_1.formatMs)(windowMs)} on ${candidate.url} (${hc.paths.join(', ')})`, { windowMs, intervalMs });
    const endsAt = Date.now() + windowMs;
    let consecutive = 0;
    let probes = 0;
    for (;;) {
        let result;
        try {
            result = await control.interruptible(() => (0, activities_1.withSummary)(probe, options, `${label}: probe ${candidate.url}`, { url: candidate.url, paths: hc.paths, timeoutMs }));
        }
        catch (err) {
            control.throwIfStopped();
            // The probe activity itself failed (timed out, worker lost): a failed data point, not a crash.
            result = { ok: false, checks: [{ path: '(probe)', status: null, ok: false, error: err.message, ms: 0 }] };
        }
        probes++;
        consecutive = result.ok ? 0 : consecutive + 1;
        tracker.recordCheck({ at: tracker.now(), ok: result.ok, summary: summarize(result), consecutiveFailures: consecutive });
        if (consecutive >= hc.failureThreshold) {
            control.requestStop({
                outcome: 'rolled-back',
                reason: reasons_1.Reason.HealthCheckFailed,
                message: `${label}: ${consecutive} failed health probes in a row (last: ${summarize(result)})`,
            });
            control.throwIfStopped();
        }
        const remaining = endsAt - Date.now();
        if (remaining <= 0 && consecutive === 0)
            break;
        await control.sleep(`${Math.max(1, Math.min(intervalMs, remaining > 0 ? remaining : intervalMs))}ms`, `${label}: next health probe`);
    }
    tracker.event('check', `${label}: passed (${probes} probes)`, { probes });
}
//# sourceMappingURL=checks.js.map