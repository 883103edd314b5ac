/**
 * Activity proxies with their timeouts and retry policies, one named option set per kind of
 * work. Only types come from outside the workflow sandbox (src/domain/ports.ts).
 */
import { patched, proxyActivities, proxyLocalActivities, type ActivityFunctionWithOptions, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { ApprovalPort } from '../domain/approval';
import type { BuildPort, ConfigPort, DeployPort, InstancesPort, PromotionPort, RegistryPort } from '../domain/ports';
import type { Release } from '../domain/release';

/** Builds stream progress as heartbeats; a silent minute means the worker died. */
export const buildActivity: ActivityOptions = {
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 3 },
};

/** Git look-ups: quick, local. */
export const gitActivity: ActivityOptions = {
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumAttempts: 3 },
};

export const pushActivity: ActivityOptions = {
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5 },
};

/**
 * Ten missed beats: every deploy, undo and fleet step heartbeats each second while it runs
 * (heartbeatWhileRunning in src/activities/targets/activity-context.ts), so a worker killed
 * mid-step is noticed within this and the step runs again on another worker, where the
 * start-to-close timeout alone would hold the release for minutes.
 */
export const STEP_HEARTBEAT_TIMEOUT = '10s';

/**
 * Changes to the target and router: bounded, retried for transient daemon/socket errors. The
 * workflow never cancels these: an abort lets the call finish, then undoes it
 * (Control.uninterrupted), so undo never races a change.
 */
export const deployActivity: ActivityOptions = {
  startToCloseTimeout: '3m',
  heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 6 },
};

/**
 * Undo steps: retried longer, because giving up leaves a half-released environment. Still
 * bounded, so a broken target ends the workflow `failed` with CompensationFailed instead of
 * retrying forever out of sight.
 */
export const compensationActivity: ActivityOptions = {
  startToCloseTimeout: '3m',
  heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 20 },
};

/**
 * One health probe. No retries: a failed probe is a data point, counted by the check window.
 * Cancelled without waiting (it changes nothing), so an abort never waits on a slow endpoint.
 */
export const probeActivity: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
  cancellationType: 'TRY_CANCEL',
};

/** Which instances run behind a candidate now: one read of the target, retried briefly (a pod restarting). */
export const lookupActivity: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 6 },
};

/**
 * Reading the release's configuration: quick. An unreachable config centre is retried for about
 * a minute, then the release fails before anything was deployed; a bad key is not retried.
 */
export const configActivity: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 6 },
};

/**
 * Checking who signed an approval: a directory read and one signature check on the worker. A
 * person waits on the answer, so it is short; a broken keys directory is not retried.
 */
export const approvalActivity: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', maximumAttempts: 3 },
};

export const registryMaintenanceActivity: ActivityOptions = {
  startToCloseTimeout: '5m',
  retry: { initialInterval: '2s', maximumAttempts: 3 },
};

/**
 * Reads and router moves that take milliseconds run as local activities, in the workflow task
 * that asks for them: a regular activity costs a workflow-task round trip through the server
 * (25–40 ms on the stack's 2-core machine, the largest part of the orchestration overhead that
 * bench/orchestration-overhead.ts measures), a local one does not. They suit steps that are
 * short, idempotent and never cancelled midway (weights move under Control.uninterrupted); a
 * worker killed during one re-runs it on the next workflow task, which is what a retry would
 * do. Target changes (deploy, promote, remove, retire) stay regular activities: they can take
 * minutes and are worth seeing as their own events in the Web UI.
 */
export const quickDeployActivity: LocalActivityOptions = {
  startToCloseTimeout: deployActivity.startToCloseTimeout,
  retry: deployActivity.retry,
  // Retries further apart than this wait on a workflow timer instead of holding the task open.
  localRetryThreshold: '5s',
};
export const quickCompensationActivity: LocalActivityOptions = {
  startToCloseTimeout: compensationActivity.startToCloseTimeout,
  retry: compensationActivity.retry,
  localRetryThreshold: '5s',
};
/** A question to the Temporal server (whether a workflow runs): a read, retried briefly. */
export const quickLookupActivity: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 6 },
  localRetryThreshold: '5s',
};
export const quickMaintenanceActivity: LocalActivityOptions = {
  startToCloseTimeout: registryMaintenanceActivity.startToCloseTimeout,
  retry: registryMaintenanceActivity.retry,
  localRetryThreshold: '5s',
};

/** Histories recorded before the quick steps scheduled regular activities for them. */
export const PATCH_LOCAL_QUICK_STEPS = 'local-quick-steps';

export const git = proxyActivities<Pick<BuildPort, 'resolveVersion' | 'generateChangelog'>>(gitActivity);
export const build = proxyActivities<Pick<BuildPort, 'buildImage' | 'buildBinary'>>(buildActivity);
export const registry = proxyActivities<Pick<RegistryPort, 'pushImage'>>(pushActivity);
export const retention = proxyActivities<Pick<RegistryPort, 'listReleases' | 'pruneReleases' | 'releasedConfig'>>(registryMaintenanceActivity);
export const deploy = proxyActivities<Omit<DeployPort, 'probeHealth'> & PromotionPort>(deployActivity);
export const undo = proxyActivities<Omit<DeployPort, 'probeHealth'>>(compensationActivity);
export const health = proxyActivities<Pick<DeployPort, 'probeHealth'>>(probeActivity);
export const lookup = proxyActivities<InstancesPort>(lookupActivity);
export const config = proxyActivities<ConfigPort>(configActivity);
export const approvals = proxyActivities<ApprovalPort>(approvalActivity);
const quickDeploy = proxyLocalActivities<Pick<DeployPort, 'currentRelease' | 'setTrafficWeight'>>(quickDeployActivity);
const quickUndo = proxyLocalActivities<Pick<DeployPort, 'setTrafficWeight'>>(quickCompensationActivity);
const quickRetention = proxyLocalActivities<Pick<RegistryPort, 'listReleases' | 'pruneReleases'>>(quickMaintenanceActivity);

/** True on runs that take the quick steps locally (all new runs; false only replaying older histories). */
export function quickStepsLocal(): boolean {
  return patched(PATCH_LOCAL_QUICK_STEPS);
}

/** The release the target runs now. */
export function liveRelease(ref: Parameters<DeployPort['currentRelease']>[0]): Promise<Release | null> {
  const summary = `live version of ${ref.service} in ${ref.environment}`;
  return quickStepsLocal()
    ? quickDeploy.currentRelease.executeWithOptions({ ...quickDeployActivity, summary }, [ref])
    : withSummary(deploy.currentRelease, deployActivity, summary, ref);
}

/** Moves the router's weight, as a release step (`do`) or as an undo (retried longer). */
export function moveWeight(kind: 'do' | 'undo', summary: string, input: Parameters<DeployPort['setTrafficWeight']>[0]): Promise<void> {
  if (quickStepsLocal()) {
    const [fn, options] = kind === 'do' ? [quickDeploy.setTrafficWeight, quickDeployActivity] : [quickUndo.setTrafficWeight, quickCompensationActivity];
    return fn.executeWithOptions({ ...options, summary }, [input]);
  }
  const [fn, options] = kind === 'do' ? [deploy.setTrafficWeight, deployActivity] : [undo.setTrafficWeight, compensationActivity];
  return withSummary(fn, options, summary, input);
}

/** The releases the registry retains for a service. */
export function retainedReleases(input: Parameters<RegistryPort['listReleases']>[0]): ReturnType<RegistryPort['listReleases']> {
  const summary = `retained releases of ${input.service}`;
  return quickStepsLocal()
    ? quickRetention.listReleases.executeWithOptions({ ...quickMaintenanceActivity, summary }, [input])
    : withSummary(retention.listReleases, registryMaintenanceActivity, summary, input);
}

/** Deletes retained releases beyond `keep`. */
export function pruneReleases(input: Parameters<RegistryPort['pruneReleases']>[0]): ReturnType<RegistryPort['pruneReleases']> {
  const summary = `prune releases of ${input.service} beyond ${input.keep}`;
  return quickStepsLocal()
    ? quickRetention.pruneReleases.executeWithOptions({ ...quickMaintenanceActivity, summary }, [input])
    : withSummary(retention.pruneReleases, registryMaintenanceActivity, summary, input);
}

/**
 * Calls an activity with a one-line summary the Temporal UI shows beside it ("deploy canary
 * 1.4.3", "undo: send all traffic to stable"). User metadata only: it does not take part in
 * replay, so adding or rewording a summary is not a workflow change.
 */
export function withSummary<A extends unknown[], R>(
  fn: ActivityFunctionWithOptions<(...args: A) => Promise<R>>,
  options: ActivityOptions,
  summary: string,
  ...args: A
): Promise<R> {
  return fn.executeWithOptions({ ...options, summary }, args);
}
