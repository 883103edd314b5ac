import { z } from 'zod';
import { parseSettings } from '../../targets/settings';
import { serverSideApply } from '../../targets/kubernetes/client';
import { baseName, serviceManifest } from '../../targets/kubernetes/manifests';
import type { KubernetesRouterContext, KubernetesTrafficRouter, RouterAdapter } from '../router';

/**
 * Traffic by replica count, no mesh or gateway needed: one Service selects the pods of both
 * Deployments, so each gets a share of connections in proportion to its ready pods.
 *
 * The split with `keepStableFull: false` (what Argo Rollouts does for a canary without a traffic
 * router): the canary runs ceil(total * weight%) pods and the stable the rest, so the total stays
 * put, and an abort has to start the stable's missing pods again.
 */
export function replicaRatioSplit(total: number, weight: number): { stable: number; canary: number } {
  const w = Math.min(100, Math.max(0, weight));
  const canary = Math.ceil((total * w) / 100);
  return { canary, stable: Math.max(0, total - canary) };
}

/**
 * The default split, with the stable kept at its full count (`keepStableFull`): the canary runs the pods
 * that give it its share beside all of the stable's (at most as many); past 50 % the canary runs
 * full size and the stable shrinks instead. Up to twice the pods while a canary runs; in return a
 * move back to the stable from 50 % or less starts no pod, it only takes the canary's away.
 */
export function fullStableSplit(total: number, weight: number): { stable: number; canary: number } {
  const w = Math.min(100, Math.max(0, weight));
  const share = (part: number, rest: number) => Math.min(total, Math.max(1, Math.round((total * part) / rest)));
  if (w === 0) return { stable: total, canary: 0 };
  if (w === 100) return { stable: 0, canary: total };
  return w <= 50 ? { stable: total, canary: share(w, 100 - w) } : { stable: share(100 - w, w), canary: total };
}

export const ReplicaRatioRouterSettings = z.strictObject({
  /**
   * The type of the one Service both tracks sit behind. NodePort: clients outside the cluster reach
   * it on every node's port, balanced over the ready pods of both tracks by kube-proxy (the local
   * stack's kube-service-proxy on loopback).
   */
  serviceType: z.enum(['ClusterIP', 'NodePort']).default('ClusterIP'),
  /**
   * Keep the stable at its full count while the canary runs (fullStableSplit). On by default
   * because the moment that matters is the abort: it then only removes the canary's pods and
   * never waits for the stable's to start again (as Flagger's primary and Argo Rollouts' stable
   * behind a traffic router stay full). Off saves up to the stable's size in pods during a
   * canary, for clusters short of room, at the cost of a slower abort.
   */
  keepStableFull: z.boolean().default(true),
});
export type ReplicaRatioRouterSettings = z.infer<typeof ReplicaRatioRouterSettings>;

export function createReplicaRatioRouter(settings: ReplicaRatioRouterSettings = ReplicaRatioRouterSettings.parse({})): KubernetesTrafficRouter {
  const split = settings.keepStableFull ? fullStableSplit : replicaRatioSplit;
  return {
    kind: 'replica-ratio',
    replicasAt: split,
    async prepare(ctx: KubernetesRouterContext) {
      // The one Service both tracks sit behind: it selects by service and environment only.
      await serverSideApply(ctx.clients, serviceManifest(ctx.scope, baseName(ctx.scope), {}, settings.serviceType));
    },
    setWeight: (ctx, weight) => setWeight(ctx, split(ctx.scope.settings.replicas, weight)),
  };
}

/** Without settings: a ClusterIP Service (the `none` router on Kubernetes). */
export const replicaRatioRouter = createReplicaRatioRouter();

async function setWeight(ctx: KubernetesRouterContext, { stable, canary }: { stable: number; canary: number }): Promise<void> {
  if (canary === 0) {
    // Back to the stable (an abort, a rollback, the end of a promotion): the canary's pods are
    // the suspect ones, so both sides move at once. The stable's running pods keep serving
    // while its missing ones start; the time to restore is one step, not two waits.
    await ctx.scale([
      { slot: ctx.stableSlot, replicas: stable },
      { slot: 'canary', replicas: 0 },
    ]);
    return;
  }
  // Towards the canary: grow it first, so the total never dips below what is serving now.
  await ctx.scale([{ slot: 'canary', replicas: canary }]);
  await ctx.scale([{ slot: ctx.stableSlot, replicas: stable }]);
}

export const replicaRatioAdapter: RouterAdapter = {
  kind: 'replica-ratio',
  settings: ReplicaRatioRouterSettings,
  kubernetes: (settings) => createReplicaRatioRouter(parseSettings(ReplicaRatioRouterSettings, settings, 'replica-ratio router')),
};
