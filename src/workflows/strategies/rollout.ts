/**
 * The rolling strategy on a target that replaces its own instances (RolloutPort; Kubernetes): the
 * stable moves to the release by the target's own rolling update, bounded by `maxSurge` and
 * `maxUnavailable`, and must finish within the progress deadline; then `checks` on it. Its undo,
 * registered first, goes back to the previous release (on Kubernetes the old ReplicaSet's
 * template, so the rollback needs no registry).
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { toMs } from '../../domain/duration';
import type { CandidateInfo, RolloutPort } from '../../domain/ports';
import { ErrorType } from '../../domain/errors';
import { Reason } from '../../domain/reasons';
import { failureOfType } from '../../domain/result';
import type { RollingStrategy } from '../../domain/spec';
import { deployActivity, undo, withSummary, compensationActivity } from '../activities';
import { runCheck } from '../checks';
import type { DeployContext } from '../context';

/** Room for the whole update: a call lasts as long as the rollout, up to its progress deadline. */
function rolloutOptions(deadlineMs: number | undefined): ActivityOptions {
  const floorMs = toMs(String(deployActivity.startToCloseTimeout));
  return { ...deployActivity, startToCloseTimeout: Math.max(floorMs, (deadlineMs ?? 0) + 60_000) };
}

export async function runRollout(ctx: DeployContext, strategy: RollingStrategy): Promise<void> {
  const { ref, release, previous, saga, control, tracker } = ctx;
  if (previous) {
    saga.add(`roll back to ${previous.version}`, async () => {
      await withSummary(undo.rollbackToRelease, compensationActivity, `undo: back to ${previous.version}`, { ...ref, release: previous, from: release });
    });
  }
  const deadlineMs = strategy.progressDeadline ? toMs(strategy.progressDeadline) : undefined;
  const rollingUpdate = {
    maxSurge: strategy.maxSurge,
    maxUnavailable: strategy.maxUnavailable,
    ...(deadlineMs ? { progressDeadlineSeconds: Math.max(1, Math.ceil(deadlineMs / 1000)) } : {}),
  };
  const options = rolloutOptions(deadlineMs);
  const rollout = proxyActivities<RolloutPort>(options);
  tracker.setPhase('deploying', `rolling update to ${release.version} (maxSurge ${strategy.maxSurge}, maxUnavailable ${strategy.maxUnavailable})`);
  let stable: CandidateInfo;
  try {
    stable = await control.uninterrupted(() => withSummary(rollout.rollOut, options, `rolling update to ${release.version}`, { ...ref, release, rollingUpdate }));
  } catch (err) {
    // Instances that never become ready are a bad release, not a broken target: rolled back.
    const missed = failureOfType(err, ErrorType.ProgressDeadlineExceeded);
    if (!missed) throw err;
    control.requestStop({
      outcome: 'rolled-back',
      reason: Reason.HealthCheckFailed,
      message: `rolling update to ${release.version}: ${missed.message}`,
      errorType: ErrorType.ProgressDeadlineExceeded,
    });
    control.throwIfStopped();
    throw err;
  }
  tracker.markCandidateStarted();
  tracker.event('info', `${release.version} rolled out at ${stable.url}`, { url: stable.url });
  if (strategy.checks) await runCheck(ctx, strategy.checks, stable, 'rollout check');
}
