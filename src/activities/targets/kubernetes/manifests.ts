import { createHash } from 'node:crypto';
import type { RollingUpdate } from '../../../domain/ports';
import type { ResolvedConfig } from '../../../domain/config';
import type { Release } from '../../../domain/release';
import type { k8s } from './client';
import { MAX_SLOT_PORT_OFFSET, type KubernetesTargetSettings } from './schema';
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
  /**
   * The config version (`cfg-…`) a pod template runs, and the ConfigMap that holds it. Only on
   * releases with a configuration, so a template without one hashes as it always did.
   */
  config: 'sluice.dev/config',
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
  configDigest: 'sluice.dev/config-digest',
  configSource: 'sluice.dev/config-source',
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
 * What each slot listens on with `network: host`: the pods of every slot share their node's
 * network, and two pods on one node cannot bind the same port, so a canary (or a baseline, or the
 * other blue-green slot) beside a stable pod needs a port of its own. Fixed per slot, so a pod
 * template never depends on which slot happened to be free, and documented in docs/kubernetes.md.
 */
export const SLOT_PORT_OFFSET = { main: 0, canary: 1, blue: 2, green: 3, baseline: MAX_SLOT_PORT_OFFSET } as const satisfies Record<Slot, number>;

/** The port a slot's pods listen on: `containerPort`, plus the slot's offset with `network: host`. */
export function slotPort(settings: Pick<KubernetesTargetSettings, 'containerPort' | 'network'>, slot: Slot): number {
  return settings.network === 'host' ? settings.containerPort + SLOT_PORT_OFFSET[slot] : settings.containerPort;
}

const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';

/**
 * Where the pods may run and how they reach the network. Empty for the defaults, so the pod
 * template of a `network: pod` release is what it was before these settings existed (same
 * template hash, same ReplicaSet on a rollback).
 */
function placement(scope: Scope, slot: Slot): Partial<k8s.V1PodSpec> {
  const { settings } = scope;
  return {
    ...(settings.network === 'host'
      ? {
          hostNetwork: true,
          // Without it a hostNetwork pod resolves names with the node's resolver, not the cluster's.
          dnsPolicy: 'ClusterFirstWithHostNet',
          // One pod of a slot per node: they all bind the slot's port on the node's address.
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { ...scopeSelector(scope), [LABEL.slot]: slot } }, topologyKey: HOSTNAME_TOPOLOGY }],
            },
          },
        }
      : {}),
    ...(Object.keys(settings.nodeSelector).length > 0 ? { nodeSelector: { ...settings.nodeSelector } } : {}),
    ...(settings.tolerations.length > 0 ? { tolerations: settings.tolerations.map((t) => ({ ...t })) } : {}),
  };
}

/**
 * The container's environment, in increasing precedence: the target's `env`, the release's
 * configuration (each key read from its ConfigMap, so the values live in one object, not in
 * every template), its secrets (each a key of the scope's Secret, read by the kubelet: the value
 * never passes through Sluice), and a candidate's own environment (a drill's fault, which a config
 * value must never mask). With `network: pod` the service listens on every interface of its own
 * pod unless `env` says otherwise; with `network: host` always on its node's address (the downward
 * API's status.hostIP, which the kubelet expands into ADDR) and the slot's port, never on 0.0.0.0
 * of a shared network.
 */
function containerEnv(scope: Scope, slot: Slot, extraEnv: Record<string, string>, config: ResolvedConfig | undefined): k8s.V1EnvVar[] {
  const { settings } = scope;
  const port = slotPort(settings, slot);
  const plain = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => ({ name, value }));
  const layers: k8s.V1EnvVar[][] = [
    plain(settings.env),
    Object.keys(config?.values ?? {})
      .sort()
      .map((key) => ({ name: key, valueFrom: { configMapKeyRef: { name: configMapName(scope, config!), key } } })),
    (config?.version.secrets ?? []).map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName(scope), key } } })),
    plain(extraEnv),
  ];
  const byName = new Map<string, k8s.V1EnvVar>();
  // With `network: pod` ADDR is only a default, which `env` may change.
  if (settings.network !== 'host') byName.set('ADDR', { name: 'ADDR', value: `0.0.0.0:${port}` });
  for (const layer of layers) for (const v of layer) byName.set(v.name, v);
  if (settings.network !== 'host') return [...byName.values()];
  const fixed: k8s.V1EnvVar[] = [
    { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
    { name: 'ADDR', value: `$(HOST_IP):${port}` },
  ];
  return [...fixed, ...[...byName.values()].filter((v) => !fixed.some((f) => f.name === v.name))];
}

/** The ConfigMap of a config version: named by its content, immutable, shared by every slot. */
export function configMapName(scope: Pick<Scope, 'service' | 'environment'>, config: ResolvedConfig): string {
  return `${baseName(scope)}-${config.version.id}`;
}

export function configMapManifest(scope: Scope, config: ResolvedConfig): k8s.V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName(scope, config),
      namespace: scope.namespace,
      labels: { ...commonLabels(scope), [LABEL.config]: config.version.id },
      annotations: { [ANNOTATION.configDigest]: config.version.digest, [ANNOTATION.configSource]: config.version.source },
    },
    immutable: true,
    data: { ...config.values },
  };
}

/** The Secret whose keys hold the secrets a release's configuration names. */
export function secretName(scope: Scope): string {
  return scope.settings.secretName ?? baseName(scope);
}

/**
 * The pod template for a release in a slot. It holds nothing that changes between two deploys of
 * the same release (no workflow id, no timestamps), so rolling back to a release the Deployment
 * still has a ReplicaSet for scales that ReplicaSet up instead of creating a new one.
 * `extraEnv` is a candidate's own environment (a drill's fault); stable slots never get one.
 */
export function podTemplate(scope: Scope, slot: Slot, release: Release, extraEnv: Record<string, string> = {}): k8s.V1PodTemplateSpec {
  const { settings } = scope;
  const port = slotPort(settings, slot);
  return {
    metadata: {
      labels: { ...commonLabels(scope), [LABEL.slot]: slot, [LABEL.release]: releaseLabel(release), ...(release.config ? { [LABEL.config]: release.config.version.id } : {}) },
      annotations: releaseAnnotations(release),
    },
    spec: {
      ...placement(scope, slot),
      containers: [
        {
          name: settings.containerName,
          image: pinnedImage(release),
          // With hostNetwork the API server would default hostPort to the same value; written
          // out, the template says what the node's port is.
          ports: [{ name: 'http', containerPort: port, ...(settings.network === 'host' ? { hostPort: port } : {}) }],
          env: containerEnv(scope, slot, extraEnv, release.config),
          // The first probe comes as the container starts, usually before the server listens;
          // the period is then what a restore waits for the pod to count, so it is the shortest.
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1 },
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

/**
 * A Service selecting some of the scope's pods: ClusterIP by default; NodePort when clients outside
 * the cluster reach the pods through every node's port (kube-proxy, or the local stack's
 * kube-service-proxy, balances over the ready pods).
 */
export function serviceManifest(scope: Scope, name: string, selector: Record<string, string>, type: 'ClusterIP' | 'NodePort' = 'ClusterIP'): k8s.V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: scope.namespace, labels: commonLabels(scope) },
    spec: {
      type,
      selector: { ...scopeSelector(scope), ...selector },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
}
