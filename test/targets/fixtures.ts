import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import pino from 'pino';
import tar from 'tar-fs';
import type { Release } from '../../src/domain/release';
import { commitFromVersion, imageTagForVersion } from '../../src/domain/release';
import { registryAddress } from '../../src/dev/config';
import { repoRoot, stack } from '../helpers/stack';
export { freePortBlock } from '../helpers/ports';

const execFileAsync = promisify(execFile);

/**
 * The example Go service, built as a static binary per version (version stamped with -ldflags,
 * so `/` answers "go-service <version>" and two versions are two different artifacts).
 */
/** Hash of the example service's sources, so a cached binary never outlives a source change. */
async function sourceHash(): Promise<string> {
  const dir = join(repoRoot(), 'examples', 'go-service');
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).filter((n) => /\.go$|^go\.(mod|sum)$/.test(n)).sort()) {
    hash.update(name).update(await readFile(join(dir, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

export async function serviceBinary(version: string): Promise<string> {
  const dir = join(stack.stateDir, 'test-fixtures', 'targets', await sourceHash());
  const out = join(dir, `go-service-${version.replace(/[^a-zA-Z0-9_.-]/g, '_')}`);
  if (await stat(out).catch(() => undefined)) return out;
  await mkdir(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  const ldflags = `-s -w -X main.version=${version} -X main.commit=${commitFromVersion(version)}`;
  await execFileAsync('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', tmp, '.'], {
    cwd: join(repoRoot(), 'examples', 'go-service'),
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  await rename(tmp, out);
  return out;
}

/**
 * A FROM scratch image of the static binary, pushed to the stack's registry, pinned by digest.
 * `env` is baked into the image (`ENV`): a bad build (a fault) that follows the release wherever it
 * runs, under every target's own environment. Give such an image a version of its own: the tag is
 * the version's.
 */
export async function serviceImage(docker: Docker, repo: string, version: string, env: Record<string, string> = {}): Promise<string> {
  const binary = await serviceBinary(version);
  const ctx = await mkdtemp(join(tmpdir(), 'sluice-img-'));
  try {
    await copyFile(binary, join(ctx, 'go-service'));
    const envLines = Object.entries(env).map(([name, value]) => `ENV ${name}=${JSON.stringify(value)}\n`);
    await writeFile(join(ctx, 'Dockerfile'), `FROM scratch\nCOPY go-service /go-service\n${envLines.join('')}ENTRYPOINT ["/go-service"]\n`);
    const name = `${registryAddress(stack)}/${repo}`;
    const tag = imageTagForVersion(version);
    const stream = await docker.buildImage(tar.pack(ctx) as unknown as NodeJS.ReadableStream, { t: `${name}:${tag}` });
    await follow(docker, stream);
    const push = (await docker.getImage(`${name}:${tag}`).push({ tag })) as unknown as NodeJS.ReadableStream;
    let digest: string | undefined;
    await follow(docker, push, (e) => {
      const d = (e as { aux?: { Digest?: string } }).aux?.Digest;
      if (d) digest = d;
    });
    if (!digest) throw new Error(`push of ${name}:${tag} reported no digest`);
    return `${name}@${digest}`;
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}

function follow(docker: Docker, stream: NodeJS.ReadableStream, onEvent?: (e: unknown) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: { error?: string }[]) => {
        const failed = events?.find((e) => e.error);
        if (err || failed) reject(err ?? new Error(failed!.error));
        else resolve();
      },
      onEvent,
    );
  });
}

export function release(service: string, version: string, artifact: { imageRef?: string; binaryPath?: string }): Release {
  return { service, version, imageTag: imageTagForVersion(version), commit: commitFromVersion(version), ...artifact };
}

/** GET `url` n times (sequentially, fresh connections) and count answers by body. */
export async function sample(url: string, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let key: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000), headers: { connection: 'close' } });
      key = res.ok ? (await res.text()).trim() : `HTTP ${res.status}`;
    } catch (err) {
      key = `error ${(err as Error).message}`;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Fast drains keep the tests short: the router drains before stopping anyway. */
export const FAST_STOP_ENV = { DRAIN_DELAY: '200ms', SHUTDOWN_GRACE: '5s' };

/** Deploy activity logs stay out of the test output (set SLUICE_LOG_LEVEL=info to see them). */
export const quiet = pino({ level: process.env.SLUICE_LOG_LEVEL ?? 'silent' });
