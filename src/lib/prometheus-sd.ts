import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Prometheus file-based service discovery: one JSON file per scrape group. Prometheus watches the
 * directory, so a release's stable, canary and baseline instances appear and disappear at run
 * time without a config reload.
 */
export interface ScrapeGroup {
  /** File name stem; unique per service, environment and role. */
  id: string;
  /** host:port pairs on loopback. */
  targets: string[];
  labels: Record<string, string>;
}

const ID_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const LABEL_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function fileFor(targetsDir: string, id: string): string {
  if (!ID_PATTERN.test(id)) throw new Error(`invalid scrape group id ${JSON.stringify(id)}`);
  return join(targetsDir, `${id}.json`);
}

/** Writes atomically (temp file + rename), so Prometheus never reads half a file. Idempotent. */
export async function registerScrapeGroup(targetsDir: string, group: ScrapeGroup): Promise<void> {
  for (const name of Object.keys(group.labels)) {
    if (!LABEL_PATTERN.test(name) || name.startsWith('__')) throw new Error(`invalid Prometheus label name ${JSON.stringify(name)}`);
  }
  await mkdir(targetsDir, { recursive: true });
  const file = fileFor(targetsDir, group.id);
  // The temp name does not end in .json, so the *.json glob never matches it. It is unique per
  // write: two registrations of one group at once in one process (an activity's retry beside its
  // timed-out first attempt, say) would otherwise share it, and one would rename the other's file
  // away midway (ENOENT) or publish it half written. The last rename wins, whole.
  const staged = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(staged, JSON.stringify([{ targets: group.targets, labels: group.labels }], null, 2));
    await rename(staged, file);
  } catch (err) {
    await rm(staged, { force: true });
    throw err;
  }
}

export async function unregisterScrapeGroup(targetsDir: string, id: string): Promise<void> {
  await rm(fileFor(targetsDir, id), { force: true });
}

const GroupFile = z.array(z.object({ targets: z.array(z.string()), labels: z.record(z.string(), z.string()).default({}) })).length(1);

/** The group as registered, or undefined when there is none (or its file is not one of ours). */
export async function readScrapeGroup(targetsDir: string, id: string): Promise<ScrapeGroup | undefined> {
  let text: string;
  try {
    text = await readFile(fileFor(targetsDir, id), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = GroupFile.safeParse(raw);
  return parsed.success ? { id, targets: parsed.data[0]!.targets, labels: parsed.data[0]!.labels } : undefined;
}
