import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The files of npm's cache (cacache, `~/.npm/_cacache`) that `npm ci --offline` reads for one
 * package-lock.json, so a builder image can hold exactly those instead of a whole host cache.
 *
 * Content blobs alone are not enough (measured with npm 11): lockfiles written with
 * `omit-lockfile-registry-resolved` have no `resolved` URLs, so npm first reads each package's
 * packument to find the tarball URL, then fetches that URL; offline, both come from index
 * entries (make-fetch-happen's request cache, keyed by URL) that point at content blobs. So per
 * package: the index bucket of its packument URL and of its tarball URL, and the blobs they name.
 */
export interface LockfileCacheInput {
  lockfile: string;
  /** The host's cacache directory (`$(npm config get cache)/_cacache`). */
  cacheDir: string;
  /** The registry the host cache was filled from, with a trailing slash. */
  registry: string;
}

export interface LockfileCacheFiles {
  /** Paths relative to cacheDir: index buckets and the content blobs they name. */
  files: string[];
  /** Optional packages the host never fetched: other platforms' binaries, which npm skips here too. */
  skippedOptional: string[];
}

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  optional?: boolean;
  link?: boolean;
  inBundle?: boolean;
}

export class NpmCacheIncompleteError extends Error {
  constructor(
    readonly missing: string[],
    lockfile: string,
    cacheDir: string,
  ) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
    super(`the npm cache ${cacheDir} lacks ${missing.length} package(s) of ${lockfile}: ${shown}; run \`npm ci\` in ${dirname(lockfile)} (with network) once to fill it`);
    this.name = 'NpmCacheIncompleteError';
  }
}

/** cacache's content path of an integrity string (`sha512-<base64>`). */
export function contentPath(integrity: string): string {
  const [algo, digest] = integrity.trim().split(/\s+/)[0]!.split(/-(.*)/s) as [string, string];
  const hex = Buffer.from(digest, 'base64').toString('hex');
  return join('content-v2', algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

/** cacache's index bucket of a key. */
export function bucketPath(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex');
  return join('index-v5', hash.slice(0, 2), hash.slice(2, 4), hash.slice(4));
}

/** The request-cache keys of a registry package: its packument URL and its tarball URL. */
export function registryKeys(registry: string, name: string, version: string): string[] {
  const unscoped = name.slice(name.lastIndexOf('/') + 1);
  return [`${registry}${name.replace('/', '%2f')}`, `${registry}${name}/-/${unscoped}-${version}.tgz`].map((url) => `make-fetch-happen:request-cache:${url}`);
}

/** The blobs an index bucket's entries point at (each line: `<sha1>\t<json>`). */
function bucketBlobs(cacheDir: string, bucket: string): string[] {
  return readFileSync(join(cacheDir, bucket), 'utf8')
    .split('\n')
    .map((line) => line.slice(line.indexOf('\t') + 1))
    .filter((json) => json.startsWith('{'))
    .map((json) => (JSON.parse(json) as { integrity?: string | null }).integrity)
    .filter((integrity): integrity is string => typeof integrity === 'string')
    .map(contentPath)
    .filter((blob) => existsSync(join(cacheDir, blob)));
}

export function lockfileCacheFiles(input: LockfileCacheInput): LockfileCacheFiles {
  const lock = JSON.parse(readFileSync(input.lockfile, 'utf8')) as { packages?: Record<string, LockEntry> };
  const files = new Set<string>();
  const missing: string[] = [];
  const skippedOptional: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    // The root, workspace links and packages shipped inside another package's tarball.
    if (path === '' || entry.link || entry.inBundle || !entry.version) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const spec = `${name}@${entry.version}`;
    const found = registryKeys(input.registry, name, entry.version).map((key) => {
      const bucket = bucketPath(key);
      if (!existsSync(join(input.cacheDir, bucket))) return undefined;
      const blobs = bucketBlobs(input.cacheDir, bucket);
      return blobs.length > 0 ? [bucket, ...blobs] : undefined;
    });
    // The tarball itself, by the lockfile's integrity (npm verifies it against that).
    const tarball = entry.integrity ? contentPath(entry.integrity) : undefined;
    if (tarball && !existsSync(join(input.cacheDir, tarball))) found.push(undefined);
    if (found.every((f) => f !== undefined)) {
      for (const file of found.flat()) files.add(file);
    } else if (entry.optional) {
      skippedOptional.push(spec);
    } else {
      missing.push(spec);
    }
  }
  if (missing.length > 0) throw new NpmCacheIncompleteError(missing, input.lockfile, input.cacheDir);
  return { files: [...files].sort(), skippedOptional };
}
