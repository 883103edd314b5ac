import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import * as tar from 'tar-fs';
import { followDockerStream, streamError, type Logger } from './progress';

const execFileAsync = promisify(execFile);

/**
 * The pieces every locally made base image shares (src/activities/build/base-images.ts for Go,
 * node-base-images.ts for Node): a staging directory whose symlinks point at host files is
 * streamed into `docker import`, so nothing is copied to disk and nothing is pulled.
 */
export const BASE_IMAGE_REPO = 'sluice-local';
export const BASE_LABEL = 'io.sluice.base-image';

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** A short content key for an image tag. */
export function contentKey(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 12);
}

export interface ImportOptions {
  /** Dockerfile instructions for the image config (ENV, USER, WORKDIR, ...). */
  changes: string[];
  /** Paths (relative to the staging dir, forward slashes) left out of the image. */
  skip?: (rel: string) => boolean;
  /**
   * Symlinks at these paths stay symlinks instead of being followed. For host trees full of
   * links to one binary (git-core's `git-add -> git`): following them would store a copy each.
   */
  keepLinks?: (rel: string) => boolean;
  logger?: Logger;
}

/** Streams a staging dir (whose symlinks point at host files) into `docker import`. */
export async function importRootfs(docker: Docker, staging: string, ref: string, options: ImportOptions): Promise<void> {
  const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
  const rel = (name: string) => relative(staging, name).split(sep).join('/');
  const keepLinks = options.keepLinks;
  // tar-fs follows links with the `stat` of the fs it is given (its typings do not list `fs`).
  const packFs = keepLinks ? { ...fs, stat: (path: string, cb: (err: Error | null, st: fs.Stats) => void) => (keepLinks(rel(path)) ? fs.lstat : fs.stat)(path, cb) } : fs;
  const pack = tar.pack(staging, {
    dereference: true,
    fs: packFs,
    ignore: (name) => options.skip?.(rel(name)) ?? false,
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root', mode: header.name === 'tmp' ? 0o1777 : header.mode }),
  } as tar.PackOptions);
  const res = (await docker.importImage(pack as unknown as NodeJS.ReadableStream, {
    repo,
    tag,
    changes: [...options.changes, `LABEL ${BASE_LABEL}=${repo}`],
  })) as unknown as NodeJS.ReadableStream;
  const events = await followDockerStream(res, () => undefined);
  const error = streamError(events);
  if (error) throw new Error(`docker import ${ref}: ${error}`);
  options.logger?.info({ image: ref }, 'base image imported');
}

/** /etc/passwd and /etc/group with `nonroot` (65532, as distroless names it) and /tmp. */
export function writeIdentityFiles(staging: string): void {
  mkdirSync(join(staging, 'etc'), { recursive: true });
  mkdirSync(join(staging, 'tmp'), { recursive: true });
  writeFileSync(join(staging, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
  writeFileSync(join(staging, 'etc', 'group'), 'root:x:0:\nnonroot:x:65532:\n');
}

/** The host's CA bundle at the Debian path, when the host has one. */
export function linkCaBundle(staging: string): void {
  const ca = '/etc/ssl/certs/ca-certificates.crt';
  if (existsSync(ca)) linkHostPath(staging, ca);
}

/** Symlinks a host file or directory into the staging dir, at its own path unless `at` is given. */
export function linkHostPath(staging: string, hostPath: string, at = hostPath): void {
  const path = join(staging, at);
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(realpathSync(hostPath), path);
}

/** The shared libraries the given ELF files load, as absolute host paths (from ldd). */
export async function sharedLibraries(files: string[]): Promise<string[]> {
  const libs = new Set<string>();
  for (const file of files) {
    // A static binary makes ldd exit non-zero: it needs nothing.
    const { stdout } = await execFileAsync('ldd', [file]).catch(() => ({ stdout: '' }));
    for (const line of stdout.split('\n')) {
      const lib = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
      if (lib) libs.add(lib);
    }
  }
  return [...libs];
}

/**
 * Stages host executables (`[hostPath, pathInImage]`) and every library they load at the
 * library's host path, where the dynamic loader of the image looks for it.
 */
export async function stageExecutables(staging: string, executables: [string, string][]): Promise<void> {
  for (const [host, at] of executables) linkHostPath(staging, host, at);
  for (const lib of await sharedLibraries(executables.map(([host]) => host))) linkHostPath(staging, lib);
}

/** A POSIX shell at /bin/sh (dash where the host has it), for the RUN lines of Dockerfiles. */
export async function stageShell(staging: string): Promise<void> {
  const shell = existsSync('/bin/dash') ? '/bin/dash' : realpathSync('/bin/sh');
  await stageExecutables(staging, [[shell, '/bin/sh']]);
}

/**
 * Runs fn while holding a cross-process lock (an atomically created directory holding the
 * owner's pid), so concurrent test files or workers build a base image once, not N times.
 * A lock whose owner died is taken over at once: an image build takes minutes, so a lock that
 * only went stale with age would hold the others up that long.
 */
export async function withImageLock<T>(ref: string, fn: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
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

/**
 * The image `ref`, made by `create` unless it exists: looked up first (cheap), then again under
 * the lock, since another process may have made it while this one waited.
 */
export async function ensureImage(docker: Docker, ref: string, create: () => Promise<void>): Promise<string> {
  if (await imageExists(docker, ref)) return ref;
  return withImageLock(ref, async () => {
    if (!(await imageExists(docker, ref))) await create();
    return ref;
  });
}

/** Runs fn with a fresh staging directory, removed afterwards. */
export async function withStaging<T>(prefix: string, fn: (staging: string) => Promise<T>): Promise<T> {
  const staging = fs.mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));
  try {
    return await fn(staging);
  } finally {
    rmSync(staging, { recursive: true, force: true });
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
