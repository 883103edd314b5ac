import type { ResolvedConfig } from '../../domain/config';
import { urlHost } from '../../domain/address';
import type pino from 'pino';
import type { z } from 'zod';
import type { Artifact } from '../../domain/adapters';
import type { CandidateRole, DeployPort, HealthProbeInput, HealthProbeResult, InstancesPort, Role, RolloutPort } from '../../domain/ports';
import { commitFromVersion, imageTagForVersion, sameBuildAndConfig, type Release } from '../../domain/release';
import type { AdapterConfig } from '../config';
import type { RouterFamily, RouterRegistry } from '../routers/router';

/**
 * The one interface every target adapter implements (src/activities/targets/<kind>/index.ts),
 * listed in src/activities/targets/registry.ts. What it can do is data, read by the spec
 * validation (through the adapter catalogue) and by src/activities/deploy, so neither the spec
 * schema nor a workflow names a kind:
 * - `artifact`: what a release must carry to run here (the workflow builds that);
 * - `routerFamily`: which routers it composes with (each router says which families it serves);
 * - `settings`: the zod schema of target.settings, checked before a workflow starts;
 * - `urlScheme` + `probeHealth`: instances addressed by something other than a loopback http URL
 *   are probed by the adapter itself.
 */
export interface TargetAdapter {
  readonly kind: string;
  readonly artifact: Artifact;
  readonly routerFamily: RouterFamily;
  readonly settings: z.ZodType;
  readonly urlScheme?: string;
  /** The target replaces its own instances by a rolling update (RolloutPort): the rolling strategy without hosts. */
  readonly rollsOut?: boolean;
  probeHealth?(input: HealthProbeInput): Promise<HealthProbeResult>;
  /** The deploy activities the workflows call (DeployPort), for this target and its router. */
  deployActivities(deps: TargetAdapterDeps): TargetActivities;
}

/** `readyInstances`: a target whose candidate URLs name more than one instance (its `urlScheme`) lists them. */
export type TargetActivities = Omit<DeployPort, 'probeHealth'> & Partial<RolloutPort> & Partial<InstancesPort>;

export interface TargetAdapterDeps {
  config: AdapterConfig;
  /** The routers to pick from by router.kind (the registry, or the registry plus test routers). */
  routers: RouterRegistry;
  logger: pino.Logger;
}

/**
 * What the loopback composition (src/activities/deploy/loopback.ts) needs from a place that runs
 * instances of a release on this machine (a Docker engine, a process supervisor). The router is
 * separate (src/activities/routers/router.ts); the composition moves traffic before anything is
 * stopped.
 *
 * Stable instances live in two slots (stable-a, stable-b) on two fixed ports: promotion starts
 * the new release in the slot the current stable does not hold, the router flips to it, and the
 * old one stays warm (same port, still running) until it is retired. Candidates each have one
 * slot. Every port comes from the target settings, so a re-run lands on the same port.
 */
export type { CandidateRole, Role };
export type Slot = 'stable-a' | 'stable-b' | CandidateRole;
export const SLOTS: readonly Slot[] = ['stable-a', 'stable-b', 'canary', 'baseline', 'preview'];

export interface TargetScope {
  service: string;
  environment: string;
  /** Recorded on what the call creates (a label, a pid file field). */
  workflowId: string;
}

/** What runs, as recovered from the world (container labels, pid files), never from memory. */
export interface Instance {
  role: Role;
  slot: Slot;
  release: Release;
  host: string;
  port: number;
  /** Container id or pid. */
  id: string;
  running: boolean;
  /** Creation order (ms since epoch): among stable instances the newest is the current one. */
  generation: number;
  /** Hash of what was asked for (artifact, env, port): equal means "reuse, don't recreate". */
  configHash: string;
  workflowId: string;
}

export interface StartRequest {
  release: Release;
  /** Extra environment (fault injection, configuration); the port env vars are set by the target. */
  env?: Record<string, string>;
}

/** A loopback target (docker, process): instances on 127.0.0.1 ports, composed with a loopback Router. */
export interface Target {
  readonly kind: string;
  /** Every instance of the service in the environment, running or not. */
  instances(scope: TargetScope): Promise<Instance[]>;
  /** The stable instance serving the release of record: the newest running stable. */
  currentRelease(scope: TargetScope): Promise<Instance | undefined>;
  /** Starts (or reuses) `release` in a candidate slot and waits until it is ready. */
  deployCandidate(scope: TargetScope, role: CandidateRole, request: StartRequest): Promise<Instance>;
  /**
   * Makes sure a stable instance of `release` runs and is ready: reuses one that already runs
   * (a warm previous release, or an earlier attempt of this call), otherwise starts it in the
   * slot the current stable does not hold. `inPlace` (no router to flip) replaces the current
   * stable on its own slot instead.
   */
  promoteCandidate(scope: TargetScope, request: StartRequest & { inPlace?: boolean }): Promise<Instance>;
  /** Same as promoteCandidate: a rollback is a promotion of an older release. */
  rollbackToRelease(scope: TargetScope, request: StartRequest & { inPlace?: boolean }): Promise<Instance>;
  /** Stops and removes one instance gracefully (SIGTERM, then SIGKILL after the timeout). Absent is fine. */
  removeInstance(scope: TargetScope, instance: Instance): Promise<void>;
  /** Stops every candidate in `role` (any release). */
  removeCandidate(scope: TargetScope, role: CandidateRole): Promise<Instance[]>;
  /** Stops every instance of `version`, whatever its role. Returns what was stopped. */
  retireRelease(scope: TargetScope, version: string): Promise<Instance[]>;
  /** Base URL per running role (the stable one is the current stable). */
  endpoints(scope: TargetScope): Promise<Partial<Record<Role, { url: string; release: Release }>>>;
  /** Versions this place keeps and can start again without the artifact store (a fleet host's own copies); absent when it keeps none itself. */
  retained?(scope: TargetScope): Promise<string[]>;
}

export function roleOfSlot(slot: Slot): Role {
  return slot === 'stable-a' || slot === 'stable-b' ? 'stable' : slot;
}

export function instanceUrl(instance: Pick<Instance, 'host' | 'port'>): string {
  return `http://${urlHost(instance.host)}:${instance.port}`;
}

/** The current stable among recovered instances: the newest running one. */
export function pickCurrent(instances: Instance[]): Instance | undefined {
  return instances.filter((i) => i.role === 'stable' && i.running).sort((a, b) => b.generation - a.generation)[0];
}

/** The newest running stable instance with `release`'s build and config (a config-only release needs a stable of its own). */
export function runningStableOf(instances: Instance[], release: Release): Instance | undefined {
  return instances.filter((i) => i.role === 'stable' && i.running && sameBuildAndConfig(i.release, release)).sort((a, b) => b.generation - a.generation)[0];
}

/**
 * Which stable slot a new stable instance goes to: the one the current stable does not hold, so
 * the old release keeps serving (and stays warm) while the new one starts. A running stable of
 * the release that did not answer (`existing`) is waited for, or restarted, in its own slot: the
 * other may hold the previous release, kept warm for an instant rollback, and a retried promotion
 * whose new stable was busy for a moment would stop it. In place there is no warm release to keep.
 */
export function freeStableSlot(instances: Instance[], inPlace: boolean, existing?: Instance): Slot {
  const current = pickCurrent(instances);
  if (inPlace) return current?.slot ?? 'stable-a';
  if (existing) return existing.slot;
  return current?.slot === 'stable-a' ? 'stable-b' : 'stable-a';
}

export async function endpointsOf(instances: Instance[]): Promise<Partial<Record<Role, { url: string; release: Release }>>> {
  const out: Partial<Record<Role, { url: string; release: Release }>> = {};
  const current = pickCurrent(instances);
  if (current) out.stable = { url: instanceUrl(current), release: current.release };
  for (const i of instances) {
    if (i.role !== 'stable' && i.running) out[i.role] = { url: instanceUrl(i), release: i.release };
  }
  return out;
}

/** A Release rebuilt from what the world records (container labels, pid files). */
export function releaseFromLabels(service: string, version: string, imageRef?: string, binaryPath?: string, config?: ResolvedConfig): Release {
  return {
    service,
    version,
    imageTag: imageTagForVersion(version),
    commit: commitFromVersion(version),
    ...(imageRef ? { imageRef } : {}),
    ...(binaryPath ? { binaryPath } : {}),
    ...(config ? { config } : {}),
  };
}
