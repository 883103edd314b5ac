/**
 * The config version's identity: a content digest of the sorted key/values and the sorted secret
 * names. Pure and deterministic, but it hashes with node:crypto, so workflow code must not import
 * it (the worker's activities and the CLI compute versions; workflows only carry them).
 */
import { createHash } from 'node:crypto';
import type { ConfigSourceKind, ConfigValues, ConfigVersion } from './config';

/**
 * `sha256:<hex>` over a canonical JSON: `{"secrets":[names...],"values":[[key,value]...]}` with
 * both lists sorted. Where the values came from (etcd revision, directory) is not part of it, so
 * the same content read twice, or from two sources, has one digest; a secret's value is not
 * either (rotating a secret is not a config change; see docs/config.md).
 */
export function configDigest(values: ConfigValues, secrets: readonly string[] = []): string {
  const canonical = JSON.stringify({
    secrets: [...new Set(secrets)].sort(),
    values: Object.keys(values)
      .sort()
      .map((key) => [key, values[key]]),
  });
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

/** `cfg-` and the first 12 hex digits of the digest: short enough for a table, long enough to tell versions apart. */
export function configVersionId(digest: string): string {
  return `cfg-${digest.replace(/^sha256:/, '').slice(0, 12)}`;
}

export function configVersion(input: { values: ConfigValues; secrets?: readonly string[]; source: string; sourceKind: ConfigSourceKind; revision?: number | null }): ConfigVersion {
  const digest = configDigest(input.values, input.secrets);
  return {
    digest,
    id: configVersionId(digest),
    source: input.source,
    sourceKind: input.sourceKind,
    revision: input.revision ?? null,
    keys: Object.keys(input.values).sort(),
    secrets: [...new Set(input.secrets ?? [])].sort(),
  };
}
