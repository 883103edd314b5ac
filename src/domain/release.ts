import type { ResolvedConfig } from './config';

/**
 * A release: one built version of one service, the unit every target deploys and every rollback
 * names. Plain data (workflow code imports it), no zod here; spec.ts validates what comes in.
 */
export interface Release {
  service: string;
  /** Semver with the short commit as build metadata, e.g. 1.4.3+a1b2c3d. */
  version: string;
  /** Docker-safe form of the version, e.g. v1.4.3-a1b2c3d (a tag cannot hold '+'). */
  imageTag: string;
  /** Full or short commit SHA; empty when a prebuilt release does not say. */
  commit: string;
  /** Image pinned by digest (docker and kubernetes targets): 127.0.0.1:5000/svc@sha256:… */
  imageRef?: string;
  /** Versioned binary in the artifact store (process target). */
  binaryPath?: string;
  /**
   * The configuration it runs with (issue 16, docs/config.md), resolved once per release: its
   * config version and plain values; secrets by name only, their values read where an instance
   * starts. Absent for a spec without `config:` and for a release recovered from the world.
   */
  config?: ResolvedConfig;
}

/**
 * A version kept for rollback: a registry tag, an artifact-store binary, or both. The registry
 * activities produce it; the client and the CLI show it.
 */
export interface RetainedRelease {
  imageTag: string;
  version: string;
  shortCommit: string;
  /** Present when the registry holds the tag. */
  digest: string | null;
  imageRef: string | null;
  /** Present when the artifact store holds a binary for it. */
  binaryPath: string | null;
  sha256: string | null;
  commit: string | null;
  builtAt: string | null;
}

/** A git commit's version, as the build's resolveVersion activity computes it; a Release is built from it. */
export interface ResolvedVersion {
  service: string;
  /** Semver with the short commit as build metadata: 1.4.3+a1b2c3d, 1.4.4-dev.3+a1b2c3d. */
  version: string;
  /** Docker-safe form of the version: v1.4.3-a1b2c3d (a tag cannot hold '+'). */
  imageTag: string;
  /** Full commit SHA of HEAD. */
  commit: string;
  shortCommit: string;
  /** The nearest version tag, or null in an untagged repository. */
  tag: string | null;
  /** Commits between the tag and HEAD. */
  distance: number;
  dirty: boolean;
  /** True unless HEAD is exactly a clean release tag. */
  prerelease: boolean;
  /** Committer date of HEAD, ISO 8601. */
  commitTime: string;
}

/** `v1.4.3-a1b2c3d` from `1.4.3+a1b2c3d`: the same rule as the build activities' imageTagFor. */
export function imageTagForVersion(version: string): string {
  return `v${version.replace('+', '-')}`;
}

/** The build metadata of a version (`a1b2c3d` in `1.4.3+a1b2c3d`), or '' when it has none. */
export function commitFromVersion(version: string): string {
  const plus = version.indexOf('+');
  return plus < 0 ? '' : version.slice(plus + 1);
}

/** A short human label: `svc 1.4.3+a1b2c3d`. */
export function releaseLabel(release: Pick<Release, 'service' | 'version'>): string {
  return `${release.service} ${release.version}`;
}

/** Two references name the same release when their version (or pinned artifact) agrees. */
export function sameRelease(a: Release | null | undefined, b: Release | null | undefined): boolean {
  if (!a || !b) return false;
  if (a.service !== b.service) return false;
  if (a.imageRef && b.imageRef) return a.imageRef === b.imageRef;
  return a.version === b.version;
}

/**
 * Two releases run the same configuration: the same config digest, or neither has one. A build
 * is not compared (sameRelease does that).
 */
export function sameConfig(a: Pick<Release, 'config'> | null | undefined, b: Pick<Release, 'config'> | null | undefined): boolean {
  return (a?.config?.version.digest ?? null) === (b?.config?.version.digest ?? null);
}

/**
 * The same build with the same configuration: what an instance must run to stand for a release
 * (issue 16: a config-only release runs the live build with another config version).
 */
export function sameBuildAndConfig(a: Release | null | undefined, b: Release | null | undefined): boolean {
  return sameRelease(a, b) && sameConfig(a, b);
}

/** `1.4.3+a1b2c3d` or `1.4.3+a1b2c3d with cfg-1a2b3c4d5e6f`: a release as people name the pair. */
export function pairLabel(release: Pick<Release, 'version' | 'config'>): string {
  return release.config ? `${release.version} with ${release.config.version.id}` : release.version;
}

/** A retained release matches a requested version by version, image tag, or digest reference. */
export function matchesVersion(release: Pick<Release, 'version' | 'imageTag' | 'imageRef'>, wanted: string): boolean {
  const w = wanted.trim();
  return (
    release.version === w ||
    release.imageTag === w ||
    `v${release.version}` === w ||
    release.imageRef === w ||
    // "1.4.2" names 1.4.2+<anything>
    release.version.split('+')[0] === w.replace(/^v/, '')
  );
}
