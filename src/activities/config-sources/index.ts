/**
 * The config activities: resolve a release's configuration once into an immutable config version
 * (docs/config.md). What they return goes into workflow history, so it holds plain values and
 * secret names only; secret values are read where an instance starts (./secrets.ts).
 */
import type { ConfigPort } from '../../domain/ports';
import { resolveConfig } from './resolve';

export interface ConfigActivityDeps {
  /** The config centre a spec's `source: etcd` uses when it names no endpoints. */
  etcdEndpoints: readonly string[];
}

export function createConfigActivities(deps: ConfigActivityDeps): ConfigPort {
  return {
    async resolveConfigVersion(input) {
      return resolveConfig(input.config, { etcdEndpoints: deps.etcdEndpoints });
    },
  };
}
