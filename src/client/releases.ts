import Docker from 'dockerode';
import pino from 'pino';
import { defaultArtifactStore } from '../activities/build';
import { createRegistryActivities, type RetainedRelease } from '../activities/registry';
import { loadStackConfig, registryAddress } from '../dev/config';

export interface ReleasesOptions {
  /** Image repository, default `<embedded registry>/<service>`; pass null to list only binaries. */
  imageRepo?: string | null;
  /** Artifact store root (default: the embedded stack's, $SLUICE_ARTIFACT_STORE overrides). */
  artifactStore?: string;
}

/**
 * Retained releases are read where they live, the registry's tag list and the artifact store,
 * by calling the build engineer's listReleases directly: it is read-only and needs no worker,
 * so `sluice releases` works even while no worker runs and adds nothing to Temporal history.
 */
export async function listRetainedReleases(service: string, options: ReleasesOptions = {}): Promise<RetainedRelease[]> {
  const stack = loadStackConfig();
  const imageRepo = options.imageRepo === null ? undefined : options.imageRepo ?? `${registryAddress(stack)}/${service}`;
  const artifactStore = options.artifactStore ?? process.env.SLUICE_ARTIFACT_STORE ?? defaultArtifactStore(stack.stateDir);
  // listReleases never touches Docker; the factory wants a client because pruning does.
  const registry = createRegistryActivities({ docker: new Docker({ socketPath: stack.docker.socket }), artifactStore, logger: pino({ level: 'silent' }) });
  return registry.listReleases({ service, imageRepo });
}
