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
