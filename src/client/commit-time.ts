/**
 * The commit time of the release about to start, for the delivery record's change lead time
 * (commit → promoted). Read from git on the client's side: it is where the repository is.
 * Missing is fine (lead time just has fewer samples); wrong is not, so only git answers.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface CommitSource {
  kind: string;
  repoDir?: string;
  commit?: string;
}

async function gitCommitTime(dir: string, ref: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('git', ['-C', dir, 'log', '-1', '--format=%cI', ref, '--'], { timeout: 5000 });
    const time = stdout.trim();
    return time && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/** Build sources: HEAD of repoDir (what the build resolves). Prebuilt: its commit, if the current directory's repository has it. */
export async function commitTimeOf(source: CommitSource | undefined, cwd: string = process.cwd()): Promise<string | undefined> {
  if (!source) return undefined;
  if (source.kind === 'build' && source.repoDir) return gitCommitTime(source.repoDir, 'HEAD');
  if (source.kind === 'prebuilt' && source.commit && /^[0-9a-f]{7,40}$/i.test(source.commit)) return gitCommitTime(cwd, source.commit);
  return undefined;
}
