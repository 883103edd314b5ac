/**
 * What changed between two configurations, key by key: what `sluice config diff` prints and what
 * a release will show beside its changelog. Plain data, sorted by key.
 */
import type { ConfigValues } from './config';

export interface ConfigDiff {
  added: { key: string; value: string }[];
  removed: { key: string; value: string }[];
  changed: { key: string; from: string; to: string }[];
}

export function diffConfig(from: ConfigValues, to: ConfigValues): ConfigDiff {
  const diff: ConfigDiff = { added: [], removed: [], changed: [] };
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  for (const key of keys) {
    const before = Object.hasOwn(from, key) ? from[key] : undefined;
    const after = Object.hasOwn(to, key) ? to[key] : undefined;
    if (before === undefined && after !== undefined) diff.added.push({ key, value: after });
    else if (before !== undefined && after === undefined) diff.removed.push({ key, value: before });
    else if (before !== undefined && after !== undefined && before !== after) diff.changed.push({ key, from: before, to: after });
  }
  return diff;
}

export function isEmptyDiff(diff: ConfigDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
