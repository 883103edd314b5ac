import { createHash } from 'node:crypto';
import type { Release } from '../../src/domain/release';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import type { KubernetesTargetRef } from '../../src/activities/targets/kubernetes';
import { kube } from './cluster';

/**
 * A release pinned by digest. kwok runs no containers, so the digest need not exist in a
 * registry; it only has to be a well-formed, stable reference per version.
 */
export function release(service: string, version: string, repo = service): Release {
  const digest = createHash('sha256').update(`${repo}:${version}`).digest('hex');
  const imageTag = `v${version.replace('+', '-')}`;
  return { service, version, imageTag, commit: version.split('+')[1] ?? '', imageRef: `127.0.0.1:5000/${repo}@sha256:${digest}` };
}

/**
 * A generous progress deadline: the machine is shared and busy, and only the missed-deadline
 * test should ever miss one.
 */
export function targetRef(service: string, namespace: string, settings: Record<string, unknown> = {}, router?: KubernetesTargetRef['router']): KubernetesTargetRef {
  return {
    service,
    environment: 'test',
    target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas: 2, progressDeadlineSeconds: 120, ...settings } },
    router,
    workflowId: `test/${service}`,
  };
}

/** Every ReplicaSet in the namespace with its revision, release label and replica counts. */
export async function replicaSets(clients: KubeClients, namespace: string) {
  const list = await clients.apps.listNamespacedReplicaSet({ namespace });
  return list.items
    .map((rs) => ({
      name: rs.metadata!.name!,
      uid: rs.metadata!.uid!,
      owner: rs.metadata!.ownerReferences?.[0]?.name ?? '',
      revision: Number(rs.metadata!.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
      release: rs.spec!.template!.metadata!.labels!['sluice.dev/release'],
      replicas: rs.spec!.replicas ?? 0,
      available: rs.status?.availableReplicas ?? 0,
    }))
    .sort((a, b) => a.revision - b.revision);
}

export async function deployment(clients: KubeClients, namespace: string, name: string) {
  return clients.apps.readNamespacedDeployment({ name, namespace });
}
