import { listReleasePairs, listRetainedReleases } from '../../client/releases';
import type { PairRecord } from '../../activities/registry/pairs';
import { deploymentWorkflowId, workflowUiLink, type DeploymentRef } from '../../client';
import type { ConfigVersion } from '../../domain/config';
import type { RetainedRelease } from '../../domain/release';
import type { HostInventory } from '../../domain/ports';
import { connectionSettings, embeddedStackDefaults, withClient, type ConnectionCliOptions } from '../context';

/**
 * Retained releases need no Temporal at all (they are read from the registry and the artifact
 * store), so Temporal is only asked, best effort, which one is live.
 */
export async function listRetainedReleasesForCli(
  ref: DeploymentRef,
  imageRepo: string | undefined,
  opts: ConnectionCliOptions,
): Promise<{ releases: RetainedRelease[]; pairs: PairRecord[]; live?: string; liveConfig?: ConfigVersion; hosts?: HostInventory[]; workflowId: string; link: string }> {
  const releases = await listRetainedReleases(ref.service, embeddedStackDefaults().releaseStore, { imageRepo });
  const pairs = await listReleasePairs(ref.service, ref.environment, embeddedStackDefaults().releaseStore);
  const settings = connectionSettings(opts);
  const workflowId = deploymentWorkflowId(ref.service, ref.environment);
  let live: string | undefined;
  let liveConfig: ConfigVersion | undefined;
  let hosts: HostInventory[] | undefined;
  try {
    ({ live, liveConfig, hosts } = await withClient(opts, async (client) => {
      const snap = await client.snapshot(ref);
      const s = snap.result ?? snap.status;
      const deployed = !s ? undefined : 'outcome' in s && s.outcome === 'promoted' ? s.release : (s.previous ?? undefined);
      // A rollback since that release went out moved the live release back (or forward).
      const rolledBack = await client.rollbackSinceLastDeploy(ref).catch(() => undefined);
      const liveRelease = rolledBack?.outcome === 'rolled-back' && rolledBack.to ? rolledBack.to : deployed;
      // A fleet: each host's own copies and live version, from its agent.
      return { live: liveRelease?.version, liveConfig: liveRelease?.config?.version, hosts: await client.fleetInventory(ref).catch(() => undefined) };
    }));
  } catch {
    live = undefined;
  }
  return {
    releases,
    pairs,
    live,
    ...(liveConfig ? { liveConfig } : {}),
    ...(hosts ? { hosts } : {}),
    workflowId,
    link: workflowUiLink(settings.uiUrl, settings.namespace, workflowId),
  };
}
