/**
 * rollbackWorkflow: put a retained release back in front of all traffic, as fast as the target
 * allows. The scripted one-liner for "go back to 1.4.2" (what `kubectl set image …:v1.2.2` is on
 * Kubernetes). Without `toVersion` it goes back to the newest retained release older than the
 * live one.
 */
import { ApplicationFailure, patched, upsertSearchAttributes } from '@temporalio/workflow';
import compareVersions from 'semver/functions/compare';
import type { RetainedReleasePort } from '../domain/ports';
import { Reason } from '../domain/reasons';
import { matchesVersion, pairLabel, sameBuildAndConfig, sameRelease, type Release } from '../domain/release';
import { SluiceConfigVersion, SluiceEnvironment, SluicePhase, SluiceService, SluiceSummary, SluiceVersion } from '../domain/search-attributes';
import type { RollbackRequest, RollbackResult } from '../domain/status';
import { deploy, deployActivity, liveRelease, quickStepsLocal, registryMaintenanceActivity, retainedReleases, retention, withSummary } from './activities';
import { describeError } from './saga';
import { toMs } from '../domain/duration';
import type { FleetHost } from '../domain/fleet';
import { fleetLiveRelease, hostDeploy, hostRef, switchHost, type FleetRef } from './hosts';
import { ErrorType } from '../domain/errors';
import type { HostSwitch } from '../domain/spec';
import { rollbackListLine } from '../domain/ui-summary';
import { installChangeLock, PATCH_CHANGE_LOCK, rivalRunning } from './change-lock';

function toRelease(service: string, r: RetainedReleasePort): Release {
  return {
    service,
    version: r.version,
    imageTag: r.imageTag,
    commit: r.commit ?? '',
    ...(r.imageRef ? { imageRef: r.imageRef } : {}),
    ...(r.binaryPath ? { binaryPath: r.binaryPath } : {}),
  };
}

/** The release to go back to, or a reason why there is none. */
export function chooseRollbackTarget(
  service: string,
  retained: RetainedReleasePort[],
  current: Release | null,
  toVersion: string | undefined,
): { release: Release } | { reason: Reason; message: string } {
  const usable = retained.filter((r) => r.imageRef || r.binaryPath);
  if (toVersion) {
    const found = usable.find((r) => matchesVersion({ version: r.version, imageTag: r.imageTag, imageRef: r.imageRef ?? undefined }, toVersion));
    if (!found) {
      const have = usable.map((r) => r.version).join(', ') || 'none';
      return { reason: Reason.ReleaseNotRetained, message: `${service} ${toVersion} is not a retained release (retained: ${have})` };
    }
    return { release: toRelease(service, found) };
  }
  const older = usable
    .filter((r) => !current || (r.version !== current.version && compareVersions(r.version, current.version) < 0))
    .sort((a, b) => compareVersions(b.version, a.version));
  if (older.length === 0) {
    return { reason: Reason.NothingToRollBackTo, message: `no retained release of ${service} older than ${current?.version ?? 'the live one'}` };
  }
  return { release: toRelease(service, older[0]!) };
}

export async function rollbackWorkflow(request: RollbackRequest): Promise<RollbackResult> {
  const started = Date.now();
  const ref = { service: request.service, environment: request.environment, target: request.target, router: request.router };
  upsertSearchAttributes([
    { key: SluiceService, value: request.service },
    { key: SluiceEnvironment, value: request.environment },
    { key: SluicePhase, value: 'rolling-back' },
  ]);
  installChangeLock();
  const hosts = request.hosts;
  const agentTimeoutMs = toMs(request.agentTimeout ?? DEFAULT_AGENT_TIMEOUT);
  // A fleet's live version is asked of its agents (only fleets take this path).
  const readLive = () => (hosts ? fleetLiveRelease(ref, hosts, agentTimeoutMs) : liveRelease(ref));
  const retainedQuery = { service: request.service, ...(request.imageRepo ? { imageRepo: request.imageRepo } : {}) };
  // Three independent reads (live version, retained releases, the lock's question) take one round
  // trip together on new runs: the time to restore starts with them.
  const quick = quickStepsLocal();
  const [current, retained, probedRival] = quick
    ? await Promise.all([readLive(), retainedReleases(retainedQuery), rivalRunning('rollback', request.service, request.environment)])
    : [await readLive(), await retainedReleases(retainedQuery), undefined];
  const choice = chooseRollbackTarget(request.service, retained, current, request.toVersion);

  const fail = (reason: Reason, message: string, to: Release | null): never => {
    upsertSearchAttributes([{ key: SluicePhase, value: 'failed' }]);
    const result: RollbackResult = { outcome: 'failed', reason, message, from: current, to, durationMs: Date.now() - started };
    throw ApplicationFailure.create({ type: ErrorType.RollbackFailed, message: `${reason}: ${message}`, nonRetryable: true, details: [result] });
  };
  const rival = quick ? probedRival : patched(PATCH_CHANGE_LOCK) ? await rivalRunning('rollback', request.service, request.environment) : undefined;
  if (rival) {
    return fail(
      Reason.ChangeInProgress,
      `a release of ${request.service} to ${request.environment} is running (${rival}); abort it or wait for it (a failing release rolls itself back)`,
      null,
    );
  }
  // With `--config` alone the build stays the live one; otherwise the chosen retained build.
  const configAlone = request.toConfig !== undefined && request.toVersion === undefined;
  if (configAlone && !current) return fail(Reason.NothingToRollBackTo, `no live release of ${request.service} in ${request.environment} to run with ${request.toConfig}`, null);
  if (!configAlone && 'reason' in choice) return fail(choice.reason, choice.message, null);
  let to = configAlone ? buildOf(current!) : (choice as { release: Release }).release;
  // The pair: the config the build was last live with, or the one asked for (issue 16). Requests
  // that name a config, and releases recorded since, take the patched path; older histories
  // replay the build-only rollback.
  // Fleet hosts record no pairs (their agents keep no artifact store): a fleet rolls back builds.
  if (hosts && request.toConfig !== undefined) return fail(Reason.ConfigNotRecorded, `a fleet rolls back builds only; --config needs a docker or process target`, null);
  const pairs = !hosts && patched(PATCH_ROLLBACK_PAIR);
  if (pairs) {
    const config = await withSummary(retention.releasedConfig, registryMaintenanceActivity, `config ${request.service} went live with`, {
      service: request.service,
      environment: request.environment,
      ...(request.toConfig !== undefined ? { configId: request.toConfig } : { version: to.version }),
    });
    if (!config && request.toConfig !== undefined) {
      return fail(Reason.ConfigNotRecorded, `${request.service} never went live in ${request.environment} with config ${request.toConfig}`, null);
    }
    if (config) to = { ...to, config };
  }
  upsertSearchAttributes([
    { key: SluiceVersion, value: to.version },
    { key: SluiceSummary, value: rollbackListLine(request.service, current?.version, to.version) },
    ...(to.config ? [{ key: SluiceConfigVersion, value: to.config.version.id }] : []),
  ]);
  const alreadyLive = pairs ? sameBuildAndConfig(current, to) : sameRelease(current, to);

  if (!alreadyLive || hosts) {
    try {
      if (hosts) await rollbackFleet(ref, hosts, to, { agentTimeoutMs, mode: request.hostSwitch ?? 'inPlace' });
      else
        await withSummary(deploy.rollbackToRelease, deployActivity, `roll back to ${to.version}${current ? ` from ${current.version}` : ''}`, {
          ...ref,
          release: to,
          from: current,
        });
    } catch (err) {
      return fail(Reason.ActivityFailed, `could not roll back to ${to.version}: ${describeError(err)}`, to);
    }
  }
  upsertSearchAttributes([{ key: SluicePhase, value: 'rolled-back' }]);
  return {
    outcome: 'rolled-back',
    reason: Reason.RolledBackToRelease,
    message: alreadyLive
      ? `${pairs ? pairLabel(to) : to.version} is already live`
      : pairs
        ? `rolled back from ${current ? pairLabel(current) : 'nothing'} to ${pairLabel(to)}`
        : `rolled back from ${current?.version ?? 'nothing'} to ${to.version}`,
    from: current,
    to,
    durationMs: Date.now() - started,
  };
}

const DEFAULT_AGENT_TIMEOUT = '2m';

/** Rollbacks restore the pair of build and config version (issue 16); see rollbackWorkflow. */
export const PATCH_ROLLBACK_PAIR = 'rollback-config-pair';

/** The live build without the config it runs with: `--config` puts another one beside it. */
function buildOf(release: Release): Release {
  const { config: _config, ...build } = release;
  return build;
}

/**
 * A fleet back to `to`: every host not on it yet, through its agent. Switched in place, a host
 * serves nothing meanwhile, so the fleet goes in two halves, one serving while the other switches
 * (a single host has nobody to stand in for it). Switched blue-green, every host keeps serving,
 * so all go at once. A host already on `to` is only made sure to be back in the router.
 */
async function rollbackFleet(ref: FleetRef, hosts: readonly FleetHost[], to: Release, options: { agentTimeoutMs: number; mode: HostSwitch }): Promise<void> {
  const { agentTimeoutMs, mode } = options;
  const half = Math.ceil(hosts.length / 2);
  const groups = mode === 'blueGreen' ? [hosts] : [hosts.slice(0, half), hosts.slice(half)];
  for (const group of groups) {
    await Promise.all(
      group.map(async (host) => {
        const from = await hostDeploy(host.name, agentTimeoutMs).currentRelease(hostRef(ref, host));
        await switchHost(ref, host, { release: to, from }, { agentTimeoutMs, mode, label: 'rollback: ' });
      }),
    );
  }
}
