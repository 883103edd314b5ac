import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | undefined,
  ) {
    super(`git ${args.join(' ')} failed${exitCode === undefined ? '' : ` (exit ${exitCode})`}: ${stderr.trim()}`);
    this.name = 'GitError';
  }
}

/**
 * Runs git with an argument array (never a shell) in repoDir and returns trimmed stdout.
 * The environment pins the output format: no pager, C locale, no prompts for credentials.
 */
export async function git(repoDir: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', ['-C', repoDir, ...args], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
    return stdout.replace(/\s+$/, '');
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; code?: unknown };
    throw new GitError(args, e.stderr ?? e.message, typeof e.code === 'number' ? e.code : undefined);
  }
}

/** Like git(), but returns undefined instead of throwing (for "is there a tag?" questions). */
export async function gitMaybe(repoDir: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return await git(repoDir, args);
  } catch (err) {
    if (err instanceof GitError) return undefined;
    throw err;
  }
}
