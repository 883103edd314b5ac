import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../lib/paths';

const execFileAsync = promisify(execFile);

/**
 * A throwaway git repository holding a copy of examples/go-service, so the demo's versions come
 * from git tags and commits exactly as a real service's would (the build activities read them).
 */
export interface DemoRepo {
  dir: string;
  /** Commits the working tree with `message` and tags it `tag` (e.g. v2.0.0). */
  release(tag: string, message: string, change?: (dir: string) => void): Promise<string>;
  remove(): void;
}

async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Sluice Demo',
      GIT_AUTHOR_EMAIL: 'demo@sluice.invalid',
      GIT_COMMITTER_NAME: 'Sluice Demo',
      GIT_COMMITTER_EMAIL: 'demo@sluice.invalid',
    },
  });
  return stdout.trim();
}

export async function createDemoRepo(): Promise<DemoRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-demo-repo-'));
  cpSync(join(packageRoot(), 'examples', 'go-service'), dir, { recursive: true });
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  return {
    dir,
    async release(tag, message, change) {
      change?.(dir);
      await git(dir, ['add', '--all']);
      await git(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
      await git(dir, ['tag', '-a', tag, '-m', message]);
      return git(dir, ['rev-parse', '--short=7', 'HEAD']);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** v2's change: a harmless code-adjacent edit, so the changelog has something to say. */
export function touchReadme(line: string): (dir: string) => void {
  return (dir) => {
    const path = join(dir, 'README.md');
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // The example may ship without a README.
    }
    writeFileSync(path, `${text}\n${line}\n`);
  };
}

/**
 * v3's change: the "bad release". A config default baked into the image makes a share of
 * requests fail with 500, the way a wrong setting shipped with the code would; /healthz stays
 * green, so only the metrics can catch it.
 */
export function injectErrors(rate: number): (dir: string) => void {
  return (dir) => {
    const path = join(dir, 'Dockerfile');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace(/^ENTRYPOINT /m, `ENV FAULT_ERROR_RATE=${rate}\nENTRYPOINT `));
  };
}
