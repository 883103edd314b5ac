import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../lib/paths';

/**
 * Where every component of the embedded stack listens and keeps its data.
 * Everything binds to loopback; ports and the state directory are overridable by environment so
 * two stacks (a developer's and a test run's) can live side by side.
 */
export interface StackConfig {
  stateDir: string;
  cacheDir: string;
  /**
   * mode: which Temporal this state dir runs (`dev up --temporal`, recorded in modeFile). tls: the
   * client certificate of the cluster's mTLS (a cluster only; the dev server is plaintext).
   * metricsPort: the server's own Prometheus /metrics on 127.0.0.1 (the dev server's; a cluster's
   * frontend, its other services on the ports after it): SLUICE_TEMPORAL_METRICS_PORT, by default
   * 900 above `port`.
   */
  temporal: {
    host: string;
    port: number;
    uiPort: number;
    metricsPort: number;
    namespace: string;
    dbFile: string;
    mode: TemporalMode;
    modeFile: string;
    tls?: TemporalTlsFiles;
  };
  docker: { socket: string; dataRoot: string; execRoot: string; pidFile: string };
  registry: { host: string; port: number; storageDir: string };
  /**
   * rulesDir: the shipped rule files (deploy/prometheus/*.yml in the package); localRulesDir: rule
   * files of this state dir only (a test's or an operator's), loaded next to them. targetsDir: the
   * service instances (job sluice); workersDir: the workers' own /metrics (job sluice-worker).
   */
  prometheus: { host: string; port: number; targetsDir: string; workersDir: string; dataDir: string; scrapeInterval: string; rulesDir: string; localRulesDir: string };
  alertmanager: { host: string; port: number; dataDir: string };
  /** Sluice's Alertmanager webhook receiver; tokenFile (0600) is the bearer token both sides read. */
  alertReceiver: { host: string; port: number; tokenFile: string };
  /** The stack's own HAProxy (stats page) and the directory of the per-service HAProxy processes. */
  haproxy: { adminSocket: string; servicesDir: string; pidFile: string; statsPort: number };
  /** The stack's supervisord (optional component): its own config, socket and include dir under `dir`. */
  supervisord: { dir: string };
}

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** The Temporal dev server (one process, SQLite) or the cluster on PostgreSQL (docs/temporal-cluster.md). */
export type TemporalMode = 'dev' | 'cluster';

/** PEM files: the CA that signed the server's certificate, and the client's certificate and key. */
export interface TemporalTlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Where the cluster keeps its CA and certificates (made by its first start). */
export function temporalClusterPkiDir(stateDir: string): string {
  return join(stateDir, 'temporal-cluster', 'pki');
}

function recordedTemporalMode(modeFile: string): TemporalMode {
  return existsSync(modeFile) && readFileSync(modeFile, 'utf8').trim() === 'cluster' ? 'cluster' : 'dev';
}

/** Remembers the Temporal a `dev up` chose, so later commands (and clients) of this state dir use it. */
export function recordTemporalMode(config: StackConfig, mode: TemporalMode): void {
  mkdirSync(config.stateDir, { recursive: true });
  writeFileSync(config.temporal.modeFile, `${mode}\n`);
}

/** The Sluice search attributes and their types (src/domain/search-attributes.ts defines the keys). */
export const SEARCH_ATTRIBUTE_TYPES = {
  SluiceService: 'Keyword',
  SluiceEnvironment: 'Keyword',
  SluiceVersion: 'Keyword',
  SluicePhase: 'Keyword',
  SluiceStrategy: 'Keyword',
  SluiceWeight: 'Int',
  /** `drill` on drills and the releases they run (src/domain/search-attributes.ts). */
  SluiceKind: 'Keyword',
  /** The config version of a release with `config:` (issue 16, docs/config.md). */
  SluiceConfigVersion: 'Keyword',
  /** The Web UI list's one line per release or rollback (from → to, strategy). */
  SluiceSummary: 'Keyword',
} as const satisfies Record<string, 'Keyword' | 'Int'>;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTE_TYPES;

export const SEARCH_ATTRIBUTES = Object.keys(SEARCH_ATTRIBUTE_TYPES) as readonly SearchAttributeName[];

/** Unless SLUICE_TEMPORAL_METRICS_PORT says otherwise, Temporal's /metrics sits this far above its frontend port: 7233 → 8133. */
export const TEMPORAL_METRICS_PORT_OFFSET = 900;

/** A TCP port from the environment, or the default; a bad value is refused with the variable's name. */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SLUICE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sluice'));
}

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  // Unix socket paths are limited to ~107 bytes, so the default state dir stays short.
  const stateDir = resolve(env.SLUICE_STATE_DIR ?? join(homedir(), '.sluice', 'state'));
  const cacheDir = defaultCacheDir(env);
  const modeFile = join(stateDir, 'temporal-mode');
  const mode = recordedTemporalMode(modeFile);
  const pki = temporalClusterPkiDir(stateDir);
  const temporalPort = portFromEnv(env, 'SLUICE_TEMPORAL_PORT', 7233);
  const temporalMetricsPort = portFromEnv(env, 'SLUICE_TEMPORAL_METRICS_PORT', temporalPort + TEMPORAL_METRICS_PORT_OFFSET);
  // The default is derived, so portFromEnv has not checked it (a cluster checks the ports after it).
  if (temporalMetricsPort > 65535) {
    throw new Error(`Temporal's metrics port (${temporalMetricsPort}, 900 above SLUICE_TEMPORAL_PORT) is no TCP port: set SLUICE_TEMPORAL_METRICS_PORT`);
  }
  return {
    stateDir,
    cacheDir,
    temporal: {
      host: '127.0.0.1',
      port: temporalPort,
      uiPort: portFromEnv(env, 'SLUICE_TEMPORAL_UI_PORT', 8233),
      metricsPort: temporalMetricsPort,
      namespace: env.SLUICE_TEMPORAL_NAMESPACE ?? 'default',
      dbFile: join(stateDir, 'temporal', 'temporal.db'),
      mode,
      modeFile,
      ...(mode === 'cluster' ? { tls: { ca: join(pki, 'ca.pem'), cert: join(pki, 'client.pem'), key: join(pki, 'client-key.pem') } } : {}),
    },
    docker: {
      socket: join(stateDir, 'docker', 'docker.sock'),
      dataRoot: join(stateDir, 'docker', 'data'),
      execRoot: join(stateDir, 'docker', 'exec'),
      pidFile: join(stateDir, 'docker', 'dockerd.pid'),
    },
    registry: {
      host: '127.0.0.1',
      port: portFromEnv(env, 'SLUICE_REGISTRY_PORT', 5000),
      storageDir: join(stateDir, 'registry', 'data'),
    },
    prometheus: {
      host: '127.0.0.1',
      port: portFromEnv(env, 'SLUICE_PROMETHEUS_PORT', 9090),
      targetsDir: join(stateDir, 'prometheus', 'targets'),
      workersDir: join(stateDir, 'prometheus', 'workers'),
      dataDir: join(stateDir, 'prometheus', 'data'),
      scrapeInterval: env.SLUICE_PROMETHEUS_SCRAPE_INTERVAL ?? '1s',
      rulesDir: join(packageRoot(), 'deploy', 'prometheus'),
      localRulesDir: join(stateDir, 'prometheus', 'rules'),
    },
    alertmanager: {
      host: '127.0.0.1',
      port: portFromEnv(env, 'SLUICE_ALERTMANAGER_PORT', 9093),
      dataDir: join(stateDir, 'alertmanager', 'data'),
    },
    alertReceiver: {
      host: '127.0.0.1',
      port: portFromEnv(env, 'SLUICE_ALERT_RECEIVER_PORT', 9096),
      tokenFile: join(stateDir, 'alert-receiver', 'token'),
    },
    haproxy: {
      adminSocket: join(stateDir, 'haproxy', 'admin.sock'),
      servicesDir: join(stateDir, 'haproxy', 'services'),
      pidFile: join(stateDir, 'haproxy', 'haproxy.pid'),
      statsPort: portFromEnv(env, 'SLUICE_HAPROXY_STATS_PORT', 8404),
    },
    supervisord: { dir: join(stateDir, 'supervisord') },
  };
}

export function temporalAddress(config: StackConfig): string {
  return `${config.temporal.host}:${config.temporal.port}`;
}

/**
 * How a client of this stack connects: its address, plus mTLS with the stack's client certificate
 * when it runs the cluster. Fits both Connection and NativeConnection.
 */
export function temporalConnectionOptions(config: StackConfig): {
  address: string;
  tls?: { serverNameOverride: string; serverRootCACertificate: Buffer; clientCertPair: { crt: Buffer; key: Buffer } };
} {
  const tls = config.temporal.tls;
  if (!tls) return { address: temporalAddress(config) };
  return {
    address: temporalAddress(config),
    tls: {
      // The certificate names localhost too; TLS forbids an IP address as the server name (RFC 6066).
      serverNameOverride: 'localhost',
      serverRootCACertificate: readFileSync(tls.ca),
      clientCertPair: { crt: readFileSync(tls.cert), key: readFileSync(tls.key) },
    },
  };
}

export function temporalUiUrl(config: StackConfig): string {
  return `http://${config.temporal.host}:${config.temporal.uiPort}`;
}

export function registryAddress(config: StackConfig): string {
  return `${config.registry.host}:${config.registry.port}`;
}

export function prometheusUrl(config: StackConfig): string {
  return `http://${config.prometheus.host}:${config.prometheus.port}`;
}

export function alertmanagerAddress(config: StackConfig): string {
  return `${config.alertmanager.host}:${config.alertmanager.port}`;
}

export function alertmanagerUrl(config: StackConfig): string {
  return `http://${alertmanagerAddress(config)}`;
}

export function alertReceiverUrl(config: StackConfig): string {
  return `http://${config.alertReceiver.host}:${config.alertReceiver.port}`;
}
