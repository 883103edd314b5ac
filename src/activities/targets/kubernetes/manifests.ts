import { createHash } from 'node:crypto';
import type { RollingUpdate } from '../../../domain/ports';
import type { Release } from '../../../domain/release';
import type { k8s } from './client';
import { type KubernetesTargetSettings } from './schema';
import { ErrorType, badInput } from '../../../domain/errors';

/**
 * Names, labels and object builders. Everything Sluice creates carries the service, environment,
 * role and release as labels, and the full release plus the workflow id as annotations, so the
 * target's state is read back from the cluster after a crash, never from memory.
 */
export const LABEL = {
  service: 'sluice.dev/service',
  environment: 'sluice.dev/environment',
  /** stable | canary | preview | previous: on Deployments only (changes without a rollout). */
  role: 'sluice.dev/role',
  /** main | canary | blue | green: the Deployment's fixed slot, in its selector and pod labels. */
  slot: 'sluice.dev/slot',
  release: 'sluice.dev/release',
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
} as const;

export const ANNOTATION = {
  release: 'sluice.dev/release',
  version: 'sluice.dev/version',
  imageRef: 'sluice.dev/image-ref',
  workflowId: 'sluice.dev/workflow-id',
  /** On a blue-green Deployment that lost the active role: when retireRelease may scale it down. */
  scaleDownAt: 'sluice.dev/scale-down-at',
} as const;

export type Slot = 'main' | 'canary' | 'blue' | 'green' | 'baseline';
export type DeploymentRole = 'stable' | 'canary' | 'preview' | 'baseline' | 'previous';

export interface Scope {
  service: string;
  environment: string;
  namespace: string;
  settings: KubernetesTargetSettings;
  workflowId?: string;
}

/** `<service>-<environment>`, shortened with a hash so `-canary` and pod suffixes still fit 63. */
export function baseName(scope: Pick<Scope, 'service' | 'environment'>): string {
  const full = `${scope.service}-${scope.environment}`;
  if (full.length <= 40) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 31).replace(/-+$/, '')}-${hash}`;
}

export function deploymentName(scope: Pick<Scope, 'service' | 'environment'>, slot: Slot): string {
  return slot === 'main' ? baseName(scope) : `${baseName(scope)}-${slot}`;
}

/** A label value (63 chars of [A-Za-z0-9._-]) that names the release: its image tag. */
export function releaseLabel(release: Release): string {
  const tag = release.imageTag.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return tag.length <= 63 ? tag : tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

export function scopeSelector(scope: Pick<Scope, 'service' | 'environment'>): Record<string, string> {
  return { [LABEL.service]: scope.service, [LABEL.environment]: scope.environment };
}

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function commonLabels(scope: Scope): Record<string, string> {
  return { ...scope.settings.labels, [LABEL.name]: scope.service, [LABEL.managedBy]: 'sluice', ...scopeSelector(scope) };
}

/** The image a pod runs: the digest-pinned reference, never a mutable tag. */
export function pinnedImage(release: Release): string {
  if (!release.imageRef || !/@sha256:[0-9a-f]{64}$/.test(release.imageRef)) {
    throw badInput(ErrorType.ImageNotPinned, `release ${release.version} of ${release.service} has no digest-pinned imageRef (repo@sha256:...)`);
  }
  return release.imageRef;
}

export function releaseFromAnnotations(annotations: Record<string, string> | undefined): Release | null {
  const raw = annotations?.[ANNOTATION.release];
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Release;
    return typeof value.service === 'string' && typeof value.version === 'string' ? value : null;
  } catch {
    return null;
  }
}

function releaseAnnotations(release: Release): Record<string, string> {
  return {
    [ANNOTATION.release]: JSON.stringify(release),
    [ANNOTATION.version]: release.version,
    ...(release.imageRef ? { [ANNOTATION.imageRef]: release.imageRef } : {}),
  };
}

/**
 * The pod template for a release in a slot. It holds nothing that changes between two deploys of
 * the same release (no workflow id, no timestamps), so rolling back to a release the Deployment
 * still has a ReplicaSet for scales that ReplicaSet up instead of creating a new one.
 * `extraEnv` is a candidate's own environment (a drill's fault); stable slots never get one.
 */
export function podTemplate(scope: Scope, slot: Slot, release: Release, extraEnv: Record<string, string> = {}): k8s.V1PodTemplateSpec {
  const { settings } = scope;
  return {
    metadata: {
      labels: { ...commonLabels(scope), [LABEL.slot]: slot, [LABEL.release]: releaseLabel(release) },
      annotations: releaseAnnotations(release),
    },
    spec: {
      containers: [
        {
          name: settings.containerName,
          image: pinnedImage(release),
          ports: [{ name: 'http', containerPort: settings.containerPort }],
          env: Object.entries({ ADDR: `0.0.0.0:${settings.containerPort}`, ...settings.env, ...extraEnv }).map(([name, value]) => ({ name, value })),
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2 },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
        },
      ],
    },
  };
}

export function deploymentManifest(
  scope: Scope,
  slot: Slot,
  role: DeploymentRole,
  release: Release,
  replicas: number,
  template: k8s.V1PodTemplateSpec = podTemplate(scope, slot, release),
  rolling: RollingUpdate = { maxSurge: '25%', maxUnavailable: 0 },
): k8s.V1Deployment {
  const { settings } = scope;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deploymentName(scope, slot),
      namespace: scope.namespace,
      labels: { ...commonLabels(scope), [LABEL.slot]: slot, [LABEL.role]: role, [LABEL.release]: releaseLabel(release) },
      annotations: { ...releaseAnnotations(release), ...(scope.workflowId ? { [ANNOTATION.workflowId]: scope.workflowId } : {}) },
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...scopeSelector(scope), [LABEL.slot]: slot } },
      progressDeadlineSeconds: rolling.progressDeadlineSeconds ?? settings.progressDeadlineSeconds,
      minReadySeconds: settings.minReadySeconds,
      revisionHistoryLimit: settings.revisionHistoryLimit,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: rolling.maxSurge, maxUnavailable: rolling.maxUnavailable } },
      template,
    },
  };
}

/** A ClusterIP Service (API object only in the local stack) selecting some of the scope's pods. */
export function serviceManifest(scope: Scope, name: string, selector: Record<string, string>, extraLabels: Record<string, string> = {}): k8s.V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: scope.namespace, labels: { ...commonLabels(scope), ...extraLabels } },
    spec: {
      selector: { ...scopeSelector(scope), ...selector },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
}
