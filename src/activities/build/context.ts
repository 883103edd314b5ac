import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import dockerignore from '@balena/dockerignore';
import * as tar from 'tar-fs';
import { isPathInside } from '../../domain/references';
import { ErrorType, badInput } from '../../domain/errors';

export interface BuildContext {
  stream: NodeJS.ReadableStream;
  /** Dockerfile path relative to the context root, with forward slashes (what the API wants). */
  dockerfile: string;
}

/**
 * Packs contextDir as a tar stream the way `docker build` does: `.dockerignore` patterns
 * (exceptions included) decide what is sent, and the Dockerfile and .dockerignore are always
 * sent. The stream is lazy, so nothing is copied to disk.
 */
export function packBuildContext(contextDir: string, dockerfile = 'Dockerfile'): BuildContext {
  const root = resolve(contextDir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw badInput(ErrorType.InvalidBuildInput, `build context ${contextDir} is not a directory`);
  }
  if (!isPathInside(dockerfile)) {
    throw badInput(ErrorType.InvalidBuildInput, `Dockerfile ${dockerfile} must be inside the build context ${contextDir}`);
  }
  const dockerfilePath = resolve(root, dockerfile);
  const rel = relative(root, dockerfilePath);
  if (!existsSync(dockerfilePath) || !statSync(dockerfilePath).isFile()) {
    throw badInput(ErrorType.MissingDockerfile, `no Dockerfile at ${dockerfilePath}; add one or pass dockerfile relative to ${contextDir}`);
  }
  const dockerfileRel = rel.split(sep).join('/');

  const ignoreFile = resolve(root, '.dockerignore');
  const patterns = existsSync(ignoreFile)
    ? readFileSync(ignoreFile, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const ig = dockerignore({ ignorecase: false }).add(patterns);
  // With "!" exceptions an excluded directory may still hold included files, so directories
  // are then walked and only files are judged (as the Docker CLI does).
  const hasExceptions = patterns.some((p) => p.startsWith('!'));
  const alwaysSent = new Set([dockerfileRel, '.dockerignore']);

  const stream = tar.pack(root, {
    ignore: (name) => {
      const relName = relative(root, name).split(sep).join('/');
      if (relName === '' || alwaysSent.has(relName)) return false;
      if (hasExceptions) {
        try {
          if (statSync(name).isDirectory()) return false;
        } catch {
          return true;
        }
      }
      return ig.ignores(relName);
    },
    // Owner and mtimes of the host are not part of the image's identity.
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root' }),
  });
  // tar-fs 3 returns a streamx stream: pipe-compatible, which is all docker-modem needs.
  return { stream: stream as unknown as NodeJS.ReadableStream, dockerfile: dockerfileRel };
}
