/** Text for `sluice config get|diff|history` (the JSON output is the data itself). */
import type { PrefixHistory } from '../../activities/config-sources/etcd/store';
import type { ConfigValues, ConfigVersion } from '../../domain/config';
import { isEmptyDiff, type ConfigDiff } from '../../domain/config-diff';
import { table } from './format';

/** dotenv-shaped, so `sluice config get svc env > .env` works; the header is a comment. */
export function renderValues(prefix: string, version: ConfigVersion, values: ConfigValues): string {
  const lines = [`# ${prefix} at revision ${version.revision} (${version.id}, ${Object.keys(values).length} keys)`];
  for (const key of version.keys) lines.push(`${key}=${values[key]}`);
  return lines.join('\n');
}

interface DiffSide {
  revision: number;
  id: string;
}

export function renderDiff(from: DiffSide, to: DiffSide, diff: ConfigDiff): string {
  const lines = [`--- revision ${from.revision} (${from.id})`, `+++ revision ${to.revision} (${to.id})`];
  if (isEmptyDiff(diff)) lines.push('(no change)');
  for (const { key, value } of diff.added) lines.push(`+ ${key}=${value}`);
  for (const { key, value } of diff.removed) lines.push(`- ${key}=${value}`);
  for (const { key, from: a, to: b } of diff.changed) lines.push(`~ ${key}: ${a} → ${b}`);
  return lines.join('\n');
}

export function renderHistory(history: PrefixHistory): string {
  const lines: string[] = [];
  if (history.base) lines.push(`history before revision ${history.compactedAt} was compacted away; the state then was ${history.base.id}`);
  if (history.entries.length === 0) {
    lines.push(`no writes under ${history.prefix}${history.base ? ' since' : ''}`);
    return lines.join('\n');
  }
  let previous: ConfigValues = history.base?.values ?? {};
  const rows = history.entries.map((entry, i) => {
    const changes = entry.changes.map((c) => (c.type === 'delete' ? `-${c.key}` : Object.hasOwn(previous, c.key) ? `~${c.key}` : `+${c.key}`));
    previous = entry.values;
    return [i === history.entries.length - 1 ? '*' : '', String(entry.revision), entry.id, String(Object.keys(entry.values).length), changes.join(' ')];
  });
  lines.push(table(['', 'revision', 'version', 'keys', 'changes'], rows));
  lines.push(`\n* current (store revision ${history.revision})`);
  return lines.join('\n');
}
