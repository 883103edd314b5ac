import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import * as semver from 'semver';
import { z } from 'zod';
import { readArtifactMetadata, releaseDir } from '../build/binary';
import { parseInput } from '../build/image';
import { activityLogger, cancellationSignal, type Logger } from '../build/progress';
import { ImageRepo } from '../../domain/references';
import { ServiceName } from '../../domain/spec';
import { commitTagFor, versionFromImageTag } from '../build/version';
import type { RetainedRelease } from '../../domain/release';
import { RegistryClient, splitImageRepo } from './client';
import type { RegistryAccess } from './access';
import { forgetPairsOf } from './pairs';

export const listReleasesInputSchema = z.object({
  service: ServiceName,
  /** Omit to list only the artifact store. */
  imageRepo: ImageRepo.optional(),
});
export type ListReleasesInput = z.input<typeof listReleasesInputSchema>;

export const pruneReleasesInputSchema = listReleasesInputSchema.extend({
  keep: z.number().int().min(1).max(1000),
  /** Releases never deleted, whatever their age: the live one and the previous one at least.
   * Each entry may be an image tag, a version, a digest or an imageRef. */
  protect: z.array(z.string().min(1)).max(100),
});
export type PruneReleasesInput = z.input<typeof pruneReleasesInputSchema>;

export interface PruneReleasesResult {
  kept: string[];
  /** `pairs`: how many records of the config versions the build went live with were forgotten (./pairs.ts). */
  deleted: { imageTag: string; registry: boolean; binary: boolean; pairs: number }[];
}

export interface ReleaseDeps {
  docker: Docker;
  artifactStore: string;
  logger: Logger;
  access: (registryHost: string) => RegistryAccess;
}

function registryFor(deps: ReleaseDeps, imageRepo: string) {
  const { host, name } = splitImageRepo(imageRepo);
  return { name, client: new RegistryClient({ host, ...deps.access(host), signal: cancellationSignal() }) };
}

/** Newest first by semver precedence; equal versions (never expected) by build time. */
function newestFirst(a: RetainedRelease, b: RetainedRelease): number {
  return semver.rcompare(a.version, b.version) || (b.builtAt ?? '').localeCompare(a.builtAt ?? '') || a.imageTag.localeCompare(b.imageTag);
}

/** Releases held in the registry and/or the artifact store, merged by image tag, newest first. */
export async function listReleases(deps: ReleaseDeps, raw: ListReleasesInput): Promise<RetainedRelease[]> {
  const input = parseInput(listReleasesInputSchema, raw, 'listReleases');
  const byTag = new Map<string, RetainedRelease>();
  const entry = (imageTag: string): RetainedRelease | undefined => {
    const parsed = versionFromImageTag(imageTag);
    if (!parsed) return undefined;
    let r = byTag.get(imageTag);
    if (!r) {
      r = { imageTag, version: parsed.version, shortCommit: parsed.shortCommit, digest: null, imageRef: null, binaryPath: null, sha256: null, commit: null, builtAt: null };
      byTag.set(imageTag, r);
    }
    return r;
  };

  if (input.imageRepo) {
    const { name, client } = registryFor(deps, input.imageRepo);
    const tags = (await client.listTags(name)).filter((t) => versionFromImageTag(t));
    const digests = await Promise.all(tags.map((t) => client.manifestDigest(name, t)));
    tags.forEach((t, i) => {
      const r = entry(t);
      if (r && digests[i]) {
        r.digest = digests[i]!;
        r.imageRef = `${input.imageRepo}@${digests[i]}`;
      }
    });
  }

  const serviceDir = join(deps.artifactStore, input.service);
  if (existsSync(serviceDir)) {
    for (const dirent of readdirSync(serviceDir, { withFileTypes: true })) {
      if (!dirent.isDirectory() || dirent.name.startsWith('.')) continue;
      const meta = readArtifactMetadata(join(serviceDir, dirent.name));
      const r = meta ? entry(dirent.name) : undefined;
      if (!r || !meta) continue;
      r.binaryPath = join(serviceDir, dirent.name, input.service);
      r.sha256 = meta.sha256;
      r.commit = meta.commit;
      r.builtAt = meta.builtAt;
    }
  }
  return [...byTag.values()].sort(newestFirst);
}

function isProtected(r: RetainedRelease, protect: ReadonlySet<string>): boolean {
  return [r.imageTag, r.version, r.digest, r.imageRef].some((k) => k !== null && protect.has(k));
}

/**
 * Keeps the newest `keep` releases plus every protected one and deletes the rest from the
 * registry (manifest by digest, which drops its tags) and the artifact store. Blob space comes
 * back after the registry's garbage collection, which is the registry operator's job.
 */
export async function pruneReleases(deps: ReleaseDeps, raw: PruneReleasesInput): Promise<PruneReleasesResult> {
  const input = parseInput(pruneReleasesInputSchema, raw, 'pruneReleases');
  const log = activityLogger(deps.logger, { service: input.service });
  const releases = await listReleases(deps, input);
  const protect = new Set(input.protect);
  const keep = releases.filter((r, i) => i < input.keep || isProtected(r, protect));
  const drop = releases.filter((r) => !keep.includes(r));
  // A digest shared with a kept release (same image, two version tags) must survive.
  const keptDigests = new Set(keep.map((r) => r.digest).filter((d): d is string => d !== null));

  const deleted: PruneReleasesResult['deleted'] = [];
  for (const r of drop) {
    let registry = false;
    if (input.imageRepo && r.digest && !keptDigests.has(r.digest)) {
      const { name, client } = registryFor(deps, input.imageRepo);
      registry = (await client.deleteManifest(name, r.digest)) === 'deleted';
      // Local copies go too (best effort: an image used by a container stays).
      for (const tag of [r.imageTag, commitTagFor(r.shortCommit)]) {
        await deps.docker
          .getImage(`${input.imageRepo}:${tag}`)
          .remove()
          .catch(() => undefined);
      }
    }
    let binary = false;
    if (r.binaryPath) {
      rmSync(releaseDir(deps.artifactStore, input.service, r.imageTag), { recursive: true, force: true });
      binary = true;
    }
    const pairs = await forgetPairsOf(deps.artifactStore, input.service, r.imageTag);
    log.info({ imageTag: r.imageTag, registry, binary, pairs }, 'release pruned');
    deleted.push({ imageTag: r.imageTag, registry, binary, pairs });
  }
  return { kept: keep.map((r) => r.imageTag), deleted };
}
