/**
 * deployWorkflow: one release of one service to one environment, from source to promotion, as a
 * saga. Every outcome but `failed` completes the workflow with a DeploymentResult; `failed`
 * compensates first, then fails the workflow with ApplicationFailure(SluiceDeploymentFailed)
 * carrying the same result (see src/domain/result.ts), so the Temporal UI marks it red.
 */
import { repositoryOf } from '../domain/image-refs';
import { allHandlersFinished, ApplicationFailure, CancellationScope, condition, isCancellation, log, patched, sleep, TemporalFailure } from '@temporalio/workflow';
import { toMs } from '../domain/duration';
import { Reason } from '../domain/reasons';
import { pairLabel, sameRelease, type Release } from '../domain/release';
import type { ReleaseSpec } from '../domain/spec';
import type { DeploymentResult, Outcome, Phase } from '../domain/status';
import { liveRelease, pruneReleases, quickStepsLocal } from './activities';
import { fleetLiveRelease } from './hosts';
import { installChangeLock, PATCH_CHANGE_LOCK, rivalRunning } from './change-lock';
import { type DeployContext, targetRef } from './context';
import { Control, StopError, type StopRequest } from './control';
import { Notifier } from './notify';
import { Saga, describeError, rootApplicationFailure, type CompensationReport } from './saga';
import { runStrategy } from './strategies';
import { obtainRelease } from './source';
import { configOnlyRelease, resolveReleaseConfig } from './config';
import { Tracker } from './tracker';
import { recordReleaseEnd, recordReleaseStart } from './metrics';
import { ErrorType } from '../domain/errors';

/**
 * A drill's bad canary (spec.drillRun) releases the live version again: the strategy runs where a
 * release would have stopped at AlreadyLive. Only drills take the branch, and histories recorded
 * before drills never do, but the patch marks the runs that may.
 */
export const PATCH_DRILL_RUN = 'drill-run';

const FINAL_PHASE: Record<Outcome, Phase> = {
  promoted: 'succeeded',
  'rolled-back': 'rolled-back',
  aborted: 'aborted',
  failed: 'failed',
};

/** Maps whatever ended the happy path to a stop request; returns undefined for workflow bugs. */
function stopFor(err: unknown, control: Control): StopRequest | undefined {
  if (err instanceof StopError) return err.request;
  if (control.stop) return control.stop;
  if (isCancellation(err)) {
    control.requestStop({ outcome: 'aborted', reason: Reason.WorkflowCancelled, message: 'the workflow was cancelled' });
  } else if (err instanceof TemporalFailure) {
    // The root cause's type, for CI and the result.
    const errorType = rootApplicationFailure(err)?.type;
    control.requestStop({ outcome: 'failed', reason: Reason.ActivityFailed, message: describeError(err), ...(errorType ? { errorType } : {}) });
  }
  // Anything else is a bug in workflow code: rethrown, it fails the workflow task, which Temporal
  // retries, so a fixed worker picks the release up where it stopped.
  return control.stop;
}

/** Starts the deadline timer; when it fires the release stops with DeadlineExceeded. */
function startDeadline(spec: ReleaseSpec, control: Control): CancellationScope | undefined {
  if (!spec.deadline) return undefined;
  const scope = new CancellationScope();
  const deadline = spec.deadline;
  scope
    .run(() => sleep(toMs(deadline), { summary: `release deadline ${deadline}` }))
    .then(
      () => control.requestStop({ outcome: 'failed', reason: Reason.DeadlineExceeded, message: `the release did not finish within its deadline of ${deadline}` }),
      () => undefined, // cancelled: the release ended first
    );
  return scope;
}

export async function deployWorkflow(spec: ReleaseSpec): Promise<DeploymentResult> {
  const tracker = new Tracker(spec);
  const control = new Control(tracker, spec.approval);
  control.install();
  installChangeLock();
  const notifier = new Notifier(spec, tracker);
  control.onApprovalRequested = (gate, approvers) => notifier.awaitingApproval(gate, approvers);
  const saga = new Saga();
  const ref = targetRef(spec);
  tracker.event('started', `${spec.strategy.kind} release of ${spec.service} to ${spec.environment}`);
  // Drills never count as deployments (issue 13): drillWorkflow records its own series.
  if (!spec.drillRun) recordReleaseStart(spec.service, spec.environment);
  const deadline = startDeadline(spec, control);

  let release: Release | null = null;
  let previous: Release | null = null;
  let outcome: Outcome = 'promoted';
  let reason: Reason = Reason.Promoted;
  let message = '';
  let errorType: string | undefined;
  let compensation: CompensationReport = { ran: [], failed: [] };
  let timeToRollbackMs: number | null = null;
  let timeToDetectMs: number | null = null;

  try {
    control.throwIfStopped(); // an abort sent with the start is honoured before any work
    // A fleet's live version is what its hosts run, asked of their agents (only fleets take this path).
    const hosts = spec.hosts;
    const readLive = () =>
      control.interruptible(() => (hosts && spec.strategy.kind === 'rolling' ? fleetLiveRelease(spec, hosts, toMs(spec.strategy.agentTimeout)) : liveRelease(ref)));
    let rival: string | undefined;
    if (quickStepsLocal()) {
      // The lock's question and the read of the live version are independent: one round trip
      // for both. What was read is dropped if a rollback runs.
      const [running, live] = await Promise.all([rivalRunning('release', spec.service, spec.environment), readLive()]);
      rival = running;
      if (!rival) previous = live;
    } else {
      rival = patched(PATCH_CHANGE_LOCK) ? await rivalRunning('release', spec.service, spec.environment) : undefined;
      if (!rival) previous = await readLive();
    }
    if (rival) {
      outcome = 'failed';
      reason = Reason.ChangeInProgress;
      message = `a rollback of ${spec.service} in ${spec.environment} is running (${rival}); this release changed nothing`;
    } else {
      const config = await resolveReleaseConfig(spec, control, tracker);
      release = await obtainRelease(spec, control, tracker);
      if (config) release = { ...release, config };
      tracker.setReleases(release, previous);
      // Once the version is known, so the message can name it (a failed build sends only `failed`).
      notifier.notify('started', {
        message: `${spec.strategy.kind} release of ${spec.service} ${release.version} to ${spec.environment}${previous ? ` (live: ${previous.version})` : ''}`,
      });
      const drill = spec.drillRun !== undefined && previous !== null && patched(PATCH_DRILL_RUN);
      if (drill) tracker.event('info', `drill: ${release.version} again as a candidate with the fault ${Object.keys(spec.drillRun?.faultEnv ?? {}).join(', ')}`);
      // A new config version on the live build is a release of its own (issue 16).
      const configOnly = !drill && configOnlyRelease(previous, release, tracker);
      if (sameRelease(previous, release) && !drill && !configOnly) {
        reason = Reason.AlreadyLive;
        tracker.markAlreadyLive();
        message = `${release.version} is already live in ${spec.environment}; nothing to do`;
      } else {
        const ctx: DeployContext = { spec, ref, release, previous, tracker, control, saga };
        await runStrategy(ctx, spec.strategy);
        message = configOnly
          ? `${pairLabel(release)} promoted in ${spec.environment} (was ${pairLabel(previous!)})`
          : `${release.version} promoted in ${spec.environment}${previous ? ` (was ${previous.version})` : ''}`;
      }
    }
  } catch (err) {
    const stop = stopFor(err, control);
    if (!stop) throw err;
    outcome = stop.outcome;
    reason = stop.reason;
    message = stop.message;
    errorType = stop.errorType;
    timeToDetectMs = tracker.timeToDetect(stop.atMs);
    tracker.setPhase('rolling-back', `rolling back: ${stop.message}`);
    compensation = await saga.compensate(tracker);
    timeToRollbackMs = Date.now() - stop.atMs;
    if (compensation.failed.length > 0) {
      outcome = 'failed';
      reason = Reason.CompensationFailed;
      message = `${stop.message}; then undo failed: ${compensation.failed.map((f) => `${f.name} (${f.error})`).join('; ')}`;
    }
  } finally {
    deadline?.cancel();
  }

  if (outcome === 'promoted' && release && !sameRelease(previous, release)) {
    await pruneRetainedReleases(spec, release, previous, tracker);
  }

  tracker.setPhase(FINAL_PHASE[outcome], message);
  const result: DeploymentResult = {
    outcome,
    reason,
    message,
    service: spec.service,
    environment: spec.environment,
    // A failed build has no deployable release, but its version was known: name it.
    release: release ?? tracker.status.release,
    previous,
    phaseDurations: tracker.phaseDurations(),
    timeToRollbackMs,
    timeToDetectMs,
    compensations: compensation.ran,
    ...(errorType ? { errorType } : {}),
    startedAt: tracker.status.startedAt,
    finishedAt: tracker.now(),
  };
  tracker.status.result = result;
  if (!spec.drillRun) recordReleaseEnd(result);
  tracker.event('finished', `${outcome}: ${message}`, { outcome, reason });
  notifier.finished(result);
  await notifier.settle();

  // Let an in-flight approve update or signal finish before the run closes (also when cancelled).
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  if (outcome === 'failed') {
    throw ApplicationFailure.create({ type: ErrorType.DeploymentFailed, message: `${reason}: ${message}`, nonRetryable: true, details: [result] });
  }
  return result;
}

/** Best effort: a registry hiccup after promotion must not turn a good release into a failure. */
async function pruneRetainedReleases(spec: ReleaseSpec, release: Release, previous: Release | null, tracker: Tracker): Promise<void> {
  const imageRepo = spec.source.kind === 'build' ? spec.source.imageRepo : release.imageRef ? repositoryOf(release.imageRef) : undefined;
  const protect = [release.imageTag, ...(previous ? [previous.imageTag] : [])];
  try {
    const pruned = await pruneReleases({ service: spec.service, ...(imageRepo ? { imageRepo } : {}), keep: spec.retention.keep, protect });
    if (pruned.deleted.length > 0) tracker.event('info', `pruned ${pruned.deleted.map((d) => d.imageTag).join(', ')}`);
  } catch (err) {
    log.warn('pruning retained releases failed', { error: describeError(err) });
    tracker.event('info', `pruning retained releases failed: ${describeError(err)}`);
  }
}
