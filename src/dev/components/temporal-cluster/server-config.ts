import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { TEMPORAL_SERVICES, type TemporalClusterConfig } from './config';
import type { ClusterPki } from './pki';

/** The server renders its config file as a Go template with this, so the password stays out of the file. */
export const SQL_PASSWORD_ENV = 'SLUICE_TEMPORAL_SQL_PASSWORD';
/** Each process's own metrics port, also through the template: the four services share one file. */
export const METRICS_PORT_ENV = 'SLUICE_TEMPORAL_METRICS_PORT';

function datastore(cluster: TemporalClusterConfig, databaseName: string, maxConns: number): object {
  return {
    sql: {
      // The same schema as `postgres12` through the pgx driver rather than lib/pq: each write of a
      // workflow's state took about 2.0 ms instead of 2.9, and a release's workflow tasks 15 ms
      // less (docs/workflows.md, "The pgx driver"). The cluster still reports its store as postgres12.
      pluginName: 'postgres12_pgx',
      databaseName,
      connectAddr: `127.0.0.1:${cluster.postgres.port}`,
      connectProtocol: 'tcp',
      user: cluster.postgres.user,
      password: `{{ env "${SQL_PASSWORD_ENV}" }}`,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

/**
 * mTLS everywhere: between the services (internode) and for every client of the frontend, each
 * side checking the other's certificate against the stack's CA.
 */
function tlsConfig(pki: ClusterPki): object {
  const server = { certFile: pki.server.cert, keyFile: pki.server.key, requireClientAuth: true, clientCaFiles: [pki.ca.cert] };
  // Services dial each other by IP address; the certificate's name to check is given here.
  const client = { serverName: 'localhost', rootCaFiles: [pki.ca.cert] };
  return {
    internode: { server, client },
    frontend: { server, client },
    systemWorker: { certFile: pki.server.cert, keyFile: pki.server.key, client },
  };
}

/**
 * The one configuration file all four services read (each process starts one of them), after
 * Temporal's development-postgres12.yaml: both stores on PostgreSQL, every port on 127.0.0.1, no
 * archival, dynamic config from a file beside it.
 */
export function serverConfigYaml(cluster: TemporalClusterConfig, pki: ClusterPki): string {
  const frontend = cluster.services.frontend.grpc;
  const config = {
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: cluster.numHistoryShards,
      datastores: {
        default: datastore(cluster, cluster.postgres.databases.temporal, 20),
        visibility: datastore(cluster, cluster.postgres.databases.visibility, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      tls: tlsConfig(pki),
      // Histograms rather than summaries: Prometheus can aggregate them across the services.
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:{{ env "${METRICS_PORT_ENV}" }}` } },
    },
    services: Object.fromEntries(
      TEMPORAL_SERVICES.map((service) => [
        service,
        {
          rpc: {
            grpcPort: cluster.services[service].grpc,
            membershipPort: cluster.services[service].membership,
            bindOnIP: '127.0.0.1',
            ...(service === 'frontend' ? { httpPort: cluster.frontendHttpPort } : {}),
          },
        },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${frontend}`, httpAddress: `127.0.0.1:${cluster.frontendHttpPort}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: cluster.dynamicConfigFile, pollInterval: '10s' },
  };
  // The marker must sit in the file's first kilobyte for the server to render it as a template.
  return `# enable-template\n# Written by sluice dev up --temporal cluster; edits are overwritten.\n${stringify(config)}`;
}

/**
 * Eager activities, as the dev server has them (src/dev/components/temporal.ts). Not
 * system.forceSearchAttributesCacheRefreshOnRead, which Temporal's own dev server and test
 * suites turn on: it reads the cluster metadata from PostgreSQL again for every search attribute
 * the server validates, about 1.3 ms inside each UpsertWorkflowSearchAttributes command a release
 * sends (a dozen per canary), and it buys nothing on SQL visibility, where a new attribute is an
 * alias in the namespace record, which every service reloads each 2 s whatever the setting.
 */
export function dynamicConfigYaml(): string {
  return stringify({
    'system.enableActivityEagerExecution': [{ value: true }],
  });
}

export function writeServerConfig(cluster: TemporalClusterConfig, pki: ClusterPki): void {
  mkdirSync(dirname(cluster.serverConfigFile), { recursive: true });
  writeFileSync(cluster.serverConfigFile, serverConfigYaml(cluster, pki), { mode: 0o600 });
  writeFileSync(cluster.dynamicConfigFile, dynamicConfigYaml());
}
