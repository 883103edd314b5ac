import type { KubeClients } from './kubernetes-client';
import type { Scope, Slot } from './kubernetes-manifests';

/**
 * How a Kubernetes canary gets its share of traffic: one small interface, one file per
 * implementation under src/activities/routers, picked by `router.kind` (Argo Rollouts' split
 * between the basic canary and its TrafficRoutingReconcilers).
 */
export interface KubernetesRouterContext {
  clients: KubeClients;
  scope: Scope;
  /** The slot of the Deployment serving as stable (main after canary/rolling releases). */
  stableSlot: Slot;
  /** Scales one slot's Deployment and waits until its rollout is done. */
  scale(slot: Slot, replicas: number): Promise<void>;
}

export interface KubernetesTrafficRouter {
  kind: string;
  /** Pods each side runs at `weight`% to the canary, out of `total` stable pods. */
  replicasAt(total: number, weight: number): { stable: number; canary: number };
  /** Creates what the router routes through (Services, HTTPRoute), idempotently. */
  prepare(ctx: KubernetesRouterContext): Promise<void>;
  /** Sends `weight`% to the canary, the rest to the stable. */
  setWeight(ctx: KubernetesRouterContext, weight: number): Promise<void>;
}
