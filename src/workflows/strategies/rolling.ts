/**
 * Rolling across a fleet (issue 14, src/domain/fleet.ts): host by host, in batches, through each
 * host's agent. For one host (hostSwitch inPlace; blueGreen in ../hosts.ts switchHost):
 *   1. register its undo (restore the version it had, switched the same way);
 *   2. drain it in the fleet router: no new requests, in-flight ones finish;
 *   3. its agent switches it to the new version in place (stop old, start new, wait ready);
 *   4. a health window on the host itself;
 *   5. back in the fleet router at full weight.
 * Hosts of a batch go side by side; the next batch starts once the whole batch is back. The other
 * hosts carry the traffic meanwhile, so no request is dropped as long as one host serves.
 *
 * With `analysis`, every batch but the last is followed by an analysis on live traffic: the
 * batch's hosts, scraped as canary, against as many hosts still on the previous version, scraped
 * as baseline. A failed analysis rolls back every host changed so far.
 *
 * An agent that does not take a step within `agentTimeout` is lost: `rollback` stops the release
 * (every changed host is restored by the saga), `skip` leaves the host drained and goes on while
 * at most `maxUnavailable` hosts are out.
 */
import { ActivityFailure, TimeoutFailure } from '@temporalio/workflow';
import { toMs } from '../../domain/duration';
import type { FleetHost } from '../../domain/fleet';
import { Reason } from '../../domain/reasons';
import type { Release } from '../../domain/release';
import type { FleetScrapedHost } from '../../domain/ports';
import type { CheckConfig, HostSwitch, ReleaseSpec, RollingStrategy } from '../../domain/spec';
import { compensationActivity, deployActivity, withSummary } from '../activities';
import { analyseAndDecide, loadFor } from '../analysis-check';
import { selectTemplates } from '../analysis-child';
import { runCheck } from '../checks';
import type { DeployContext } from '../context';
import { fleet, fleetUndo, hostDeploy, hostRef, switchHost } from '../hosts';

/** True when the agent never took the step: a schedule-to-start timeout on its queue. */
function agentLost(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_START';
}

export function batchesOf(hosts: readonly FleetHost[], strategy: Pick<RollingStrategy, 'canaryHosts' | 'batchSize'>): FleetHost[][] {
  const first = hosts.slice(0, strategy.canaryHosts);
  const out = first.length > 0 ? [first] : [];
  for (let i = first.length; i < hosts.length; i += strategy.batchSize) out.push(hosts.slice(i, i + strategy.batchSize));
  return out;
}

export async function runRolling(ctx: DeployContext, strategy: RollingStrategy): Promise<void> {
  const { spec, ref, tracker, control } = ctx;
  const hosts = spec.hosts ?? [];
  const agentTimeoutMs = toMs(strategy.agentTimeout);
  await withSummary(fleet.fleetEnsure, deployActivity, `fleet router with ${hosts.length} hosts`, { ...ref, hosts: hosts.map((h) => h.name) });
  const batches = batchesOf(hosts, strategy);
  const unavailable: string[] = [];
  for (const [i, batch] of batches.entries()) {
    const updated: string[] = [];
    await control.checkpoint();
    tracker.setPhase('deploying', `batch ${i + 1}/${batches.length}: ${batch.map((h) => h.name).join(', ')}`);
    const results = await Promise.allSettled(batch.map((host) => updateHost(ctx, strategy, host, agentTimeoutMs)));
    for (const [j, r] of results.entries()) {
      const host = batch[j]!;
      if (r.status === 'fulfilled') {
        updated.push(host.name);
        continue;
      }
      if (!agentLost(r.reason)) throw r.reason;
      const lost = `the agent of host ${host.name} did not take its step within ${strategy.agentTimeout}`;
      if (strategy.onAgentLost === 'skip' && unavailable.length < strategy.maxUnavailable) {
        unavailable.push(host.name);
        // The router is central: it takes the host out even though its agent is gone, so no
        // request meets a version this release cannot vouch for. A later release brings it back.
        await withSummary(fleet.fleetDrainHost, deployActivity, `${host.name}: out of the router (agent lost)`, { ...ref, host: host.name });
        tracker.event('info', `${lost}: the host stays out of the router (${unavailable.length}/${strategy.maxUnavailable} unavailable allowed)`);
        continue;
      }
      control.requestStop({ outcome: 'rolled-back', reason: Reason.AgentLost, message: lost });
      control.throwIfStopped();
    }
    tracker.event('info', `batch ${i + 1}/${batches.length} done: ${batch.map((h) => h.name).join(', ')} on ${ctx.release.version}`);
    if (strategy.analysis && i < batches.length - 1) await analyseBatch(ctx, strategy.analysis, updated, unavailable, `batch ${i + 1} analysis`);
  }
  if (unavailable.length > 0) tracker.event('info', `released with ${unavailable.join(', ')} out of the router: their agents were lost`);
}

async function updateHost(ctx: DeployContext, strategy: RollingStrategy, host: FleetHost, agentTimeoutMs: number): Promise<void> {
  const { spec, release, saga, control, tracker } = ctx;
  const agent = hostDeploy(host.name, agentTimeoutMs);
  const previous = await control.uninterrupted(() => withSummary(agent.currentRelease, deployActivity, `${host.name}: live version`, hostRef(spec, host)));
  const undoName = `restore ${host.name} to ${previous?.version ?? 'nothing'}`;
  saga.add(undoName, () => restoreHost(spec, host, previous, release, { agentTimeoutMs, mode: strategy.hostSwitch }));
  await control.uninterrupted(() =>
    switchHost(
      spec,
      host,
      { release, from: previous },
      {
        agentTimeoutMs,
        mode: strategy.hostSwitch,
        beforeReady: async (candidate) => {
          tracker.markCandidateStarted();
          tracker.event('info', `${host.name} runs ${release.version} at ${candidate.url}`, { host: host.name, url: candidate.url });
          if (strategy.checks) await runCheck(ctx, strategy.checks, candidate, `${host.name} check`);
        },
      },
    ),
  );
}

/** The batch's hosts (canary) against as many on the previous version (baseline), on the traffic they serve (activities/fleet pairRoles). */
async function analyseBatch(ctx: DeployContext, analysis: CheckConfig, updated: readonly string[], unavailable: readonly string[], label: string): Promise<void> {
  const { spec, release, previous, tracker } = ctx;
  const templates = selectTemplates(spec.analysis.templates, analysis.templates);
  // A host left out of the router (its agent lost) serves nothing to compare.
  const hosts = { service: spec.service, environment: spec.environment, hosts: (spec.hosts ?? []).map((h) => h.name).filter((h) => !unavailable.includes(h)) };
  const scraped = await withSummary(fleet.fleetScrapeRoles, deployActivity, `${label}: hosts on ${release.version} scraped as canary`, {
    ...hosts,
    canaryHosts: [...updated],
    ...(previous ? { baselineVersion: previous.version } : {}),
  });
  const canary = scraped.filter((h) => h.role === 'canary');
  const baseline = scraped.filter((h) => h.role === 'baseline');
  const names = (hs: readonly FleetScrapedHost[]) => hs.map((h) => h.host).join(', ') || 'none';
  tracker.event('check', `${label}: ${templates.map((t) => t.name).join(', ')} on ${names(canary)} against ${names(baseline)} (on ${previous?.version ?? 'no previous version'})`);
  await analyseAndDecide(ctx, label, {
    templates,
    ...(analysis.window ? { window: analysis.window } : {}),
    candidate: { role: 'canary', version: release.version },
    scraped: [
      { role: 'canary', version: release.version, targets: canary.map((h) => h.address) },
      ...(previous && baseline.length > 0 ? [{ role: 'baseline' as const, version: previous.version, targets: baseline.map((h) => h.address) }] : []),
    ],
    load: loadFor(
      ctx,
      [...canary, ...baseline].map((h) => ({ url: `http://${h.address}` })),
    ),
    // Every host back to stable, whatever the analysis decided.
    release: async () => {
      await withSummary(fleetUndo.fleetScrapeRoles, compensationActivity, `${label}: every host scraped as stable again`, { ...hosts, canaryHosts: [] });
    },
  });
}

/** A host's undo: back to the version it had, switched the way the release switched it. */
async function restoreHost(spec: ReleaseSpec, host: FleetHost, previous: Release | null, from: Release, options: { agentTimeoutMs: number; mode: HostSwitch }): Promise<void> {
  const { agentTimeoutMs, mode } = options;
  if (previous) {
    await switchHost(spec, host, { release: previous, from }, { agentTimeoutMs, kind: 'undo', label: 'undo: ', mode });
    return;
  }
  // A first release on this host: nothing to go back to, so it leaves the router and stops.
  await withSummary(fleetUndo.fleetDrainHost, compensationActivity, `undo: drain ${host.name}`, {
    service: spec.service,
    environment: spec.environment,
    target: spec.target,
    router: spec.router,
    host: host.name,
  });
  await withSummary(hostDeploy(host.name, agentTimeoutMs, 'undo').retireRelease, compensationActivity, `undo: stop ${from.version} on ${host.name}`, {
    ...hostRef(spec, host),
    release: from,
  });
}
