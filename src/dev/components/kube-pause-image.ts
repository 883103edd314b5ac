import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import * as tar from 'tar-fs';
import { registryAddress, type StackConfig } from '../config';
import { packageRoot } from '../../lib/paths';

const execFileAsync = promisify(execFile);

/** The repository of the sandbox image in the stack's registry; the tag is a hash of its source. */
export const PAUSE_REPOSITORY = 'sluice/pause';

function pauseSourceDir(): string {
  return join(packageRoot(), 'tools', 'k8s', 'pause');
}

/** A content key of the pause program: a changed source is a new tag, never a stale image. */
async function sourceTag(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'main.go']) hash.update(file).update(await readFile(join(pauseSourceDir(), file)));
  return `src-${hash.digest('hex').slice(0, 16)}`;
}

const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

async function inRegistry(config: StackConfig, tag: string): Promise<boolean> {
  const res = await fetch(`http://${registryAddress(config)}/v2/${PAUSE_REPOSITORY}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: MANIFEST_TYPES.join(', ') },
    signal: AbortSignal.timeout(10000),
  });
  return res.ok;
}

/** The static pause binary, built once per source hash into the cache (a second build is skipped). */
async function pauseBinary(config: StackConfig, tag: string): Promise<string> {
  const out = join(config.cacheDir, `pause-${tag}`, 'pause');
  if (await stat(out).catch(() => undefined)) return out;
  await mkdir(join(config.cacheDir, `pause-${tag}`), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await execFileAsync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', tmp, '.'], {
    cwd: pauseSourceDir(),
    env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  });
  await rename(tmp, out);
  return out;
}

function follow(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = events?.find((e) => e.error);
      if (err || failed) reject(new Error(`${what}: ${err?.message ?? failed!.error}`));
      else resolve();
    });
  });
}

/**
 * Builds the pause program into a `FROM scratch` image with the stack's own Docker engine and
 * pushes it to the stack's registry, where every node's containerd finds it as its
 * `sandbox_image`. Nothing is pulled from outside, and a registry that already holds the tag
 * is left alone.
 */
async function buildAndPush(config: StackConfig): Promise<string> {
  const tag = await sourceTag();
  const ref = `${registryAddress(config)}/${PAUSE_REPOSITORY}:${tag}`;
  if (await inRegistry(config, tag)) return ref;
  const binary = await pauseBinary(config, tag);
  const context = await mkdtemp(join(tmpdir(), 'sluice-pause-'));
  try {
    await copyFile(binary, join(context, 'pause'));
    await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n');
    const docker = new Docker({ socketPath: config.docker.socket });
    const build = (await docker.buildImage(tar.pack(context) as unknown as NodeJS.ReadableStream, { t: ref })) as unknown as NodeJS.ReadableStream;
    await follow(docker, build, `docker build ${ref}`);
    const push = (await docker.getImage(ref).push({ tag })) as unknown as NodeJS.ReadableStream;
    await follow(docker, push, `docker push ${ref}`);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  if (!(await inRegistry(config, tag))) throw new Error(`pushed ${ref}, but the registry does not list it`);
  return ref;
}

const images = new Map<string, Promise<string>>();

/** The sandbox image reference; nodes start side by side and share one build per state dir. */
export function ensurePauseImage(config: StackConfig): Promise<string> {
  let pending = images.get(config.stateDir);
  if (!pending) {
    pending = buildAndPush(config);
    pending.catch(() => images.delete(config.stateDir));
    images.set(config.stateDir, pending);
  }
  return pending;
}
