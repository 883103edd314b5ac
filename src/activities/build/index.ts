import { join } from 'node:path';
import type Docker from 'dockerode';
import { buildBinary, type BuildBinaryResult } from './binary';
import { generateChangelog, type Changelog, type GenerateChangelogInput } from './changelog';
import { buildImage, parseInput, type BuildImageResult } from './image';
import { defaultLogger, type Logger } from './progress';
import { generateChangelogInputSchema, resolveVersionInputSchema, type BuildBinaryInput, type BuildImageInput } from './schema';
import type { ResolvedVersion } from '../../domain/release';
import { resolveVersion, type ResolveVersionInput } from './version';

export interface BuildActivityDeps {
  docker: Docker;
  /** Root of the versioned binary store (see binary.ts). */
  artifactStore: string;
  logger?: Logger;
  /** Added to every image build, e.g. from ensureBaseImages(): BUILDER_IMAGE, RUNTIME_IMAGE. */
  defaultBuildArgs?: Record<string, string>;
  /** Environment for `go build`; defaults to the worker's. */
  goEnv?: NodeJS.ProcessEnv;
}

/** Where binaries live by default: beside the embedded stack's state. */
export function defaultArtifactStore(stateDir: string): string {
  return join(stateDir, 'artifacts');
}

/** Activities that turn a commit into a version, a changelog, an image and a binary. */
export function createBuildActivities(deps: BuildActivityDeps) {
  const logger = deps.logger ?? defaultLogger('sluice-build');
  return {
    async resolveVersion(input: ResolveVersionInput): Promise<ResolvedVersion> {
      return resolveVersion(parseInput(resolveVersionInputSchema, input, 'resolveVersion'));
    },
    async generateChangelog(input: GenerateChangelogInput): Promise<Changelog> {
      return generateChangelog(parseInput(generateChangelogInputSchema, input, 'generateChangelog'));
    },
    async buildImage(input: BuildImageInput): Promise<BuildImageResult> {
      return buildImage({ docker: deps.docker, logger, defaultBuildArgs: deps.defaultBuildArgs }, input);
    },
    async buildBinary(input: BuildBinaryInput): Promise<BuildBinaryResult> {
      return buildBinary({ artifactStore: deps.artifactStore, logger, goEnv: deps.goEnv }, input);
    },
  };
}

export type BuildActivities = ReturnType<typeof createBuildActivities>;
export type { BuildImageResult } from './image';
export type { BuildBinaryResult, ArtifactMetadata } from './binary';
export type { Changelog, ChangelogEntry, Bump } from './changelog';
export type { ResolvedVersion } from '../../domain/release';
export type { BuildImageInput, BuildBinaryInput, VersionRef } from './schema';
export { imageTagFor, versionFromImageTag, commitTagFor } from './version';
export { ensureBaseImages, type BaseImages } from './base-images';
