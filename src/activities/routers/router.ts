import type { z } from 'zod';
import type { AdapterConfig } from '../config';
import type { KubeClients } from '../targets/kubernetes/client';
import type { Scope as KubernetesScope, Slot as KubernetesSlot } from '../targets/kubernetes/manifests';

/**
 * One interface per extension point: what moves traffic between the instances a target runs.
 * Slots are fixed (stable, canary, baseline); which instance a slot points at, its weight and
 * whether it takes new requests are runtime state of the router, never of the worker.
 */
export type RouterSlot = 'stable' | 'canary' | 'baseline';
export const ROUTER_SLOTS: readonly RouterSlot[] = ['stable', 'canary', 'baseline'];

export interface RouterScope {
  service: string;
  environment: string;
}

export interface Address {
  host: string;
  port: number;
}

export interface SlotState {
  slot: RouterSlot;
  address: Address;
  weight: number;
  /** ready = takes new requests, drain = finishes what it has, maint = out. */
  state: 'ready' | 'drain' | 'maint';
}

/** A router for targets on this machine (docker, process): it moves traffic between loopback addresses. */
export interface Router {
  readonly kind: string;
  /** Creates the proxy for the service (idempotent; no reload when nothing changed). */
  ensure(scope: RouterScope): Promise<void>;
  /**
   * Points slots at instances and sets their weights in one go. Slots given are made ready at
   * their weight (address first, so no request reaches an old address after its weight rises);
   * slots not given are left as they are.
   */
  route(scope: RouterScope, slots: Partial<Record<RouterSlot, { address?: Address; weight: number }>>): Promise<void>;
  /** Stops new requests to a slot and waits until its in-flight ones finished (or the timeout). */
  drain(scope: RouterScope, slot: RouterSlot): Promise<void>;
  /** Takes a slot out entirely (after drain and after its instance stopped). */
  disable(scope: RouterScope, slot: RouterSlot): Promise<void>;
  /** What the proxy does now, for status and tests. Empty when there is no proxy. */
  slots(scope: RouterScope): Promise<SlotState[]>;
  /** Where clients reach the service through the router, if it has an address. */
  url(scope: RouterScope): string | undefined;
  /** Removes the proxy for the service (tests, decommissioning). */
  remove(scope: RouterScope): Promise<void>;
  /** False when the router cannot split traffic (then only 0 or 100 make sense). */
  readonly splitsTraffic: boolean;
}

/**
 * How a Kubernetes canary gets its share of traffic (Argo Rollouts' split between the basic
 * canary and its TrafficRoutingReconcilers): the Kubernetes target asks for a weight, the router
 * scales Deployments or writes the objects a gateway reads.
 */
export interface KubernetesRouterContext {
  clients: KubeClients;
  scope: KubernetesScope;
  /** The slot of the Deployment serving as stable (main after canary/rolling releases). */
  stableSlot: KubernetesSlot;
  /** Scales the slots' Deployments in one step (patches at once) and waits until every one has settled. */
  scale(changes: readonly { slot: KubernetesSlot; replicas: number }[]): Promise<void>;
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

/** The families of targets a router can serve; a target names the one it composes with. */
export type RouterFamily = 'loopback' | 'kubernetes';

/**
 * The one interface every traffic router implements: what it accepts (settings), where clients
 * reach it, and one factory per family of targets it serves. Which factories are present is the
 * router's capability data: a target of scope `loopback` takes every router with `loopback`.
 * Settings reach the factories unparsed; each factory validates them with `settings`.
 */
export interface RouterAdapter {
  readonly kind: string;
  readonly settings: z.ZodType;
  /** Where clients reach the service through this router, from its (valid) settings. */
  frontendUrl?(settings: Record<string, unknown>): string | undefined;
  readonly loopback?: (settings: Record<string, unknown>, config: AdapterConfig) => Router;
  readonly kubernetes?: (settings: Record<string, unknown>) => KubernetesTrafficRouter;
}

/** Router adapters by kind: src/activities/routers/registry.ts, plus any a test adds. */
export type RouterRegistry = Readonly<Record<string, RouterAdapter>>;
