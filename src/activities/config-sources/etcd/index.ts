/**
 * The etcd config source: `{ source: etcd, prefix: /config/<service>/<environment>/ }`. The whole
 * prefix is read in one range request, so every key comes from one store revision, and that
 * revision is recorded on the config version; a read pinned at an older revision ignores every
 * later write (until etcd compacts that revision away).
 */
import { ErrorType, badInput } from '../../../domain/errors';
import type { EtcdConfigSpec } from '../../../domain/config';
import type { ConfigSourceAdapter } from '../source';
import { withEtcd } from './client';
import { readPrefix } from './store';

export const etcdSource: ConfigSourceAdapter<EtcdConfigSpec> = {
  kind: 'etcd',
  async read(spec, context, revision) {
    const endpoints = spec.endpoints ?? context.etcdEndpoints;
    if (endpoints.length === 0) {
      throw badInput(ErrorType.InvalidConfig, 'config.source etcd: no endpoints in the spec and no config centre configured on the worker (SLUICE_CONFIG_ETCD_ENDPOINTS)');
    }
    const snapshot = await withEtcd(endpoints, (client) => readPrefix(client, spec.prefix, revision));
    return { values: snapshot.values, revision: snapshot.revision, source: `etcd ${endpoints.join(',')} ${spec.prefix}` };
  },
};
