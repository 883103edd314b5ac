import { Context } from '@temporalio/activity';
import type { k8s, KubeClients } from './client';
import { ErrorType, badInput, transient } from '../../../domain/errors';
import { followObject } from './follow';

/** The Progressing condition's reason once the controller gives up (kubectl's TimedOutReason). */
export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

export interface RolloutStatus {
  done: boolean;
  /** True when the controller reported ProgressDeadlineExceeded: waiting longer cannot help. */
  failed: boolean;
  message: string;
}

/**
 * Whether a Deployment's rollout is finished, computed exactly the way `kubectl rollout status`
 * does it (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go): the controller must have
 * observed the current generation, every desired replica must run the new template, no old
 * replica may remain, and all updated replicas must be available.
 */
export function deploymentRolloutStatus(d: k8s.V1Deployment): RolloutStatus {
  const name = d.metadata?.name ?? '?';
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { done: false, failed: false, message: `waiting for deployment ${name} spec update to be observed` };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) {
    return { done: false, failed: true, message: `deployment ${name} exceeded its progress deadline: ${progressing.message ?? ''}`.trim() };
  }
  const desired = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) {
    return { done: false, failed: false, message: `waiting for deployment ${name} rollout to finish: ${updated} out of ${desired} new replicas have been updated` };
  }
  if (total > updated) {
    return { done: false, failed: false, message: `waiting for deployment ${name} rollout to finish: ${total - updated} old replicas are pending termination` };
  }
  if (available < updated) {
    return { done: false, failed: false, message: `waiting for deployment ${name} rollout to finish: ${available} of ${updated} updated replicas are available` };
  }
  return { done: true, failed: false, message: `deployment ${name} successfully rolled out` };
}

/**
 * `kubectl rollout status` calls a scale-down done while the surplus pods still run (it only
 * watches rollouts). A router that scales to shift traffic needs the pod count to have settled.
 */
function settled(d: k8s.V1Deployment, status: RolloutStatus): RolloutStatus {
  if (!status.done) return status;
  const desired = d.spec?.replicas ?? 1;
  const total = d.status?.replicas ?? 0;
  if (total !== desired) {
    return { done: false, failed: false, message: `waiting for deployment ${d.metadata?.name} to scale: ${total} of ${desired} replicas` };
  }
  return status;
}

/** The running activity, or undefined when called from a script, a test or the benchmark. */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** How often the Deployment is read besides the watch, in case the watch stalls. */
  fallbackPollMs?: number;
  /** The Deployment as a write just returned it: the wait starts there instead of with a list. */
  from?: k8s.V1Deployment;
  onProgress?: (status: RolloutStatus) => void;
}

/** Reads besides the watch: only a stalled watch makes them matter, so they can be sparse. */
const FALLBACK_POLL_MS = 1000;

/**
 * Follows the Deployment through watch events until its rollout is done, so the wait ends as soon
 * as the controller reports it. Each state seen heartbeats (so a dead worker is noticed and a
 * cancelled activity stops here); a missed progress deadline is a non-retryable
 * ProgressDeadlineExceeded failure, which the workflow treats as a failed check and compensates.
 */
export async function waitForRollout(clients: KubeClients, namespace: string, name: string, opts: WaitOptions): Promise<k8s.V1Deployment> {
  const activity = currentActivity();
  let last = `waiting for deployment ${name}`;
  const where = [{ deployment: name, namespace }];
  return followObject<k8s.V1Deployment, k8s.V1Deployment>(clients, {
    path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
    name,
    initial: opts.from,
    list: (fieldSelector) => clients.apps.listNamespacedDeployment({ namespace, fieldSelector }),
    decide(deployment) {
      if (!deployment) throw transient(ErrorType.DeploymentGone, `deployment ${name} is gone from namespace ${namespace}`);
      const status = settled(deployment, deploymentRolloutStatus(deployment));
      last = status.message;
      // A local activity (a weight move) has no heartbeat: the server never sees it, and each
      // attempt only made the SDK log a failed heartbeat on every watch event.
      if (activity && !activity.info.isLocal) activity.heartbeat({ deployment: name, status: status.message });
      opts.onProgress?.(status);
      if (status.failed) throw badInput(ErrorType.ProgressDeadlineExceeded, status.message, undefined, where);
      return status.done ? deployment : undefined;
    },
    timeoutMs: opts.timeoutMs,
    timeoutError: () => badInput(ErrorType.RolloutTimeout, `${last} (gave up after ${Math.round(opts.timeoutMs / 1000)} s)`, undefined, where),
    fallbackPollMs: opts.fallbackPollMs ?? FALLBACK_POLL_MS,
    signal: activity?.cancellationSignal,
  });
}
