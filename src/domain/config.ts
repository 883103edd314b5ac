/**
 * A release's configuration as data (issue 16): where it comes from (`config:` in the release
 * spec, validated here at the edge), the immutable config version it resolves to, and the key
 * rules every source obeys. The sources live in src/activities/config-sources/<source>/; the
 * digest and the diff in ./config-version.ts and ./config-diff.ts.
 *
 * Secrets never appear in this data: `secrets` names them, and the value is read where the
 * instance starts (the worker's or agent's environment, or a secrets directory), so workflow
 * history, memos and the config version only ever hold the name.
 *
 * Workflow code may import this file (it is plain data and zod, nothing else).
 */
import { z } from 'zod';

/** What a shell can export, and so what every target can hand to a process as a variable. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const CONFIG_KEY_RULE = 'must be an environment variable name: a letter or _, then letters, digits or _ (e.g. LOG_LEVEL)';

export function isConfigKey(key: string): boolean {
  return ENV_NAME.test(key);
}

export const ConfigKey = z.string().regex(ENV_NAME, CONFIG_KEY_RULE);

/** A value a process environment can carry: any text without NUL (execve ends a string there). */
export const ConfigValue = z.string().refine((v) => !v.includes('\0'), 'must not contain a NUL character');

const SecretNames = z
  .array(ConfigKey)
  .default([])
  .refine((names) => new Set(names).size === names.length, 'names each secret once');

/** Credentials in a URL would be written to workflow history with the spec. */
const EtcdEndpoint = z.string().regex(/^https?:\/\/[^/?#@]+\/?$/, 'must be an etcd client URL such as http://127.0.0.1:12389 (no credentials, no path)');

const EtcdConfigSpec = z.strictObject({
  source: z.literal('etcd'),
  /** Every key directly under it is one setting: `<prefix>LOG_LEVEL`. */
  prefix: z.string().regex(/^\/(?:[^/\s]+\/)+$/, 'must be an absolute key prefix ending in "/", e.g. /config/checkout/production/'),
  /** Default: the config centre the worker is configured with (the embedded stack's etcd). */
  endpoints: z.array(EtcdEndpoint).min(1).optional(),
  secrets: SecretNames,
});

const DirConfigSpec = z.strictObject({
  source: z.literal('dir'),
  /** A directory in the repository (relative to sluice.yaml): one file per key, the file's content is the value. */
  path: z.string().min(1),
  secrets: SecretNames,
});

const EnvConfigSpec = z.strictObject({
  source: z.literal('env'),
  /** Literal values in sluice.yaml. */
  values: z.record(ConfigKey, ConfigValue).default({}),
  secrets: SecretNames,
});

/** `config:` of the release spec: one source, plus the secrets the instances need by name. */
export const ConfigSpec = z
  .discriminatedUnion('source', [EtcdConfigSpec, DirConfigSpec, EnvConfigSpec], {
    error: 'must name its source: { source: etcd, prefix: ... }, { source: dir, path: ... } or { source: env, values: {...} }',
  })
  .superRefine((spec, ctx) => {
    if (spec.source !== 'env') return;
    for (const name of spec.secrets) {
      if (Object.hasOwn(spec.values, name)) ctx.addIssue({ code: 'custom', path: ['secrets'], message: `${name} is both a value and a secret: name it once` });
    }
  });
export type ConfigSpec = z.infer<typeof ConfigSpec>;
export type ConfigSpecInput = z.input<typeof ConfigSpec>;
export type ConfigSourceKind = ConfigSpec['source'];
export type EtcdConfigSpec = z.infer<typeof EtcdConfigSpec>;
export type DirConfigSpec = z.infer<typeof DirConfigSpec>;
export type EnvConfigSpec = z.infer<typeof EnvConfigSpec>;

/** Plain settings, key → value. Never holds a secret's value. */
export type ConfigValues = Record<string, string>;

/**
 * One resolved configuration, immutable: what a release records and a rollback restores. Two
 * versions with the same `digest` hold the same keys, values and secret names, wherever they
 * were read from.
 */
export interface ConfigVersion {
  /** `sha256:<hex>` of the sorted key/values and the sorted secret names (./config-version.ts). */
  digest: string;
  /** The first 12 hex digits of the digest, for people: `cfg-1a2b3c4d5e6f`. */
  id: string;
  /** Where it was read: `etcd http://127.0.0.1:12389 /config/checkout/production/`, `dir config/production`, `env`. */
  source: string;
  sourceKind: ConfigSourceKind;
  /** etcd: the store revision the whole prefix was read at; null for sources without revisions. */
  revision: number | null;
  /** The plain keys, sorted. */
  keys: string[];
  /** The secrets, by name only, sorted. */
  secrets: string[];
}

/** What resolving a source yields: the version and the plain values (no secret values). */
export interface ResolvedConfig {
  version: ConfigVersion;
  values: ConfigValues;
}

/** The problems with a set of key/values read from a source, one sentence each (empty: fine). */
export function configProblems(values: ConfigValues, secrets: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (!isConfigKey(key)) problems.push(`key ${JSON.stringify(key)} ${CONFIG_KEY_RULE}`);
    else if (value.includes('\0')) problems.push(`the value of ${key} contains a NUL character`);
    if (secrets.includes(key)) problems.push(`${key} is both a plain value and a secret: keep the secret out of the source`);
  }
  return problems;
}
