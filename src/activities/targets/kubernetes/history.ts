import { sameConfig, type Release } from '../../../domain/release';
import type { k8s, KubeClients } from './client';
import { LABEL, releaseLabel } from './manifests';
import { ErrorType, badInput } from '../../../domain/errors';

/** The Deployment controller's revision annotation on Deployments and their ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Added by the controller to every ReplicaSet's template; never part of a Deployment's template. */
const POD_TEMPLATE_HASH = 'pod-template-hash';

export function revisionOf(object: { metadata?: k8s.V1ObjectMeta }): number {
  return Number(object.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;
}

/** The Deployment's ReplicaSets (by owner reference), newest revision first. */
export async function ownedReplicaSets(clients: KubeClients, deployment: k8s.V1Deployment): Promise<k8s.V1ReplicaSet[]> {
  const namespace = deployment.metadata!.namespace!;
  const uid = deployment.metadata!.uid;
  const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const list = await clients.apps.listNamespacedReplicaSet({ namespace, labelSelector: selector });
  return list.items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === uid && o.controller)).sort((a, b) => revisionOf(b) - revisionOf(a));
}

/** A ReplicaSet's pod template as a Deployment would hold it (what `kubectl rollout undo` copies). */
export function deploymentTemplateOf(rs: k8s.V1ReplicaSet): k8s.V1PodTemplateSpec {
  const template = structuredClone(rs.spec!.template!);
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  // The serializer's instances carry undefined fields; a plain JSON copy is what the API expects.
  return JSON.parse(JSON.stringify(template)) as k8s.V1PodTemplateSpec;
}

/**
 * The newest ReplicaSet whose pods ran `release`, with its configuration when it names one: the
 * same build can have run with several config versions (config-only releases).
 */
export function findReleaseReplicaSet(replicaSets: k8s.V1ReplicaSet[], release: Release): k8s.V1ReplicaSet | undefined {
  const wanted = releaseLabel(release);
  const config = release.config?.version.id;
  return replicaSets.find((rs) => {
    const labels = rs.spec?.template?.metadata?.labels;
    return labels?.[LABEL.release] === wanted && (config === undefined || labels[LABEL.config] === config);
  });
}

/** A Deployment's template runs `wanted`: its version, and its configuration when `wanted` names one. */
export function runsRelease(running: Release | null, wanted: Release): boolean {
  return running?.version === wanted.version && (!wanted.config || sameConfig(running, wanted));
}

/**
 * Which ReplicaSet a rollback returns to: the one holding `release` (a named retained version),
 * or, without one, the newest revision older than the Deployment's current one (`rollout undo`).
 */
export function pickRollbackReplicaSet(deployment: k8s.V1Deployment, replicaSets: k8s.V1ReplicaSet[], release?: Release): k8s.V1ReplicaSet {
  const name = deployment.metadata?.name ?? '?';
  if (release) {
    const match = findReleaseReplicaSet(replicaSets, release);
    if (!match) {
      throw badInput(
        ErrorType.NoRollbackRevision,
        `deployment ${name} keeps no ReplicaSet for release ${release.version} (kept: ${replicaSets.map((rs) => rs.spec?.template?.metadata?.labels?.[LABEL.release] ?? '?').join(', ') || 'none'})`,
      );
    }
    return match;
  }
  const current = revisionOf(deployment);
  const previous = replicaSets.find((rs) => revisionOf(rs) < current);
  if (!previous) throw badInput(ErrorType.NoRollbackRevision, `deployment ${name} has no revision before ${current} to roll back to`);
  return previous;
}
