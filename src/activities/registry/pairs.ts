import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ResolvedConfig } from '../../domain/config';
import { imageTagForVersion, type Release } from '../../domain/release';
import { RecordedConfig } from '../targets/recorded-config';

/**
 * Which configuration each build went live with (issue 16, docs/config.md "Rollback restores the
 * pair"), kept in the artifact store beside the retained binaries:
 * `<store>/<service>/.pairs/<environment>/<image tag>__<cfg id>.json`, one file per pair, its
 * `liveAt` rewritten whenever the pair goes live again (a promotion or a rollback).
 *
 * Why here and not in etcd history or Temporal: a retained release outlives its instances (a cold
 * rollback has no container label or pid file to read), etcd history can be compacted, and
 * workflow histories end with the namespace's retention. The record is written by the deploy
 * activity that made the pair live, after it did, so a crash in between is repaired by the
 * activity's retry. Plain values only: a secret is recorded by name.
 */
export const PairRecord = z.object({
  service: z.string(),
  environment: z.string(),
  version: z.string(),
  imageTag: z.string(),
  config: RecordedConfig,
  /** When the pair last went live (ISO 8601). */
  liveAt: z.string(),
});
export type PairRecord = z.infer<typeof PairRecord>;

function pairsDir(store: string, service: string, environment: string): string {
  // `.pairs` starts with a dot: the artifact store's release listing skips it.
  return join(store, service, '.pairs', environment.replace(/[^A-Za-z0-9_.-]/g, '_'));
}

/** Records that `release` (with its config) is live now. A release without config records nothing. */
export async function recordLivePair(store: string, environment: string, release: Release, now = new Date()): Promise<void> {
  const config = release.config;
  if (!config) return;
  const dir = pairsDir(store, release.service, environment);
  await mkdir(dir, { recursive: true });
  const record: PairRecord = { service: release.service, environment, version: release.version, imageTag: imageTagForVersion(release.version), config, liveAt: now.toISOString() };
  const file = join(dir, `${record.imageTag}__${config.version.id}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * Forgets every pair of a pruned build, in every environment: a build that can no longer be
 * restored must not be offered by `sluice releases` or a rollback. Returns how many records went.
 */
export async function forgetPairsOf(store: string, service: string, imageTag: string): Promise<number> {
  const root = join(store, service, '.pairs');
  let forgotten = 0;
  for (const environment of await readdir(root).catch(() => [] as string[])) {
    const dir = join(root, environment);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(`${imageTag}__`) && n.endsWith('.json'))) {
      await rm(join(dir, name), { force: true });
      forgotten++;
    }
  }
  return forgotten;
}

/** Every recorded pair of the service in the environment, the most recently live first. */
export async function listPairs(store: string, service: string, environment: string): Promise<PairRecord[]> {
  const dir = pairsDir(store, service, environment);
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: PairRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const parsed = PairRecord.safeParse(parseJson(await readFile(join(dir, name), 'utf8').catch(() => '')));
    if (parsed.success) out.push(parsed.data); // a torn or foreign file is not a record
  }
  return out.sort((a, b) => b.liveAt.localeCompare(a.liveAt));
}

/**
 * The configuration to restore: with `configId`, that config version (whatever build it ran
 * with: equal ids hold equal values); otherwise the config `version` was last live with. Null
 * when nothing was recorded (a build released before config versions, or without `config:`).
 */
export async function findReleasedConfig(store: string, query: { service: string; environment: string; version?: string; configId?: string }): Promise<ResolvedConfig | null> {
  const pairs = await listPairs(store, query.service, query.environment);
  const found = query.configId
    ? pairs.find((p) => p.config.version.id === query.configId || p.config.version.digest === query.configId)
    : pairs.find((p) => p.version === query.version);
  return found?.config ?? null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
