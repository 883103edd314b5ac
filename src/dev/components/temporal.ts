import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_TYPES, SEARCH_ATTRIBUTES, TEMPORAL_CLI_VERSION, temporalAddress, temporalConnectionOptions, temporalUiUrl, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, MissingDependencyError, logFile, pidFile, type Component } from '../component';
import { httpOk, tcpOpen } from '../probe';
import { spawnDaemon } from '../process';

/** The dev server binary built by scripts/bootstrap.sh, cached outside the repo by version. */
export function temporalBinary(config: StackConfig, env: NodeJS.ProcessEnv = process.env): string {
  const path = env.SLUICE_TEMPORAL_BIN ?? join(config.cacheDir, `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
  if (!existsSync(path)) {
    throw new MissingDependencyError(`Temporal CLI ${TEMPORAL_CLI_VERSION} (${path})`, BOOTSTRAP_HINT);
  }
  return path;
}

const INDEXED_VALUE_TYPE = {
  Keyword: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

/** Sluice's search attributes on the stack's namespace (the dev server's or the cluster's). */
export async function registerSearchAttributes(config: StackConfig): Promise<void> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const namespace = config.temporal.namespace;
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = SEARCH_ATTRIBUTES.filter((name) => !(name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, INDEXED_VALUE_TYPE[SEARCH_ATTRIBUTE_TYPES[n]]])),
    });
  } finally {
    await connection.close();
  }
}

export const temporalComponent: Component = {
  name: 'temporal',
  readyTimeoutMs: 60000,
  url: (config) => `grpc://${temporalAddress(config)} (Web UI ${temporalUiUrl(config)})`,
  ports: (config) => [config.temporal.port, config.temporal.uiPort, config.temporal.metricsPort],
  async healthy(config) {
    if (!(await tcpOpen(config.temporal.host, config.temporal.port))) return false;
    if (!(await httpOk(temporalUiUrl(config), { looksRight: (a) => /<html/i.test(a.body) }))) return false;
    try {
      const connection = await Connection.connect({ address: temporalAddress(config), connectTimeout: 2000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    } catch {
      return false;
    }
  },
  async start(config) {
    const bin = temporalBinary(config);
    mkdirSync(dirname(config.temporal.dbFile), { recursive: true });
    const args = [
      'server',
      'start-dev',
      '--ip',
      config.temporal.host,
      '--port',
      String(config.temporal.port),
      '--ui-ip',
      config.temporal.host,
      '--ui-port',
      String(config.temporal.uiPort),
      // The server's own metrics on a known port, for the stack's Prometheus (job temporal).
      '--metrics-port',
      String(config.temporal.metricsPort),
      '--db-filename',
      config.temporal.dbFile,
      '--namespace',
      config.temporal.namespace,
      '--log-format',
      'json',
      '--log-level',
      'warn',
      // The store's one connection commits every write; with the default rollback journal each
      // commit waits for several fsyncs, and every workflow task waits for those commits. A
      // write-ahead log synced at checkpoints keeps a killed server's writes (they are in the
      // OS's cache) and loses at most the last ones to a power cut, which a dev server can afford.
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      // The CLI turns this on by default, so that new search attributes are valid at once. On
      // SQLite's (SQL) visibility a new attribute is an alias in the namespace record, reloaded
      // every 2 s either way, so all it did was read the cluster metadata again for each search
      // attribute the server validated: in each of the dozen upserts of a canary release.
      '--dynamic-config-value',
      'system.forceSearchAttributesCacheRefreshOnRead=false',
      // An activity scheduled by a workflow task goes back in that task's answer to the worker
      // that completed it, when it has a free slot, instead of through a poll: one round trip
      // less on the way from a signal (an abort) to its first compensation.
      '--dynamic-config-value',
      'system.enableActivityEagerExecution=true',
      ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=${SEARCH_ATTRIBUTE_TYPES[name]}`]),
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'temporal'), pidFile: pidFile(config, 'temporal') });
  },
  ensureConfigured: registerSearchAttributes,
};
