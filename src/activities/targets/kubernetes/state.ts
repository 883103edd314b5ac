import type { Release } from '../../../domain/release';
import type { RollingUpdate } from '../../../domain/ports';
import { FIELD_MANAGER, apiStatus, readOrUndefined, serverSideApply, type k8s, type KubeClients } from './client';
import {
  ANNOTATION,
  LABEL,
  deploymentManifest,
  deploymentName,
  releaseFromAnnotations,
  scopeSelector,
  selectorString,
  type DeploymentRole,
  type Scope,
  type Slot,
} from './manifests';
import { waitForRollout } from './rollout';
import { ensureReleaseConfig, pruneReleaseConfigs } from './config-maps';

/**
 * Reading and changing the scope's Deployments. The cluster is the only state: which Deployment
 * is stable is a label on it, which release it runs is in its pod template.
 */
export interface ScopeContext {
  clients: KubeClients;
  scope: Scope;
}

export function listDeployments(ctx: ScopeContext): Promise<k8s.V1DeploymentList> {
  return ctx.clients.apps.listNamespacedDeployment({ namespace: ctx.scope.namespace, labelSelector: selectorString(scopeSelector(ctx.scope)) });
}

export function slotOf(d: k8s.V1Deployment): Slot {
  return (d.metadata?.labels?.[LABEL.slot] ?? 'main') as Slot;
}

export function roleOf(d: k8s.V1Deployment): DeploymentRole | undefined {
  return d.metadata?.labels?.[LABEL.role] as DeploymentRole | undefined;
}

/** The release a Deployment's pod template runs (what is live, whatever the metadata says). */
export function templateRelease(d: k8s.V1Deployment): Release | null {
  return releaseFromAnnotations(d.spec?.template?.metadata?.annotations);
}

export async function stableDeployment(ctx: ScopeContext): Promise<k8s.V1Deployment | undefined> {
  const list = await listDeployments(ctx);
  return list.items.find((d) => roleOf(d) === 'stable');
}

export function readDeployment(ctx: ScopeContext, slot: Slot): Promise<k8s.V1Deployment | undefined> {
  return readOrUndefined(() => ctx.clients.apps.readNamespacedDeployment({ name: deploymentName(ctx.scope, slot), namespace: ctx.scope.namespace }));
}

export function rolloutTimeoutMs(ctx: ScopeContext): number {
  return ctx.scope.settings.rolloutTimeoutSeconds * 1000;
}

/**
 * Waits for a Deployment the way `kubectl rollout status` does (heartbeating); `from`, the object
 * a write just returned, saves the first read.
 */
export function waitForSlot(ctx: ScopeContext, slot: Slot, from?: k8s.V1Deployment): Promise<k8s.V1Deployment> {
  return waitForRollout(ctx.clients, ctx.scope.namespace, deploymentName(ctx.scope, slot), { timeoutMs: rolloutTimeoutMs(ctx), from });
}

/** Server-side applies a slot's Deployment (field manager `sluice`) and waits for its rollout. */
export async function applySlot(
  ctx: ScopeContext,
  slot: Slot,
  role: DeploymentRole,
  release: Release,
  replicas: number,
  template?: k8s.V1PodTemplateSpec,
  rolling?: RollingUpdate,
): Promise<k8s.V1Deployment> {
  await ensureReleaseConfig(ctx, release.config);
  const applied = await serverSideApply(ctx.clients, deploymentManifest(ctx.scope, slot, role, release, replicas, template, rolling));
  const settled = await waitForSlot(ctx, slot, applied);
  // After the rollout the controller has dropped what revisionHistoryLimit no longer keeps.
  await pruneReleaseConfigs(ctx);
  return settled;
}

async function mergePatch(ctx: ScopeContext, slot: Slot, patch: { metadata?: k8s.V1ObjectMeta; spec?: Partial<k8s.V1DeploymentSpec> }): Promise<k8s.V1Deployment> {
  const body = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    ...patch,
    metadata: { ...patch.metadata, name: deploymentName(ctx.scope, slot), namespace: ctx.scope.namespace },
  };
  return (await ctx.clients.objects.patch(
    body as k8s.KubernetesObject,
    undefined,
    undefined,
    FIELD_MANAGER,
    undefined,
    ctx.clients.k8s.PatchStrategy.MergePatch,
  )) as k8s.V1Deployment;
}

/**
 * Scales a slot and waits until it has settled. A slot that does not exist is left alone: before
 * the first release there is no stable Deployment for a router to scale.
 */
export function scaleSlot(ctx: ScopeContext, slot: Slot, replicas: number): Promise<void> {
  return scaleSlots(ctx, [{ slot, replicas }]);
}

/** What one activity knows of its scope's Deployments: read once, updated by its own writes. */
export type KnownDeployments = Map<Slot, k8s.V1Deployment | undefined>;

/** The scope's Deployments by slot, from one list. */
export async function knownDeployments(ctx: ScopeContext): Promise<KnownDeployments> {
  return new Map((await listDeployments(ctx)).items.map((d) => [slotOf(d), d]));
}

/** One slot's new size; `role`, when given, must still be the Deployment's role label or nothing changes. */
export interface SlotScale {
  slot: Slot;
  replicas: number;
  role?: DeploymentRole;
}

/**
 * A Deployment scaled with an expected role no longer holds it (a stable slot remembered from an
 * earlier list moved since): nothing was changed on it, and the caller reads the scope again.
 */
export class SlotRoleMoved extends Error {}

/**
 * Sets a slot's replicas without reading it first; undefined when the slot has no Deployment. A
 * JSON patch so that `role` is tested in the same request: the API server applies all or none.
 */
async function patchReplicas(ctx: ScopeContext, { slot, replicas, role }: SlotScale): Promise<k8s.V1Deployment | undefined> {
  const test = role ? [{ op: 'test', path: `/metadata/labels/${LABEL.role.replace(/~/g, '~0').replace(/\//g, '~1')}`, value: role }] : [];
  try {
    return await ctx.clients.apps.patchNamespacedDeployment({
      name: deploymentName(ctx.scope, slot),
      namespace: ctx.scope.namespace,
      body: [...test, { op: 'add', path: '/spec/replicas', value: replicas }],
      fieldManager: FIELD_MANAGER,
    });
  } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    // 422 is how a failed test operation comes back; the replica count itself is always valid.
    if (role && apiStatus(err) === 422) throw new SlotRoleMoved(`${deploymentName(ctx.scope, slot)} is no longer ${role}`);
    throw err;
  }
}

/**
 * Scales several slots in one step: every patch goes out at once and the waits run side by side,
 * each watching from its patch's answer, so the time is one round trip and the controller's
 * reaction, not one wait per slot. `known` (read at the start of the same activity) skips
 * patches that change nothing; each patch's answer replaces its entry. A slot not in `known` is
 * patched without a read (the API server makes an unchanged count a no-op).
 */
export async function scaleSlots(ctx: ScopeContext, changes: readonly SlotScale[], known?: KnownDeployments): Promise<void> {
  await Promise.all(
    changes.map(async (change) => {
      const current = known?.get(change.slot);
      if (known?.has(change.slot) && !current) return;
      const after = current?.spec?.replicas === change.replicas ? current : await patchReplicas(ctx, change);
      if (!after) return;
      const settled = await waitForSlot(ctx, change.slot, after);
      known?.set(change.slot, settled);
    }),
  );
}

/** Moves the role label (and optional annotations) on a Deployment; pods are not touched. */
export async function setRole(ctx: ScopeContext, slot: Slot, role: DeploymentRole, annotations: Record<string, string | null> = {}): Promise<void> {
  await mergePatch(ctx, slot, { metadata: { labels: { [LABEL.role]: role }, annotations: annotations as Record<string, string> } });
}

export function scaleDownAnnotation(at: Date | null): Record<string, string | null> {
  return { [ANNOTATION.scaleDownAt]: at ? at.toISOString() : null };
}
