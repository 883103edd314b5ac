import type { ConfigSpec, ConfigValues } from '../../domain/config';

/**
 * One interface per extension point: a config source reads every setting it holds at one point
 * in time. Checking the keys, the digest and the version are the resolver's business
 * (./resolve.ts), so an adapter only reads. Adding a source = a folder with an adapter, its kind
 * in ConfigSpec (src/domain/config.ts) and one line in ./registry.ts.
 */
export interface ConfigSourceContext {
  /** The config centre's etcd client URLs when the spec names none (the worker's configuration). */
  etcdEndpoints: readonly string[];
}

export interface ConfigSnapshot {
  /** Key → value as the source holds them (names not yet checked). */
  values: ConfigValues;
  /** Where they were read, for people: `etcd http://127.0.0.1:12389 /config/checkout/production/`. */
  source: string;
  /** The source's revision they were read at (etcd), or null. */
  revision: number | null;
}

export interface ConfigSourceAdapter<S extends ConfigSpec = ConfigSpec> {
  readonly kind: S['source'];
  /** Every setting, read at one point in time; `revision` pins the read where the source keeps history. */
  read(spec: S, context: ConfigSourceContext, revision?: number): Promise<ConfigSnapshot>;
}
