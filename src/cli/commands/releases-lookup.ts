import { listRetainedReleases } from '../../client/releases';
import { deploymentWorkflowId, workflowUiLink, type DeploymentRef } from '../../client';
import type { RetainedRelease } from '../../domain/release';
import { connectionSettings, embeddedStackDefaults, withClient, type ConnectionCliOptions } from '../context';

/**
 * Retained releases need no Temporal at all (they are read from the registry and the artifact
 * store), so Temporal is only asked, best effort, which one is live.
 */
export async function listRetainedReleasesForCli(
  ref: DeploymentRef,
  imageRepo: string | undefined,
  opts: ConnectionCliOptions,
): Promise<{ releases: RetainedRelease[]; live?: string; workflowId: string; link: string }> {
  const releases = await listRetainedReleases(ref.service, embeddedStackDefaults().releaseStore, { imageRepo });
  const settings = connectionSettings(opts);
  const workflowId = deploymentWorkflowId(ref.service, ref.environment);
  let live: string | undefined;
  try {
    live = await withClient(opts, async (client) => {
      const snap = await client.snapshot(ref);
      const s = snap.result ?? snap.status;
      if (!s) return undefined;
      if ('outcome' in s && s.outcome === 'promoted') return s.release?.version;
      return s.previous?.version ?? undefined;
    });
  } catch {
    live = undefined;
  }
  return { releases, live, workflowId, link: workflowUiLink(settings.uiUrl, settings.namespace, workflowId) };
}
