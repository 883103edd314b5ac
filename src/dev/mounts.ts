import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** mountinfo escapes space, tab, newline and backslash in paths as octal (\040 ...). */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Mount points at or below `dir` in this process's mount namespace, deepest first. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === dir || p.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything mounted below `dir` (a kubelet's volumes, a sandbox's /dev/shm), so the
 * directory can be removed or reused. A mount still busy is detached lazily. Returns what it
 * unmounted.
 */
export async function unmountUnder(dir: string): Promise<string[]> {
  const done: string[] = [];
  for (const mount of mountsUnder(dir)) {
    try {
      await execFileAsync('umount', [mount]);
    } catch {
      await execFileAsync('umount', ['--lazy', mount]).catch(() => undefined);
    }
    done.push(mount);
  }
  return done;
}
