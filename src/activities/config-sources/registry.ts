import type { ConfigSourceKind, ConfigSpec } from '../../domain/config';
import { dirSource } from './dir';
import { envSource } from './env';
import { etcdSource } from './etcd';
import type { ConfigSourceAdapter } from './source';

/**
 * Every config source, by kind: one folder per source under src/activities/config-sources. The
 * mapped type makes a source the spec accepts (src/domain/config.ts) without an adapter a
 * compile error, and an adapter whose kind the spec does not know one too.
 */
export const CONFIG_SOURCES: { readonly [K in ConfigSourceKind]: ConfigSourceAdapter<Extract<ConfigSpec, { source: K }>> } = {
  etcd: etcdSource,
  dir: dirSource,
  env: envSource,
};

export function configSource<S extends ConfigSpec>(spec: S): ConfigSourceAdapter<S> {
  return CONFIG_SOURCES[spec.source] as unknown as ConfigSourceAdapter<S>;
}
