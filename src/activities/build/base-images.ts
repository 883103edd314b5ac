import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import * as tar from 'tar-fs';
import { followDockerStream, streamError, type Logger } from './progress';

const execFileAsync = promisify(execFile);

/**
 * Local stand-ins for `golang:<ver>` and `gcr.io/distroless/static`, for machines that cannot
 * pull: both are `docker import`ed from files already on this host. The builder holds the
 * host's Go toolchain, a POSIX shell (for RUN lines) and a module cache with exactly the
 * modules of one go.sum, with GOPROXY=off, so the Dockerfile's `go mod download` works offline,
 * and a compile cache warmed with those modules (as a CI cache would be).
 * Tags are content keys (Go version + go.sum hash), so ensure* is idempotent and cheap.
 */
export const BASE_IMAGE_REPO = 'sluice-local';
export const RUNTIME_BASE_TAG = `${BASE_IMAGE_REPO}/static:1`;
const BASE_LABEL = 'io.sluice.base-image';
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

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** The shell and the shared libraries it loads, as absolute paths (from ldd). */
async function shellFiles(): Promise<{ shell: string; libs: string[] }> {
  const shell = existsSync('/bin/dash') ? '/bin/dash' : realpathSync('/bin/sh');
  const { stdout } = await execFileAsync('ldd', [shell]).catch(() => ({ stdout: '' }));
  const libs = stdout
    .split('\n')
    .map((l) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  return { shell, libs };
}

/** Streams a staging dir (whose symlinks point at host files) into `docker import`. */
async function importRootfs(docker: Docker, staging: string, ref: string, changes: string[], skip: (rel: string) => boolean, logger?: Logger): Promise<void> {
  const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
  const pack = tar.pack(staging, {
    dereference: true,
    ignore: (name) => skip(relative(staging, name).split(sep).join('/')),
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root', mode: header.name === 'tmp' ? 0o1777 : header.mode }),
  });
  const res = (await docker.importImage(pack as unknown as NodeJS.ReadableStream, {
    repo,
    tag,
    changes: [...changes, `LABEL ${BASE_LABEL}=${repo}`],
  })) as unknown as NodeJS.ReadableStream;
  const events = await followDockerStream(res, () => undefined);
  const error = streamError(events);
  if (error) throw new Error(`docker import ${ref}: ${error}`);
  logger?.info({ image: ref }, 'base image imported');
}

function writeIdentityFiles(staging: string): void {
  mkdirSync(join(staging, 'etc'), { recursive: true });
  mkdirSync(join(staging, 'tmp'), { recursive: true });
  writeFileSync(join(staging, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
  writeFileSync(join(staging, 'etc', 'group'), 'root:x:0:\nnonroot:x:65532:\n');
}

/** Runtime base like distroless/static: passwd/group with `nonroot`, /tmp, CA roots if present. */
export async function ensureRuntimeBaseImage(docker: Docker, logger?: Logger): Promise<string> {
  if (await imageExists(docker, RUNTIME_BASE_TAG)) return RUNTIME_BASE_TAG;
  return withImageLock(RUNTIME_BASE_TAG, async () => {
    if (await imageExists(docker, RUNTIME_BASE_TAG)) return RUNTIME_BASE_TAG;
    return createRuntimeBaseImage(docker, logger);
  });
}

async function createRuntimeBaseImage(docker: Docker, logger?: Logger): Promise<string> {
  const staging = mkdtempSync(join(tmpdir(), 'sluice-runtime-base-'));
  try {
    writeIdentityFiles(staging);
    const ca = '/etc/ssl/certs/ca-certificates.crt';
    if (existsSync(ca)) {
      mkdirSync(join(staging, 'etc/ssl/certs'), { recursive: true });
      symlinkSync(ca, join(staging, 'etc/ssl/certs/ca-certificates.crt'));
    }
    await importRootfs(docker, staging, RUNTIME_BASE_TAG, ['USER 65532:65532'], () => false, logger);
    return RUNTIME_BASE_TAG;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
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

/**
 * Runs fn while holding a cross-process lock (an atomically created directory holding the
 * owner's pid), so concurrent test files or workers build a base image once, not N times.
 * A lock whose owner died is taken over.
 */
async function withImageLock<T>(ref: string, fn: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  const lock = join(tmpdir(), `sluice-base-${createHash('sha256').update(ref).digest('hex').slice(0, 16)}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSafe(join(lock, 'pid')));
      if (owner && !processAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by pid ${owner || 'unknown'})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function ensureGoBuilderImage(input: EnsureBaseImagesInput): Promise<string> {
  const ref = await builderImageTag(input.goModuleDir);
  if (await imageExists(input.docker, ref)) return ref;
  return withImageLock(ref, async () => {
    // Another process may have built it while we waited for the lock.
    if (await imageExists(input.docker, ref)) return ref;
    return createGoBuilderImage(input, ref);
  });
}

async function createGoBuilderImage(input: EnsureBaseImagesInput, ref: string): Promise<string> {
  const env = await goEnv();
  const staging = mkdtempSync(join(tmpdir(), 'sluice-go-builder-'));
  try {
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
    mkdirSync(join(staging, 'usr', 'local'), { recursive: true });
    symlinkSync(realpathSync(env.GOROOT), join(staging, 'usr', 'local', 'go'));
    const { shell, libs } = await shellFiles();
    mkdirSync(join(staging, 'bin'), { recursive: true });
    symlinkSync(shell, join(staging, 'bin', 'sh'));
    for (const lib of libs) {
      mkdirSync(join(staging, dirname(lib)), { recursive: true });
      if (!existsSync(join(staging, lib))) symlinkSync(realpathSync(lib), join(staging, lib));
    }
    chmodSync(join(staging, 'tmp'), 0o1777);
    // Tests, docs and API lists of the toolchain are not needed to compile.
    const skip = (rel: string) => /^usr\/local\/go\/(test|doc|misc|api)(\/|$)/.test(rel);
    await importRootfs(
      input.docker,
      staging,
      ref,
      [
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
      input.logger,
    );
    return ref;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
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
