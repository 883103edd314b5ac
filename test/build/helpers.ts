import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Docker from 'dockerode';
import { ensureBaseImages, type BaseImages } from '../../src/activities/build/base-images';
import { loadStackConfig, registryAddress } from '../../src/dev/config';

/** The repository root, found by walking up to package.json (works from test/ and dist/test/). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A scripted git repository: deterministic author and dates, no user config involved. */
export class TestRepo {
  private tick = 0;
  constructor(readonly dir: string) {}

  static create(prefix = 'repo'): TestRepo {
    const repo = new TestRepo(tempDir(prefix));
    repo.git('init', '--quiet', '--initial-branch=main');
    return repo;
  }

  git(...args: string[]): string {
    this.tick += 1;
    const date = new Date(Date.UTC(2024, 0, 1) + this.tick * 60_000).toISOString();
    return execFileSync('git', ['-C', this.dir, '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: process.env.TEST_AUTHOR ?? 'Ada Lovelace',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'CI',
        GIT_COMMITTER_EMAIL: 'ci@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: this.dir,
      },
    }).trim();
  }

  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), content);
  }

  /** Commits a change to a file named after the subject; returns the full SHA. */
  commit(subject: string, opts: { body?: string; author?: string } = {}): string {
    this.write(`changes/${this.tick}.txt`, subject);
    this.git('add', '-A');
    const args = ['commit', '--quiet', '-m', subject];
    if (opts.body) args.push('-m', opts.body);
    if (opts.author) args.push(`--author=${opts.author} <${opts.author.toLowerCase().replace(/\W+/g, '.')}@example.com>`);
    this.git(...args);
    return this.git('rev-parse', 'HEAD');
  }

  short(ref = 'HEAD'): string {
    return this.git('rev-parse', '--short=7', ref);
  }

  remove(): void {
    removeDir(this.dir);
  }
}

/** A loopback port nobody listens on, claimed for this test process (../helpers/ports). */
export { freePort } from '../helpers/ports';

export const stack = loadStackConfig();
export const REGISTRY = registryAddress(stack);

export function dockerClient(): Docker {
  return new Docker({ socketPath: stack.docker.socket });
}

/** Fails fast with a clear message when the shared stack is not up (tests never start it). */
export async function requireStack(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`dockerd is not reachable at ${stack.docker.socket}; run \`npx tsx src/cli/main.ts dev up\` first (${(err as Error).message})`);
  }
  const res = await fetch(`http://${REGISTRY}/v2/`).catch((err: Error) => err);
  if (res instanceof Error || !res.ok) throw new Error(`registry is not reachable at ${REGISTRY}; run \`npx tsx src/cli/main.ts dev up\` first`);
}

export const exampleDir = (): string => join(repoRoot(), 'examples', 'go-service');

/** Base images for the example, created once per Go version + go.sum (idempotent). */
export async function baseImages(docker: Docker): Promise<BaseImages> {
  return ensureBaseImages({ docker, goModuleDir: exampleDir() });
}

export function buildArgsFor(base: BaseImages): Record<string, string> {
  return { BUILDER_IMAGE: base.builderImage, RUNTIME_IMAGE: base.runtimeImage };
}

/** A git repository holding a copy of the example service, committed and optionally tagged. */
export function exampleRepo(tag?: string): TestRepo {
  const repo = TestRepo.create('go-service');
  const src = exampleDir();
  for (const name of readdirSync(src)) {
    if (name === 'bin' || name === 'dist') continue;
    cpSync(join(src, name), join(repo.dir, name), { recursive: true });
  }
  repo.git('add', '-A');
  repo.git('commit', '--quiet', '-m', 'feat: import go-service');
  if (tag) repo.git('tag', tag);
  return repo;
}

export async function removeImage(docker: Docker, ref: string): Promise<void> {
  await docker
    .getImage(ref)
    .remove({ force: true })
    .catch(() => undefined);
}

/** GETs url until it answers (any status) or the deadline passes. */
export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(1000) });
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs}ms: ${String(last)}`);
}
