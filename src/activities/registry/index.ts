import type Docker from 'dockerode';
import { defaultLogger, type Logger } from '../build/progress';
import { registryAccessFromEnv, type RegistryAccess } from './access';
import { pushImage, type PushImageInput, type PushImageResult } from './push';
import { listReleases, pruneReleases, type ListReleasesInput, type PruneReleasesInput, type PruneReleasesResult } from './releases';
import type { RetainedRelease } from '../../domain/release';
import type { ResolvedConfig } from '../../domain/config';
import { findReleasedConfig } from './pairs';

export interface RegistryActivityDeps {
  docker: Docker;
  /** Root of the versioned binary store shared with the build activities. */
  artifactStore: string;
  logger?: Logger;
  /** Where credentials and the registry's CA are read from at call time (./access.ts); defaults to process.env. Never logged. */
  env?: NodeJS.ProcessEnv;
}

/** Activities that publish images and keep the set of retained releases in shape. */
export function createRegistryActivities(deps: RegistryActivityDeps) {
  const logger = deps.logger ?? defaultLogger('sluice-registry');
  const access = (host: string): RegistryAccess => registryAccessFromEnv(host, deps.env ?? process.env);
  const releaseDeps = { docker: deps.docker, artifactStore: deps.artifactStore, logger, access };
  return {
    async pushImage(input: PushImageInput): Promise<PushImageResult> {
      return pushImage({ docker: deps.docker, logger, access }, input);
    },
    async listReleases(input: ListReleasesInput): Promise<RetainedRelease[]> {
      return listReleases(releaseDeps, input);
    },
    async pruneReleases(input: PruneReleasesInput): Promise<PruneReleasesResult> {
      return pruneReleases(releaseDeps, input);
    },
    /** The configuration a build was last live with, or a config version by id (./pairs.ts). */
    async releasedConfig(input: { service: string; environment: string; version?: string; configId?: string }): Promise<ResolvedConfig | null> {
      return findReleasedConfig(deps.artifactStore, input);
    },
  };
}

export type RegistryActivities = ReturnType<typeof createRegistryActivities>;
export type { PushImageInput, PushImageResult } from './push';
export type { ListReleasesInput, PruneReleasesInput, PruneReleasesResult } from './releases';
export { splitImageRepo, RegistryClient } from './client';
