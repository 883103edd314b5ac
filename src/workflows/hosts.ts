/**
 * Activity proxies for a fleet (src/domain/fleet.ts): the fleet router on the central worker,
 * and each host's deploy activities on its agent's task queue. A host's step that its agent does
 * not take within `agentTimeoutMs` fails with a schedule-to-start timeout (never retried), which
 * the rolling strategy reads as a lost agent. Agents heartbeat while a step runs (src/worker/
 * agent.ts), so an agent killed mid-step is noticed within the steps' heartbeat timeout
 * (STEP_HEARTBEAT_TIMEOUT) and the step is retried, on the agent that comes back.
 */
import { ApplicationFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { ErrorType } from '../domain/errors';
import type { FleetHost } from '../domain/fleet';
import { hostTaskQueue } from '../domain/fleet-names';
import type { CandidateInfo, DeployPort, FleetPort, TargetRef } from '../domain/ports';
import type { Release } from '../domain/release';
import type { HostSwitch, ReleaseSpec } from '../domain/spec';
import { compensationActivity, deployActivity, withSummary } from './activities';

/** What the host steps need of a spec or a rollback request. */
export type FleetRef = Pick<ReleaseSpec, 'service' | 'environment' | 'target' | 'router'>;

export const fleet = proxyActivities<FleetPort>(deployActivity);
export const fleetUndo = proxyActivities<FleetPort>(compensationActivity);

export function hostDeploy(host: string, agentTimeoutMs: number, kind: 'do' | 'undo' = 'do') {
  const base: ActivityOptions = kind === 'undo' ? compensationActivity : deployActivity;
  return proxyActivities<Omit<DeployPort, 'probeHealth'>>({
    ...base,
    taskQueue: hostTaskQueue(host),
    scheduleToStartTimeout: agentTimeoutMs,
  });
}

/**
 * A host's view of the release: the spec's target with the host's address as the instance
 * address, and no router on the host (the fleet router in front of all hosts moves traffic).
 */
export function hostRef(spec: FleetRef, host: FleetHost): TargetRef {
  return {
    service: spec.service,
    environment: spec.environment,
    target: { kind: spec.target.kind, settings: { ...spec.target.settings, host: host.address } },
    router: { kind: 'none', settings: {} },
  };
}

/**
 * The release most hosts run (the first host's on a tie), or null when none runs one. A host
 * whose agent does not answer within the agent timeout is left out here; the rolling strategy
 * meets it again and applies the lost-agent policy.
 */
export async function fleetLiveRelease(spec: FleetRef, hosts: readonly FleetHost[], agentTimeoutMs: number): Promise<Release | null> {
  const live = await Promise.allSettled(hosts.map((h) => hostDeploy(h.name, agentTimeoutMs).currentRelease(hostRef(spec, h))));
  const counts = new Map<string, { release: Release; n: number }>();
  for (const settled of live) {
    const r = settled.status === 'fulfilled' ? settled.value : null;
    if (!r) continue;
    const c = counts.get(r.version) ?? { release: r, n: 0 };
    c.n++;
    counts.set(r.version, c);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n)[0]?.release ?? null;
}

/** The URL's address and port: what the fleet router points a host's server at. */
export function addressOf(candidate: CandidateInfo): { address: string; port: number } {
  const m = /^https?:\/\/([^/:]+|\[[^\]]+\]):(\d+)/.exec(candidate.url);
  if (!m) throw ApplicationFailure.create({ type: ErrorType.InvalidTargetSettings, message: `cannot route to ${candidate.url}`, nonRetryable: true });
  return { address: m[1]!, port: Number(m[2]) };
}

/**
 * One host to `release`, by `mode` (RollingStrategy.hostSwitch):
 * - inPlace: out of the fleet router (in-flight requests finish), switched in place by its agent,
 *   `beforeReady` (a health window) and back in at full weight;
 * - blueGreen: the new instance started beside the old one, `beforeReady`, the host's server
 *   moved to it, then the old version stopped; the host serves throughout.
 * `undo` uses the compensation options (retried longer).
 */
export async function switchHost(
  ref: FleetRef,
  host: FleetHost,
  change: { release: Release; from: Release | null },
  options: { agentTimeoutMs: number; kind?: 'do' | 'undo'; label?: string; mode?: HostSwitch; beforeReady?: (candidate: CandidateInfo) => Promise<void> },
): Promise<CandidateInfo> {
  const kind = options.kind ?? 'do';
  const activity = kind === 'undo' ? compensationActivity : deployActivity;
  const router = kind === 'undo' ? fleetUndo : fleet;
  const label = options.label ?? '';
  const fleetRef: TargetRef = { service: ref.service, environment: ref.environment, target: ref.target, router: ref.router };
  const agent = hostDeploy(host.name, options.agentTimeoutMs, kind);
  const blueGreen = options.mode === 'blueGreen';
  let candidate: CandidateInfo;
  if (blueGreen) {
    candidate = await withSummary(agent.promoteCandidate, activity, `${label}${host.name}: ${change.release.version} beside ${change.from?.version ?? 'nothing'}`, {
      ...hostRef(ref, host),
      release: change.release,
      role: 'canary',
      previous: change.from,
      beside: true,
    });
  } else {
    await withSummary(router.fleetDrainHost, activity, `${label}drain ${host.name}`, { ...fleetRef, host: host.name });
    candidate = await withSummary(agent.rollbackToRelease, activity, `${label}${host.name} to ${change.release.version}`, { ...hostRef(ref, host), ...change });
  }
  await options.beforeReady?.(candidate);
  const { address, port } = addressOf(candidate);
  await withSummary(router.fleetReadyHost, activity, blueGreen ? `${label}${host.name} moved to ${address}:${port}` : `${label}${host.name} back in the router`, {
    ...fleetRef,
    host: host.name,
    address,
    port,
    weight: 100,
    version: change.release.version,
  });
  if (blueGreen && change.from && change.from.version !== change.release.version) {
    // Requests already on the old instance finish: it stops gracefully (the target's stop timeout).
    await withSummary(agent.retireRelease, activity, `${label}${host.name}: stop ${change.from.version}`, { ...hostRef(ref, host), release: change.from });
  }
  return candidate;
}
