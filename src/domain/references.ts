/**
 * How the parts of a release are named: image repositories, tags, digest references, commits,
 * git tag prefixes, build args, paths inside a build context. One definition each: the release
 * spec checks them at the edge (spec.ts) and the build and registry activities check their input
 * with the same schemas, so a spec the CLI accepts is never refused by an activity for its names.
 */
import { z } from 'zod';
import { registryHostOf } from './image-refs';

/** Docker's reference grammar, narrowed: optional registry host[:port], then a lowercase path. */
export const IMAGE_REPO_PATTERN = /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const COMMIT_SHA_PATTERN = /^[0-9a-f]{7,64}$/;
export const TAG_PREFIX_PATTERN = /^[A-Za-z0-9._/-]{0,64}$/;
export const BUILD_ARG_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A relative path that names something inside its base directory: `Dockerfile`,
 * `build/Dockerfile`, `a/../Dockerfile`; not `/Dockerfile`, `../Dockerfile` or the base itself.
 * The same answer as resolving it against the base and checking the result stays below it.
 */
export function isPathInside(relPath: string): boolean {
  if (relPath.startsWith('/')) return false;
  let depth = 0;
  for (const part of relPath.split('/')) {
    if (part === '..') depth -= 1;
    else if (part !== '' && part !== '.') depth += 1;
    if (depth < 0) return false;
  }
  return depth > 0;
}

export const ImageRepo = z
  .string()
  .regex(IMAGE_REPO_PATTERN, { message: 'image repository must look like 127.0.0.1:5000/name (lowercase)', abort: true })
  .refine((repo) => registryHostOf(repo) !== undefined, { message: 'image repository must start with a registry host, e.g. 127.0.0.1:5000/name' });

export const ImageTag = z.string().regex(IMAGE_TAG_PATTERN, 'image tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');

export const CommitSha = z.string().regex(COMMIT_SHA_PATTERN, 'commit must be a hex SHA (7 to 64 characters)');

/** An image pinned by digest in a repository Sluice can list and prune: 127.0.0.1:5000/svc@sha256:<64 hex>. */
export const ImageRefByDigest = z.string().refine(
  (ref) => {
    const at = ref.lastIndexOf('@');
    return at > 0 && DIGEST_PATTERN.test(ref.slice(at + 1)) && ImageRepo.safeParse(ref.slice(0, at)).success;
  },
  { message: 'must be pinned by digest in a registry repository: 127.0.0.1:5000/name@sha256:<64 hex>' },
);

/** Git tags look like `<prefix><semver>`; monorepos use e.g. `go-service/v`. */
export const TagPrefix = z.string().regex(TAG_PREFIX_PATTERN, 'tag prefix may hold up to 64 letters, digits, . _ / -');

export const BuildArgs = z.record(z.string().regex(BUILD_ARG_NAME_PATTERN, 'build arg names are shell identifiers'), z.string());

/** A Dockerfile path, relative to the build context it must stay inside. */
export const DockerfilePath = z.string().refine(isPathInside, { message: 'must be inside the build context: a relative path that does not climb out with ..' });
