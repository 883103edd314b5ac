/**
 * Activity proxies with their timeouts and retry policies, one named option set per kind of
 * work. Only types come from outside the workflow sandbox (src/domain/ports.ts).
 */
import { proxyActivities, type ActivityFunctionWithOptions, type ActivityOptions } from '@temporalio/workflow';
import type { ApprovalPort } from '../domain/approval';
import type { BuildPort, ConfigPort, DeployPort, InstancesPort, RegistryPort } from '../domain/ports';

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
 * Changes to the target and router: bounded, retried for transient daemon/socket errors. No
 * heartbeat timeout (not every adapter heartbeats). The workflow never cancels these: an abort
 * lets the call finish, then undoes it (Control.uninterrupted), so undo never races a change.
 */
export const deployActivity: ActivityOptions = {
  startToCloseTimeout: '3m',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 6 },
};

/**
 * Undo steps: retried longer, because giving up leaves a half-released environment. Still
 * bounded, so a broken target ends the workflow `failed` with CompensationFailed instead of
 * retrying forever out of sight.
 */
export const compensationActivity: ActivityOptions = {
  startToCloseTimeout: '3m',
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

export const git = proxyActivities<Pick<BuildPort, 'resolveVersion' | 'generateChangelog'>>(gitActivity);
export const build = proxyActivities<Pick<BuildPort, 'buildImage' | 'buildBinary'>>(buildActivity);
export const registry = proxyActivities<Pick<RegistryPort, 'pushImage'>>(pushActivity);
export const retention = proxyActivities<Pick<RegistryPort, 'listReleases' | 'pruneReleases' | 'releasedConfig'>>(registryMaintenanceActivity);
export const deploy = proxyActivities<Omit<DeployPort, 'probeHealth'>>(deployActivity);
export const undo = proxyActivities<Omit<DeployPort, 'probeHealth'>>(compensationActivity);
export const health = proxyActivities<Pick<DeployPort, 'probeHealth'>>(probeActivity);
export const lookup = proxyActivities<InstancesPort>(lookupActivity);
export const config = proxyActivities<ConfigPort>(configActivity);
export const approvals = proxyActivities<ApprovalPort>(approvalActivity);

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
