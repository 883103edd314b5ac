/**
 * The worker's own entry in Prometheus file service discovery (job sluice-worker): one JSON file
 * per metrics endpoint, written at start and removed at a clean shutdown. A worker that crashes
 * leaves its file, so Prometheus keeps trying it and `up == 0` fires SluiceWorkerDown; whoever
 * retires that host removes the file. Written to a temporary name and renamed, so Prometheus never
 * reads half a file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface ScrapeRegistration {
  path: string;
  remove(): void;
}

/**
 * One file per endpoint, named after host and port: two workers of one process that share an
 * endpoint share one entry, two endpoints never overwrite each other, and a worker restarted on
 * the port of a crashed one takes over its entry instead of adding a second target for the same
 * address (which would count every release twice in a sum).
 */
export function registerScrapeTarget(dir: string, target: { address: string; labels?: Record<string, string> }): ScrapeRegistration {
  mkdirSync(dir, { recursive: true });
  const id = `${hostname()}-${target.address}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const path = join(dir, `${id}.json`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify([{ targets: [target.address], labels: { ...target.labels } }], null, 2)}\n`);
  renameSync(tmp, path);
  return {
    path,
    remove: () => rmSync(path, { force: true }),
  };
}
