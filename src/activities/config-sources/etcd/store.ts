/**
 * The configuration of one service and environment as it lives in etcd: every key directly under
 * a prefix is one setting (`/config/checkout/production/LOG_LEVEL`). Reads take the whole prefix
 * at one store revision, writes change every key in one transaction (so one revision, one config
 * version), and history replays the prefix's events from etcd's MVCC log. The etcd source adapter
 * and `sluice config` both use these.
 */
import type { Etcd3, IEvent, IWatchResponse } from 'etcd3';
import { ErrorType, badInput, transient } from '../../../domain/errors';
import type { ConfigValues } from '../../../domain/config';
import { configDigest, configVersionId } from '../../../domain/config-version';

export interface PrefixSnapshot {
  /** Key (the part after the prefix) → value, as stored: not yet checked for valid names. */
  values: ConfigValues;
  /** The revision the prefix was read at: the pinned one, else the store's revision at the read. */
  revision: number;
}

/** The first key after every key that starts with `prefix` (etcd's range_end for a prefix). */
export function prefixRangeEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix, 'utf8');
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** Every key under `prefix`, read in one range request at one revision (the latest, or `revision`). */
export async function readPrefix(client: Etcd3, prefix: string, revision?: number): Promise<PrefixSnapshot> {
  const range = client.getAll().prefix(prefix);
  if (revision !== undefined) range.revision(revision);
  const response = await range.exec();
  const values: ConfigValues = {};
  for (const kv of response.kvs) values[kv.key.toString('utf8').slice(prefix.length)] = kv.value.toString('utf8');
  return { values, revision: revision ?? Number(response.header.revision) };
}

/** Sets and deletes keys under `prefix` in one transaction; returns the revision it made. */
export async function writePrefix(client: Etcd3, prefix: string, change: { set?: ConfigValues; unset?: readonly string[] }): Promise<number> {
  const set = Object.entries(change.set ?? {});
  const unset = change.unset ?? [];
  const both = unset.filter((key) => set.some(([k]) => k === key));
  if (both.length > 0) throw badInput(ErrorType.InvalidConfig, `${both.join(', ')}: set and unset at once; choose one`);
  const response = await client.kv.txn({
    compare: [],
    success: [
      ...set.map(([key, value]) => ({ request_put: { key: Buffer.from(prefix + key), value: Buffer.from(value) } })),
      ...unset.map((key) => ({ request_delete_range: { key: Buffer.from(prefix + key) } })),
    ],
    failure: [],
  });
  return Number(response.header.revision);
}

export interface ConfigChange {
  key: string;
  /** put: set (new or changed); delete: removed. */
  type: 'put' | 'delete';
}

/** One write to the prefix: the revision it made and the configuration right after it. */
export interface HistoryEntry {
  revision: number;
  changes: ConfigChange[];
  values: ConfigValues;
  /** The config version of `values` (no secrets: etcd holds none). */
  digest: string;
  id: string;
}

export interface PrefixHistory {
  prefix: string;
  /** The store's revision when the history was read. */
  revision: number;
  /**
   * The last compaction's revision when it cut into this prefix's history: the state at that
   * revision is the oldest that can be read, and the writes before it are gone. Null when the
   * history is whole.
   */
  compactedAt: number | null;
  /** The configuration at `compactedAt` (the oldest readable state), when compacted. */
  base: { revision: number; values: ConfigValues; digest: string; id: string } | null;
  /** Oldest first. */
  entries: HistoryEntry[];
}

const HISTORY_TIMEOUT_MS = 15_000;
const PROGRESS_EVERY_MS = 100;

/**
 * The prefix's writes, oldest first, replayed from etcd's event log with a watch that starts at
 * revision 1 (or, after a compaction, just past it). The watch is done once etcd reports progress
 * at or beyond the store's revision read first: every event up to there has then been delivered.
 */
export async function readHistory(client: Etcd3, prefix: string): Promise<PrefixHistory> {
  const now = await readPrefix(client, prefix);
  let replay = await replayEvents(client, prefix, 1, now.revision);
  let base: PrefixHistory['base'] = null;
  let compactedAt: number | null = null;
  if (replay.compactedAt !== null) {
    compactedAt = replay.compactedAt;
    const values = (await readPrefix(client, prefix, compactedAt)).values;
    const digest = configDigest(values);
    base = { revision: compactedAt, values, digest, id: configVersionId(digest) };
    replay = await replayEvents(client, prefix, compactedAt + 1, now.revision);
    if (replay.compactedAt !== null) throw transient(ErrorType.ConfigSourceUnavailable, `etcd compacted ${prefix} again while its history was read; try again`);
  }
  const entries: HistoryEntry[] = [];
  let values: ConfigValues = { ...(base?.values ?? {}) };
  for (const event of replay.events) {
    const revision = Number(event.kv.mod_revision);
    const key = event.kv.key.toString('utf8').slice(prefix.length);
    let entry = entries.at(-1);
    if (!entry || entry.revision !== revision) {
      entry = { revision, changes: [], values: {}, digest: '', id: '' };
      entries.push(entry);
    }
    values = { ...values };
    if (event.type === 'Delete') {
      delete values[key];
      entry.changes.push({ key, type: 'delete' });
    } else {
      values[key] = event.kv.value.toString('utf8');
      entry.changes.push({ key, type: 'put' });
    }
    entry.values = values;
  }
  for (const entry of entries) {
    entry.digest = configDigest(entry.values);
    entry.id = configVersionId(entry.digest);
  }
  return { prefix, revision: now.revision, compactedAt, base, entries };
}

interface Replay {
  events: IEvent[];
  /** Set when `from` is below the last compaction: the watch was refused, nothing replayed. */
  compactedAt: number | null;
}

async function replayEvents(client: Etcd3, prefix: string, from: number, until: number): Promise<Replay> {
  const stream = await client.watchClient.watch();
  const events: IEvent[] = [];
  return new Promise<Replay>((resolve, reject) => {
    let created = false;
    let done = false;
    const finish = (outcome: { ok: Replay } | { err: Error }) => {
      if (done) return;
      done = true;
      clearInterval(progress);
      clearTimeout(deadline);
      stream.cancel();
      if ('ok' in outcome) resolve(outcome.ok);
      else reject(outcome.err);
    };
    // A watcher still catching up ignores progress requests, so ask until one is answered.
    const progress = setInterval(() => created && stream.write({ progress_request: {} }), PROGRESS_EVERY_MS);
    const deadline = setTimeout(
      () => finish({ err: transient(ErrorType.ConfigSourceUnavailable, `etcd did not replay the history of ${prefix} within ${HISTORY_TIMEOUT_MS / 1000} s`) }),
      HISTORY_TIMEOUT_MS,
    );
    stream.on('data', (response: IWatchResponse) => {
      if (response.compact_revision && Number(response.compact_revision) > 0) {
        finish({ ok: { events: [], compactedAt: Number(response.compact_revision) } });
        return;
      }
      if (response.canceled) {
        finish({ err: transient(ErrorType.ConfigSourceUnavailable, `etcd cancelled the history watch of ${prefix}: ${response.cancel_reason || 'no reason given'}`) });
        return;
      }
      if (response.created) {
        created = true;
        stream.write({ progress_request: {} });
      }
      for (const event of response.events) if (Number(event.kv.mod_revision) <= until) events.push(event);
      // A response without events that is not the creation is a progress notification.
      if (!response.created && response.events.length === 0 && Number(response.header.revision) >= until) finish({ ok: { events, compactedAt: null } });
    });
    stream.on('error', (err) => finish({ err }));
    stream.write({ create_request: { key: Buffer.from(prefix), range_end: prefixRangeEnd(prefix), start_revision: from } });
  });
}
