/**
 * Activity proxies for a fleet (src/domain/fleet.ts): the fleet router on the central worker,
 * and each host's deploy activities on its agent's task queue. A host's step that its agent does
 * not take within `agentTimeoutMs` fails with a schedule-to-start timeout (never retried), which
 * the rolling strategy reads as a lost agent. Agents heartbeat while a step runs (src/worker/
 * agent.ts), so an agent killed mid-step is noticed within the heartbeat timeout and the step is
 * retried, on the agent that comes back.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { hostTaskQueue, type FleetHost } from '../domain/fleet';
import type { DeployPort, FleetPort, TargetRef } from '../domain/ports';
import type { Release } from '../domain/release';
import type { ReleaseSpec } from '../domain/spec';
import { compensationActivity, deployActivity } from './activities';

export const fleet = proxyActivities<FleetPort>(deployActivity);
export const fleetUndo = proxyActivities<FleetPort>(compensationActivity);

/** Heartbeats come every second from a live agent; ten missed ones mean it is gone. */
const AGENT_HEARTBEAT_TIMEOUT = '10s';

export function hostDeploy(host: string, agentTimeoutMs: number, kind: 'do' | 'undo' = 'do') {
  const base: ActivityOptions = kind === 'undo' ? compensationActivity : deployActivity;
  return proxyActivities<Omit<DeployPort, 'probeHealth'>>({
    ...base,
    taskQueue: hostTaskQueue(host),
    scheduleToStartTimeout: agentTimeoutMs,
    heartbeatTimeout: AGENT_HEARTBEAT_TIMEOUT,
  });
}

/**
 * A host's view of the release: the spec's target with the host's address as the instance
 * address, and no router on the host (the fleet router in front of all hosts moves traffic).
 */
export function hostRef(spec: ReleaseSpec, host: FleetHost): TargetRef {
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
export async function fleetLiveRelease(spec: ReleaseSpec, hosts: readonly FleetHost[], agentTimeoutMs: number): Promise<Release | null> {
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
