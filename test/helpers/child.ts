import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a TypeScript or compiled entry point in a child process: under tsx (developing) the
 * resolved path ends in .ts and needs the tsx loader; under dist/ it is plain JS.
 */
export function spawnNode(entry: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return spawn(process.execPath, [...loader, entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves once the child prints `marker` on stdout; rejects if it exits first. */
export function waitForLine(child: ChildProcess, marker: string, timeoutMs = 60000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`child did not print "${marker}" within ${timeoutMs} ms: ${errors}`)), timeoutMs);
    child.stderr?.on('data', (c: Buffer) => {
      errors = (errors + c.toString()).slice(-4000);
    });
    child.stdout?.on('data', (c: Buffer) => {
      seen += c.toString();
      if (seen.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code} before printing "${marker}": ${errors}`));
    });
  });
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
