import { chownSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Gives a directory tree to one user and group, symlinks included (lchown, never their targets).
 * The compose file's containers run as a non-root user on a state dir that root prepared.
 */
export function chownTree(root: string, uid: number, gid: number): void {
  const pending = [root];
  while (pending.length > 0) {
    const path = pending.pop()!;
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) lchownSync(path, uid, gid);
    else chownSync(path, uid, gid);
    if (stat.isDirectory()) for (const name of readdirSync(path)) pending.push(join(path, name));
  }
}
