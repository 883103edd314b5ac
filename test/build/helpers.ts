import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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

/** A loopback port nobody listens on (bound, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}
