import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A lock shared by processes: the file's exclusive create. A lock older than `staleMs` was left by
 * a killed process and is taken over.
 */
export async function withFileLock<T>(path: string, staleMs: number, fn: () => Promise<T>, pollMs = 50): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      closeSync(openSync(path, 'wx'));
      break;
    } catch {
      try {
        if (Date.now() - statSync(path).mtimeMs > staleMs) rmSync(path, { force: true });
      } catch {
        // released meanwhile
      }
      await sleep(pollMs);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
