import { urlHost } from '../../../domain/address';
import { ErrorType, badInput, transient } from '../../../domain/errors';
import type { k8s, KubeClients } from './client';
import { LABEL, selectorString } from './manifests';

/**
 * The instances behind a `kubernetes://<namespace>/deployments/<name>` candidate: the base URL of
 * each ready pod of the Deployment's current pod template, for an analysis to scrape and load.
 * A hostNetwork pod is reached at its node's address (status.hostIP) on the port its container
 * declares, which is the slot's port; any other pod at its own IP, which only a caller inside the
 * cluster network can reach.
 */
export interface DeploymentLocation {
  namespace: string;
  name: string;
}

/** Namespace and name from a candidate URL, or undefined when it names no Deployment. */
export function deploymentOfUrl(url: string): DeploymentLocation | undefined {
  try {
    const parsed = new URL(url);
    const [, kind, name, ...rest] = parsed.pathname.split('/');
    if (parsed.protocol !== 'kubernetes:' || kind !== 'deployments' || !name || rest.length > 0 || !parsed.hostname) return undefined;
    return { namespace: parsed.hostname, name };
  } catch {
    return undefined;
  }
}

function isReady(pod: k8s.V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The base URL of a pod: its node's address or its own IP, and its container's `http` port. */
export function podUrl(pod: k8s.V1Pod, containerName: string): string | undefined {
  const containers = pod.spec?.containers ?? [];
  const container = containers.find((c) => c.name === containerName) ?? containers[0];
  const port = container?.ports?.find((p) => p.name === 'http')?.containerPort ?? container?.ports?.[0]?.containerPort;
  const address = pod.spec?.hostNetwork ? pod.status?.hostIP : pod.status?.podIP;
  return port && address ? `http://${urlHost(address)}:${port}` : undefined;
}

/**
 * Base URLs of the ready pods of a Deployment's current release, sorted. Pods of another release
 * (an old ReplicaSet still draining) are left out: they would be scraped under the wrong version.
 * None ready is an error: retried while the Deployment wants pods (one may be restarting), for
 * good when it wants none (a replica-ratio canary at weight 0 runs no pod).
 */
export async function readyPodUrls(clients: KubeClients, where: DeploymentLocation, containerName: string): Promise<string[]> {
  const deployment = await clients.apps.readNamespacedDeployment({ name: where.name, namespace: where.namespace });
  const selector = deployment.spec?.selector?.matchLabels ?? {};
  const release = deployment.spec?.template?.metadata?.labels?.[LABEL.release];
  const pods = await clients.core.listNamespacedPod({ namespace: where.namespace, labelSelector: selectorString(selector) });
  const urls = pods.items
    .filter((p) => isReady(p) && (!release || p.metadata?.labels?.[LABEL.release] === release))
    .map((p) => podUrl(p, containerName))
    .filter((u): u is string => u !== undefined)
    .sort();
  if (urls.length > 0) return urls;
  const wanted = deployment.spec?.replicas ?? 1;
  const message = `deployment ${where.namespace}/${where.name} has no ready pod to measure (${wanted} wanted)`;
  if (wanted === 0) throw badInput(ErrorType.NoReadyInstances, `${message}: a replica-ratio canary at weight 0 runs none, so give it a weight before its analysis`);
  throw transient(ErrorType.NoReadyInstances, message);
}
