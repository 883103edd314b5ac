import { createHash } from 'node:crypto';
import * as semver from 'semver';
import type { ResolvedVersion } from '../../domain/release';
import { git, gitMaybe, GitError } from './git';
import { ErrorType, badInput } from '../../domain/errors';

export interface ResolveVersionInput {
  repoDir: string;
  service: string;
  /** Tags look like `<prefix><semver>`; monorepos use e.g. `go-service/v`. Default `v`. */
  tagPrefix?: string;
}

const SHORT_SHA_LENGTH = 7;

/** `v1.4.3-a1b2c3d` from semver `1.4.3+a1b2c3d`. The last dash-separated part is the commit. */
export function imageTagFor(version: string): string {
  const parsed = semver.parse(version);
  if (!parsed || parsed.build.length !== 1) {
    throw badInput(ErrorType.InvalidBuildInput, `version ${JSON.stringify(version)} must be semver with the short commit as build metadata, e.g. 1.4.3+a1b2c3d`);
  }
  const core = `${parsed.major}.${parsed.minor}.${parsed.patch}`;
  const pre = parsed.prerelease.length ? `-${parsed.prerelease.join('.')}` : '';
  return `v${core}${pre}-${parsed.build[0]}`;
}

/** Inverse of imageTagFor; undefined for tags that are not release tags (e.g. `sha-a1b2c3d`, `latest`). */
export function versionFromImageTag(imageTag: string): { version: string; shortCommit: string } | undefined {
  const m = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)-([0-9a-f]{7,40})$/.exec(imageTag);
  if (!m) return undefined;
  const version = `${m[1]}+${m[2]}`;
  return semver.valid(version) ? { version, shortCommit: m[2] } : undefined;
}

/** The commit tag pushed beside the version tag (docker/metadata-action's convention). */
export function commitTagFor(shortCommit: string): string {
  return `sha-${shortCommit}`;
}

/**
 * Strict check of a release tag. Loose forms (v1.2, 1.2.3.4, v01.2.3) and tags carrying build
 * metadata are refused: the metadata slot belongs to the commit SHA.
 */
export function parseReleaseTag(tag: string, prefix: string): semver.SemVer {
  const raw = tag.startsWith(prefix) ? tag.slice(prefix.length) : undefined;
  const parsed = raw === undefined ? null : semver.parse(raw);
  if (!parsed || parsed.build.length > 0 || parsed.raw !== raw) {
    throw badInput(
      ErrorType.BadVersionTag,
      `git tag ${JSON.stringify(tag)} is not a release tag: expected ${prefix}MAJOR.MINOR.PATCH (strict semver, optional -prerelease, no +build), e.g. ${prefix}1.4.3. Delete or fix the tag, or tag a newer commit.`,
    );
  }
  return parsed;
}

async function headCommit(repoDir: string): Promise<{ commit: string; short: string; time: string }> {
  const inside = await gitMaybe(repoDir, ['rev-parse', '--is-inside-work-tree']);
  if (inside !== 'true') {
    throw badInput(ErrorType.NotAGitRepo, `${repoDir} is not a git work tree`);
  }
  const head = await gitMaybe(repoDir, ['log', '-1', `--format=%H%x1f%cI`, 'HEAD']);
  if (!head) throw badInput(ErrorType.NotAGitRepo, `${repoDir} has no commit yet; commit before building`);
  const [commit, time] = head.split('\x1f');
  const short = await git(repoDir, ['rev-parse', `--short=${SHORT_SHA_LENGTH}`, 'HEAD']);
  return { commit, short, time };
}

/**
 * A digest of uncommitted changes (tracked diff plus untracked, non-ignored files), so two
 * different dirty trees never share a version and an idempotent build never skips new work.
 * Read-only: hash-object without -w writes nothing into the repository.
 */
async function dirtyDigest(repoDir: string): Promise<string | undefined> {
  const status = await git(repoDir, ['status', '--porcelain=v1', '--untracked-files=all']);
  if (status === '') return undefined;
  const hash = createHash('sha256');
  hash.update(await git(repoDir, ['diff', 'HEAD', '--binary', '--no-ext-diff']));
  const untracked = (await git(repoDir, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  if (untracked.length) {
    const blobs = await git(repoDir, ['hash-object', '--', ...untracked]);
    hash.update(`\0${untracked.join('\0')}\0${blobs}`);
  }
  return hash.digest('hex').slice(0, SHORT_SHA_LENGTH);
}

export async function resolveVersion(input: ResolveVersionInput): Promise<ResolvedVersion> {
  const prefix = input.tagPrefix ?? 'v';
  const head = await headCommit(input.repoDir);
  // --long always prints "<tag>-<distance>-g<sha>", even at distance 0.
  const described = await gitMaybe(input.repoDir, ['describe', '--tags', '--long', '--abbrev=40', '--match', `${prefix}[0-9]*`, 'HEAD']);
  const dirtyHash = await dirtyDigest(input.repoDir);

  let tag: string | null = null;
  let distance: number;
  let pre: string[];
  let core: string;
  if (described) {
    const m = /^(.*)-(\d+)-g[0-9a-f]+$/.exec(described);
    if (!m) throw new GitError(['describe'], `unexpected describe output ${described}`, undefined);
    tag = m[1];
    distance = Number(m[2]);
    const base = parseReleaseTag(tag, prefix);
    if (distance === 0 && !dirtyHash) {
      core = `${base.major}.${base.minor}.${base.patch}`;
      pre = base.prerelease.map(String);
    } else if (base.prerelease.length) {
      // After v1.5.0-rc.1 comes 1.5.0-rc.1.dev.N: still below 1.5.0, above the rc.
      core = `${base.major}.${base.minor}.${base.patch}`;
      pre = [...base.prerelease.map(String), 'dev', String(distance)];
    } else {
      // After v1.4.3 comes 1.4.4-dev.N, so the build sorts above the release it grew from.
      core = `${base.major}.${base.minor}.${base.patch + 1}`;
      pre = ['dev', String(distance)];
    }
  } else {
    if ((await git(input.repoDir, ['rev-parse', '--is-shallow-repository'])) === 'true') {
      throw badInput(
        ErrorType.ShallowClone,
        `${input.repoDir} is a shallow clone and no ${prefix}* tag is reachable; fetch full history and tags (git fetch --unshallow --tags, or fetch-depth: 0 in CI)`,
      );
    }
    distance = Number(await git(input.repoDir, ['rev-list', '--count', 'HEAD']));
    core = '0.0.0';
    pre = ['dev', String(distance)];
  }
  // "dirty-<hash>": a hex hash alone could be an all-digit identifier with a leading zero,
  // which semver forbids.
  if (dirtyHash) pre.push(`dirty-${dirtyHash}`);

  const version = `${core}${pre.length ? `-${pre.join('.')}` : ''}+${head.short}`;
  return {
    service: input.service,
    version,
    imageTag: imageTagFor(version),
    commit: head.commit,
    shortCommit: head.short,
    tag,
    distance,
    dirty: dirtyHash !== undefined,
    prerelease: pre.length > 0,
    commitTime: head.time,
  };
}
