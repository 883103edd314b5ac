import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import type { Logger } from './progress';
import { BASE_IMAGE_REPO, BASE_LABEL, ensureImage, importRootfs, linkCaBundle, linkHostPath, stageShell, withStaging, writeIdentityFiles } from './rootfs';

const execFileAsync = promisify(execFile);

/**
 * Local stand-ins for `golang:<ver>` and `gcr.io/distroless/static`, for machines that cannot
 * pull: both are `docker import`ed from files already on this host. The builder holds the
 * host's Go toolchain, a POSIX shell (for RUN lines) and a module cache with exactly the
 * modules of one go.sum, with GOPROXY=off, so the Dockerfile's `go mod download` works offline,
 * and a compile cache warmed with those modules (as a CI cache would be).
 * Tags are content keys (Go version + go.sum hash), so ensure* is idempotent and cheap.
 */
export const RUNTIME_BASE_TAG = `${BASE_IMAGE_REPO}/static:1`;
/** Bump when the builder recipe below changes, so old builders are not reused. */
const BUILDER_RECIPE = '2';

export interface BaseImages {
  builderImage: string;
  runtimeImage: string;
}

export interface EnsureBaseImagesInput {
  docker: Docker;
  /** A Go module directory (go.mod + go.sum) whose dependencies the builder must hold. */
  goModuleDir: string;
  logger?: Logger;
}

interface GoEnv {
  GOROOT: string;
  GOVERSION: string;
  GOMODCACHE: string;
}

async function goEnv(): Promise<GoEnv> {
  const { stdout } = await execFileAsync('go', ['env', '-json', 'GOROOT', 'GOVERSION', 'GOMODCACHE']);
  return JSON.parse(stdout) as GoEnv;
}

/** Runtime base like distroless/static: passwd/group with `nonroot`, /tmp, CA roots if present. */
export async function ensureRuntimeBaseImage(docker: Docker, logger?: Logger): Promise<string> {
  return ensureImage(docker, RUNTIME_BASE_TAG, () =>
    withStaging('runtime-base', async (staging) => {
      writeIdentityFiles(staging);
      linkCaBundle(staging);
      await importRootfs(docker, staging, RUNTIME_BASE_TAG, { changes: ['USER 65532:65532'], logger });
    }),
  );
}

/** Tag of the builder for this Go toolchain and this module's go.sum. */
export async function builderImageTag(goModuleDir: string): Promise<string> {
  const env = await goEnv();
  const sum = existsSync(join(goModuleDir, 'go.sum')) ? readFileSync(join(goModuleDir, 'go.sum')) : Buffer.alloc(0);
  const key = createHash('sha256')
    .update(BUILDER_RECIPE)
    .update(readFileSync(join(goModuleDir, 'go.mod')))
    .update(sum)
    .digest('hex')
    .slice(0, 12);
  return `${BASE_IMAGE_REPO}/go-builder:${env.GOVERSION}-${key}`;
}

export async function ensureGoBuilderImage(input: EnsureBaseImagesInput): Promise<string> {
  const ref = await builderImageTag(input.goModuleDir);
  return ensureImage(input.docker, ref, () => withStaging('go-builder', (staging) => createGoBuilderImage(input, ref, staging)));
}

async function createGoBuilderImage(input: EnsureBaseImagesInput, ref: string, staging: string): Promise<void> {
  const env = await goEnv();
  // 1. Make sure the host cache has every module (may use the Go module proxy once).
  await execFileAsync('go', ['mod', 'download'], { cwd: input.goModuleDir, env: { ...process.env, GOFLAGS: '-mod=readonly' } });
  // 2. Copy just this module's dependencies into a fresh cache, offline, from the host cache.
  const modcache = join(staging, 'go', 'pkg', 'mod');
  await execFileAsync('go', ['mod', 'download'], {
    cwd: input.goModuleDir,
    env: {
      ...process.env,
      GOMODCACHE: modcache,
      GOPROXY: `file://${join(env.GOMODCACHE, 'cache', 'download')}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=readonly -modcacherw -buildvcs=false',
    },
  });
  // 3. Warm the compile cache the way the Dockerfile compiles (-trimpath keeps the host
  //    paths out of the cache keys), so an image build only compiles what changed.
  await execFileAsync('go', ['build', '-trimpath', '-o', '/dev/null', './...'], {
    cwd: input.goModuleDir,
    env: {
      ...process.env,
      GOMODCACHE: modcache,
      GOCACHE: join(staging, 'go', 'cache'),
      GOPROXY: 'off',
      GOSUMDB: 'off',
      GOFLAGS: '-mod=readonly -buildvcs=false',
      CGO_ENABLED: '0',
    },
  });
  // 4. Toolchain and shell are symlinks into the host; the tar stream dereferences them.
  writeIdentityFiles(staging);
  linkHostPath(staging, env.GOROOT, '/usr/local/go');
  await stageShell(staging);
  chmodSync(join(staging, 'tmp'), 0o1777);
  // Tests, docs and API lists of the toolchain are not needed to compile.
  const skip = (rel: string) => /^usr\/local\/go\/(test|doc|misc|api)(\/|$)/.test(rel);
  await importRootfs(input.docker, staging, ref, {
    changes: [
      'ENV PATH=/usr/local/go/bin:/bin',
      'ENV GOROOT=/usr/local/go',
      'ENV GOPATH=/go',
      'ENV GOMODCACHE=/go/pkg/mod',
      'ENV GOCACHE=/go/cache',
      'ENV HOME=/tmp',
      // Offline: modules come only from the cache baked in above; go.sum still verifies them.
      'ENV GOPROXY=off',
      'ENV GOSUMDB=off',
      'ENV GOTOOLCHAIN=local',
      'ENV CGO_ENABLED=0',
      'WORKDIR /src',
    ],
    skip,
    logger: input.logger,
  });
}

export async function ensureBaseImages(input: EnsureBaseImagesInput): Promise<BaseImages> {
  const runtimeImage = await ensureRuntimeBaseImage(input.docker, input.logger);
  const builderImage = await ensureGoBuilderImage(input);
  return { builderImage, runtimeImage };
}

/**
 * Removes the untagged builder-stage images that the classic builder leaves after each
 * multi-stage build from a local builder (they inherit its label). Safe only when no build is
 * running: a concurrent build may be about to reuse one of those layers as cache.
 */
export async function removeDanglingBuilderImages(docker: Docker): Promise<number> {
  const images = await docker.listImages({ filters: { dangling: ['true'], label: [`${BASE_LABEL}=${BASE_IMAGE_REPO}/go-builder`] } });
  let removed = 0;
  for (const image of images) {
    await docker
      .getImage(image.Id)
      .remove()
      .then(
        () => removed++,
        () => undefined,
      );
  }
  return removed;
}
