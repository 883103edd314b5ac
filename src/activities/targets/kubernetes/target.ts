import { Context } from '@temporalio/activity';
import type { RollingUpdate } from '../../../domain/ports';
import { ErrorType, badInput } from '../../../domain/errors';
import { sameConfig, type Release } from '../../../domain/release';
import { createKubernetesRouter, ROUTERS } from '../../routers/registry';
import { connectKubernetes, serverSideApply, type KubeClients } from './client';
import { deploymentTemplateOf, findReleaseReplicaSet, ownedReplicaSets, pickRollbackReplicaSet, runsRelease } from './history';
import { LABEL, baseName, deploymentName, podTemplate, releaseLabel, serviceManifest, type Scope, type Slot } from './manifests';
import type { KubernetesRouterContext, KubernetesTrafficRouter, RouterRegistry } from '../../routers/router';
import { deploymentOfUrl, readyPodUrls } from './instances';
import { deploymentRolloutStatus, type RolloutStatus } from './rollout';
import { parseKubernetesSettings } from './schema';
import {
  applySlot,
  listDeployments,
  readDeployment,
  roleOf,
  scaleDownAnnotation,
  scaleSlot,
  scaleSlots,
  knownDeployments,
  type KnownDeployments,
  setRole,
  SlotRoleMoved,
  slotOf,
  stableDeployment,
  templateRelease,
  waitForSlot,
  type ScopeContext,
} from './state';

/**
 * The Kubernetes target. Canary: a stable and a canary Deployment, traffic split by a pluggable
 * router (replica ratio or Gateway API HTTPRoute weights). Blue-green: two slot Deployments
 * (blue, green) behind an active and a preview Service whose selectors switch. Rolling: the
 * stable Deployment's image moves to the digest-pinned release and the wait follows
 * `kubectl rollout status`. Rollback: the previous (or a named) ReplicaSet's pod template, so the
 * controller scales that ReplicaSet back up instead of creating a new one.
 */
export type KubernetesRole = 'canary' | 'preview' | 'baseline';

export interface KubernetesTargetRef {
  service: string;
  environment: string;
  target: { kind: string; settings?: Record<string, unknown> };
  router?: { kind: string; settings?: Record<string, unknown> };
  /** Recorded on what the call creates; defaults to the calling activity's workflow id. */
  workflowId?: string;
}

export interface KubernetesCandidateInfo {
  role: KubernetesRole | 'stable';
  release: Release;
  /** Where the instance lives: `kubernetes://<namespace>/deployments/<name>` (no loopback URL). */
  url: string;
  deployment: string;
  namespace: string;
}

/**
 * How a rollback replaces the bad version: the previous version's pods all start at once beside
 * it (surge 100 %), and each bad pod goes as soon as a good one is available (none unavailable
 * before). One step instead of four at the default 25 %; a cluster without room for the surge
 * schedules what fits and proceeds as the bad pods free their place.
 */
export const ROLLBACK_ROLLING_UPDATE: RollingUpdate = { maxSurge: '100%', maxUnavailable: 0 };

const ACTIVE_SERVICE_SUFFIX = '';
const PREVIEW_SERVICE_SUFFIX = '-preview';

function callerWorkflowId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined;
  }
}

interface Opened extends ScopeContext {
  router: KubernetesTrafficRouter;
}

/**
 * `routers`: where router.kind is looked up (the registry by default); a Kubernetes canary takes
 * every router that serves the kubernetes family (none = the replica ratio).
 */
export function createKubernetesTarget(deps: { env?: NodeJS.ProcessEnv; routers?: RouterRegistry } = {}) {
  const routers = deps.routers ?? ROUTERS;
  /**
   * Each scope's stable slot as this target last listed it, so that a move back to the stable (an
   * abort's first undo) can patch at once instead of listing first. Only a hint: the stable's
   * patch tests the role label, and a slot that moved since sends the move back to the list.
   */
  const stableSlots = new WeakMap<KubeClients, Map<string, Slot>>();
  const scopeKey = (ctx: ScopeContext) => `${ctx.scope.namespace}/${baseName(ctx.scope)}`;
  function rememberStable(ctx: ScopeContext, slot: Slot | undefined): void {
    let slots = stableSlots.get(ctx.clients);
    if (!slots) stableSlots.set(ctx.clients, (slots = new Map()));
    if (slot) slots.set(scopeKey(ctx), slot);
    else slots.delete(scopeKey(ctx));
  }
  const rememberedStable = (ctx: ScopeContext) => stableSlots.get(ctx.clients)?.get(scopeKey(ctx));

  async function open(ref: KubernetesTargetRef): Promise<Opened> {
    const settings = parseKubernetesSettings(ref.target.settings);
    const clients = await connectKubernetes(settings, deps.env ?? process.env);
    const scope: Scope = {
      service: ref.service,
      environment: ref.environment,
      namespace: clients.namespace,
      settings,
      workflowId: ref.workflowId ?? callerWorkflowId(),
    };
    return { clients, scope, router: createKubernetesRouter(ref.router?.kind ?? 'none', ref.router?.settings, routers) };
  }

  function info(ctx: ScopeContext, role: KubernetesCandidateInfo['role'], release: Release, slot: Slot): KubernetesCandidateInfo {
    const deployment = deploymentName(ctx.scope, slot);
    return { role, release, deployment, namespace: ctx.scope.namespace, url: `kubernetes://${ctx.scope.namespace}/deployments/${deployment}` };
  }

  async function stableSlotOf(ctx: ScopeContext): Promise<Slot> {
    const stable = await stableDeployment(ctx);
    return stable ? slotOf(stable) : 'main';
  }

  /**
   * `known`: the scope's Deployments as this activity just listed them, which scaling then reuses.
   * `unverified`: the stable slot comes from memory, so its scaling tests that it is still stable.
   */
  function routerContext(ctx: Opened, stableSlot: Slot, known?: KnownDeployments, unverified = false): KubernetesRouterContext {
    const guarded = (c: { slot: Slot; replicas: number }) => (unverified && c.slot === stableSlot ? { ...c, role: 'stable' as const } : c);
    return { clients: ctx.clients, scope: ctx.scope, stableSlot, scale: (changes) => scaleSlots(ctx, changes.map(guarded), known) };
  }

  /** The router's view from one list: the stable slot, and the Deployments its scaling starts from. */
  async function routing(ctx: Opened): Promise<{ rc: KubernetesRouterContext; known: KnownDeployments }> {
    const known = await knownDeployments(ctx);
    const stable = [...known.values()].find((d) => d && roleOf(d) === 'stable');
    rememberStable(ctx, stable ? slotOf(stable) : undefined);
    return { rc: routerContext(ctx, stable ? slotOf(stable) : 'main', known), known };
  }

  /**
   * All traffic back to the stable without a list first, from the remembered stable slot: the
   * router scales that slot only if it is still labelled stable. Without prepare, which needs the
   * listed truth (a gateway's stable Service selects the stable slot); whatever follows a move
   * back to the stable (removeCandidate, promoteCandidate) lists and re-applies the router's
   * objects. False when nothing is remembered or the slot moved: the caller lists.
   */
  async function returnToRememberedStable(ctx: Opened): Promise<boolean> {
    const stableSlot = rememberedStable(ctx);
    if (!stableSlot) return false;
    try {
      await ctx.router.setWeight(routerContext(ctx, stableSlot, undefined, true), 0);
      return true;
    } catch (err) {
      if (!(err instanceof SlotRoleMoved)) throw err;
      rememberStable(ctx, undefined);
      return false;
    }
  }

  /**
   * Sends `weight`% to the canary. The router's objects are re-applied beside the change rather
   * than before it: they exist since the canary started, and on an abort every round trip counts.
   */
  async function route(ctx: Opened, rc: KubernetesRouterContext, weight: number): Promise<void> {
    await Promise.all([ctx.router.prepare(rc), ctx.router.setWeight(rc, weight)]);
  }

  /** The active Service of a blue-green environment points at one slot. */
  async function pointService(ctx: ScopeContext, suffix: string, slot: Slot): Promise<void> {
    await serverSideApply(ctx.clients, serviceManifest(ctx.scope, `${baseName(ctx.scope)}${suffix}`, { [LABEL.slot]: slot }));
  }

  /** The canary leaves: stable back to its full count and all traffic, canary at 0 pods. */
  async function restoreStable(ctx: Opened): Promise<void> {
    const { rc, known } = await routing(ctx);
    if (!known.get('canary')) return;
    await route(ctx, rc, 0);
    // A router that moves traffic without scaling (HTTPRoute weights) leaves the canary's pods.
    await scaleSlots(ctx, [{ slot: 'canary', replicas: 0 }], known);
  }

  return {
    /** The release the stable Deployment's pod template runs, or null before the first release. */
    async currentRelease(ref: KubernetesTargetRef): Promise<Release | null> {
      const ctx = await open(ref);
      const stable = await stableDeployment(ctx);
      return stable ? templateRelease(stable) : null;
    },

    /** Starts `release` beside the stable: a canary at weight 0, or a preview on the idle slot. */
    async deployCandidate(ref: KubernetesTargetRef & { release: Release; role: KubernetesRole; env?: Record<string, string> }): Promise<KubernetesCandidateInfo> {
      const ctx = await open(ref);
      const total = ctx.scope.settings.replicas;
      // The candidate's own environment (a drill's fault) goes into its pod template only.
      const own = (slot: Slot) => (ref.env && Object.keys(ref.env).length > 0 ? podTemplate(ctx.scope, slot, ref.release, ref.env) : undefined);
      if (ref.role === 'preview') {
        const stable = await stableDeployment(ctx);
        const stableSlot = stable ? slotOf(stable) : 'main';
        // Production traffic must stay on the stable slot while the preview starts: a Service
        // left by a canary release selects every slot, so pin it first.
        if (stable) await pointService(ctx, ACTIVE_SERVICE_SUFFIX, stableSlot);
        const slot: Slot = stableSlot === 'blue' ? 'green' : 'blue';
        await applySlot(ctx, slot, 'preview', ref.release, total, own(slot));
        await pointService(ctx, PREVIEW_SERVICE_SUFFIX, slot);
        return info(ctx, 'preview', ref.release, slot);
      }
      if (ref.role === 'baseline') {
        await applySlot(ctx, 'baseline', 'baseline', ref.release, 1);
        return info(ctx, 'baseline', ref.release, 'baseline');
      }
      const stable = await stableDeployment(ctx);
      const rc = routerContext(ctx, stable ? slotOf(stable) : 'main');
      // With nothing stable yet (a first release) the canary is all there is: full size.
      await applySlot(ctx, 'canary', 'canary', ref.release, stable ? ctx.router.replicasAt(total, 0).canary : total, own('canary'));
      await ctx.router.prepare(rc);
      if (stable) await ctx.router.setWeight(rc, 0);
      return info(ctx, 'canary', ref.release, 'canary');
    },

    /** `weight`% to the canary through the router. */
    async setTrafficWeight(ref: KubernetesTargetRef & { weight: number }): Promise<void> {
      const ctx = await open(ref);
      // An abort's first undo: every round trip before the patches is time the canary keeps serving.
      if (ref.weight === 0 && (await returnToRememberedStable(ctx))) return;
      const { rc } = await routing(ctx);
      await route(ctx, rc, ref.weight);
    },

    /**
     * Canary: the stable Deployment takes the canary's release (a rolling update), then the canary
     * goes to 0. Preview: the active Service switches to the preview slot, instantly; the old slot
     * stays up, labelled `previous`, until retireRelease after the scale-down delay.
     */
    async promoteCandidate(ref: KubernetesTargetRef & { release: Release; role: KubernetesRole }): Promise<KubernetesCandidateInfo> {
      const ctx = await open(ref);
      const total = ctx.scope.settings.replicas;
      if (ref.role === 'preview') {
        const preview = (await listDeployments(ctx)).items.find((d) => roleOf(d) !== 'stable' && runsRelease(templateRelease(d), ref.release) && slotOf(d) !== 'canary');
        const stable = await stableDeployment(ctx);
        const slot = preview ? slotOf(preview) : stable && runsRelease(templateRelease(stable), ref.release) ? slotOf(stable) : undefined;
        if (!slot) throw new Error(`no preview of ${ref.release.version} to promote in ${ctx.scope.namespace}`);
        await scaleSlot(ctx, slot, total);
        await pointService(ctx, ACTIVE_SERVICE_SUFFIX, slot);
        await setRole(ctx, slot, 'stable', scaleDownAnnotation(null));
        if (stable && slotOf(stable) !== slot) await setRole(ctx, slotOf(stable), 'previous', scaleDownAnnotation(new Date()));
        rememberStable(ctx, slot);
        return info(ctx, 'stable', ref.release, slot);
      }
      const stableSlot = await stableSlotOf(ctx);
      await applySlot(ctx, stableSlot, 'stable', ref.release, total);
      await restoreStable(ctx);
      return info(ctx, 'stable', ref.release, stableSlot);
    },

    /** Takes the candidate out: traffic back to stable, candidate scaled to 0 (kept for history). */
    async removeCandidate(ref: KubernetesTargetRef & { role: KubernetesRole }): Promise<void> {
      const ctx = await open(ref);
      if (ref.role === 'canary') return restoreStable(ctx);
      if (ref.role === 'baseline') return scaleSlot(ctx, 'baseline', 0);
      for (const d of (await listDeployments(ctx)).items) {
        if (roleOf(d) === 'preview') await scaleSlot(ctx, slotOf(d), 0);
      }
    },

    /**
     * Back to `release` (or, without one, the previous revision): a warm blue-green slot that
     * still holds it takes the active Service back; otherwise the stable Deployment gets the pod
     * template of the ReplicaSet that ran it, which the controller scales back up; a release
     * older than the kept history is set by image (a new ReplicaSet).
     */
    async rollbackToRelease(ref: KubernetesTargetRef & { release?: Release }): Promise<KubernetesCandidateInfo> {
      const ctx = await open(ref);
      const total = ctx.scope.settings.replicas;
      // A canary that still runs pods leaves first. One at 0 pods already gave its traffic back;
      // restoring anyway would wait on the stable's rollout, which has failed for good when the
      // stable missed its progress deadline: the very state this rollback repairs.
      if (((await readDeployment(ctx, 'canary'))?.spec?.replicas ?? 0) > 0) await restoreStable(ctx);
      const deployments = (await listDeployments(ctx)).items;
      const stable = deployments.find((d) => roleOf(d) === 'stable');
      const warm = ref.release
        ? deployments.find((d) => roleOf(d) === 'previous' && runsRelease(templateRelease(d), ref.release!))
        : deployments.find((d) => roleOf(d) === 'previous');
      if (warm) {
        const slot = slotOf(warm);
        await scaleSlot(ctx, slot, total);
        await pointService(ctx, ACTIVE_SERVICE_SUFFIX, slot);
        await setRole(ctx, slot, 'stable', scaleDownAnnotation(null));
        if (stable) await setRole(ctx, slotOf(stable), 'previous', scaleDownAnnotation(new Date()));
        rememberStable(ctx, slot);
        return info(ctx, 'stable', templateRelease(warm)!, slot);
      }
      if (!stable) {
        if (!ref.release) throw new Error(`nothing to roll back: ${baseName(ctx.scope)} has no stable Deployment`);
        await applySlot(ctx, 'main', 'stable', ref.release, total, undefined, ROLLBACK_ROLLING_UPDATE);
        return info(ctx, 'stable', ref.release, 'main');
      }
      const slot = slotOf(stable);
      const current = templateRelease(stable);
      if (ref.release && current && releaseLabel(current) === releaseLabel(ref.release) && (!ref.release.config || sameConfig(current, ref.release))) {
        await waitForSlot(ctx, slot);
        return info(ctx, 'stable', current, slot);
      }
      const replicaSets = await ownedReplicaSets(ctx.clients, stable);
      if (ref.release && !findReleaseReplicaSet(replicaSets, ref.release)) {
        // Not in the Deployment's history any more (revisionHistoryLimit), but retained in the
        // registry: `set image` to its digest, which needs a new ReplicaSet.
        await applySlot(ctx, slot, 'stable', ref.release, total, undefined, ROLLBACK_ROLLING_UPDATE);
        return info(ctx, 'stable', ref.release, slot);
      }
      const target = pickRollbackReplicaSet(stable, replicaSets, ref.release);
      const template = deploymentTemplateOf(target);
      const release = templateReleaseOf(template) ?? ref.release;
      if (!release) throw new Error(`replica set ${target.metadata?.name} carries no sluice release annotation`);
      await applySlot(ctx, slot, 'stable', release, total, template, ROLLBACK_ROLLING_UPDATE);
      return info(ctx, 'stable', release, slot);
    },

    /** Scales down every non-stable Deployment running `release` (the old blue-green slot, a canary). */
    async retireRelease(ref: KubernetesTargetRef & { release: Release }): Promise<void> {
      const ctx = await open(ref);
      for (const d of (await listDeployments(ctx)).items) {
        if (roleOf(d) !== 'stable' && runsRelease(templateRelease(d), ref.release)) await scaleSlot(ctx, slotOf(d), 0);
      }
    },

    /**
     * Rolling release: the stable Deployment's image moves to the digest-pinned release. A missed
     * progress deadline throws KubernetesProgressDeadlineExceeded (non-retryable) for the saga.
     */
    async rollOut(ref: KubernetesTargetRef & { release: Release; rollingUpdate?: RollingUpdate }): Promise<KubernetesCandidateInfo> {
      const ctx = await open(ref);
      const slot = await stableSlotOf(ctx);
      await applySlot(ctx, slot, 'stable', ref.release, ctx.scope.settings.replicas, undefined, ref.rollingUpdate);
      return info(ctx, 'stable', ref.release, slot);
    },

    /** Base URLs of the ready pods behind a candidate URL of this scope (kubernetes://<namespace>/deployments/<name>). */
    async readyInstances(ref: KubernetesTargetRef & { url: string }): Promise<string[]> {
      const ctx = await open(ref);
      const where = deploymentOfUrl(ref.url);
      if (!where) throw badInput(ErrorType.NoReadyInstances, `${ref.url} names no Deployment (kubernetes://<namespace>/deployments/<name>)`);
      return readyPodUrls(ctx.clients, where, ctx.scope.settings.containerName);
    },

    /** `kubectl rollout status` of the stable Deployment, without waiting. */
    async rolloutStatus(ref: KubernetesTargetRef): Promise<RolloutStatus & { release: Release | null }> {
      const ctx = await open(ref);
      const stable = await stableDeployment(ctx);
      if (!stable) return { done: false, failed: false, message: 'no stable deployment', release: null };
      return { ...deploymentRolloutStatus(stable), release: templateRelease(stable) };
    },
  };
}

function templateReleaseOf(template: { metadata?: { annotations?: Record<string, string> } }): Release | null {
  const raw = template.metadata?.annotations?.['sluice.dev/release'];
  try {
    return raw ? (JSON.parse(raw) as Release) : null;
  } catch {
    return null;
  }
}

export type KubernetesTarget = ReturnType<typeof createKubernetesTarget>;
