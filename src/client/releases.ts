import Docker from 'dockerode';
import pino from 'pino';
import { createRegistryActivities } from '../activities/registry';
import { listPairs, type PairRecord } from '../activities/registry/pairs';
import type { RetainedRelease } from '../domain/release';

/**
 * Where retained releases live. The caller injects it: the CLI (the composition root) fills it
 * from the embedded stack's settings.
 */
export interface ReleaseStoreSettings {
  /** Registry `host:port`; the default image repository is `<registry>/<service>`. */
  registry: string;
  /** Artifact store root ($SLUICE_ARTIFACT_STORE overrides it). */
  artifactStore: string;
  /** Docker socket for the registry activities' client (listing never calls Docker); default: Docker's own. */
  dockerSocket?: string;
}

export interface ReleasesOptions {
  /** Image repository, default `<registry>/<service>`; pass null to list only binaries. */
  imageRepo?: string | null;
  /** Artifact store root (default: the store's, $SLUICE_ARTIFACT_STORE overrides). */
  artifactStore?: string;
}

/**
 * Retained releases are read where they live, the registry's tag list and the artifact store,
 * by calling the build engineer's listReleases directly: it is read-only and needs no worker,
 * so `sluice releases` works even while no worker runs and adds nothing to Temporal history.
 */
export async function listRetainedReleases(service: string, store: ReleaseStoreSettings, options: ReleasesOptions = {}): Promise<RetainedRelease[]> {
  const imageRepo = options.imageRepo === null ? undefined : (options.imageRepo ?? `${store.registry}/${service}`);
  const artifactStore = options.artifactStore ?? process.env.SLUICE_ARTIFACT_STORE ?? store.artifactStore;
  // listReleases never touches Docker; the factory wants a client because pruning does.
  const docker = new Docker(store.dockerSocket ? { socketPath: store.dockerSocket } : undefined);
  const registry = createRegistryActivities({ docker, artifactStore, logger: pino({ level: 'silent' }) });
  return registry.listReleases({ service, imageRepo });
}

/**
 * The pairs of build and config version a service went live with in an environment, the most
 * recently live first, as the deploy activities recorded them in the artifact store
 * (src/activities/registry/pairs.ts): what `rollback --to` and `--config` restore.
 */
export async function listReleasePairs(
  service: string,
  environment: string,
  store: ReleaseStoreSettings,
  options: Pick<ReleasesOptions, 'artifactStore'> = {},
): Promise<PairRecord[]> {
  const artifactStore = options.artifactStore ?? process.env.SLUICE_ARTIFACT_STORE ?? store.artifactStore;
  return listPairs(artifactStore, service, environment);
}
