/**
 * The worker's own entry in Prometheus file service discovery (job sluice-worker), through the
 * same atomic writer the release instances use (src/lib/prometheus-sd.ts): written at start,
 * removed at a clean shutdown. A worker that crashes leaves its entry, so Prometheus keeps trying
 * it and `up == 0` fires SluiceWorkerDown; whoever retires that worker removes the file.
 */
import { join } from 'node:path';
import { hostname } from 'node:os';
import { registerScrapeGroup, unregisterScrapeGroup } from '../lib/prometheus-sd';

export interface ScrapeRegistration {
  path: string;
  remove(): Promise<void>;
}

/**
 * One entry per endpoint, named after host and port: two workers of one process that share an
 * endpoint share one entry, two endpoints never overwrite each other, and a worker restarted on
 * the port of a crashed one takes over its entry instead of adding a second target for the same
 * address (which would count every release twice in a sum).
 */
export async function registerScrapeTarget(dir: string, target: { address: string; labels?: Record<string, string> }): Promise<ScrapeRegistration> {
  const id = `worker-${hostname()}-${target.address}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  await registerScrapeGroup(dir, { id, targets: [target.address], labels: { ...target.labels } });
  return {
    path: join(dir, `${id}.json`),
    remove: () => unregisterScrapeGroup(dir, id),
  };
}
