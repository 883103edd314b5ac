import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingDependencyError } from '../../component';
import { portFromEnv, type StackConfig } from '../../config';

export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';

const BOOTSTRAP_CLUSTER_HINT = 'run `bash scripts/bootstrap.sh test --only apt,temporal-cluster` to build it';

/** The four roles of a Temporal server; each runs as its own process here, as in production. */
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** PostgreSQL's smallint, where Temporal's cluster_membership table keeps rpc_port. */
const MAX_MEMBER_PORT = 32767;

export interface ServicePorts {
  grpc: number;
  membership: number;
  /** Prometheus /metrics over plain HTTP on 127.0.0.1 (scraped by the stack's Prometheus, job temporal). */
  metrics: number;
}

/**
 * The Temporal cluster of `sluice dev up --temporal cluster` (docs/temporal-cluster.md): the
 * frontend keeps the dev server's address (SLUICE_TEMPORAL_PORT) and the Web UI its port, so
 * clients need no other setting; the other services sit next to it the way Temporal lays them out
 * (7233 → history 7234, matching 7235, worker 7239, membership 6933…), derived from that port so a
 * second stack on other ports brings its own. Their metrics follow the same offsets from the
 * stack's Temporal metrics port (8133 → 8134, 8135, 8139).
 */
export interface TemporalClusterConfig {
  dir: string;
  bins: { server: string; sqlTool: string; uiServer: string };
  /** More than one, so history work is spread and a restart moves shards between owners. */
  numHistoryShards: number;
  services: Record<TemporalService, ServicePorts>;
  frontendHttpPort: number;
  serverConfigFile: string;
  dynamicConfigFile: string;
  /**
   * The Web UI; `codecEndpoint` (SLUICE_UI_CODEC_ENDPOINT) is a Sluice codec server the UI's pages
   * ask to decode payloads, with the browser's cookies (docs/encryption.md: sign in at its /login).
   */
  ui: { dir: string; port: number; codecEndpoint?: string };
  postgres: {
    port: number;
    binDir: string;
    /**
     * PostgreSQL refuses to run as root, and a root user's state dir (~/.sluice) is closed to
     * others; as root the data lives under /var/lib/sluice-postgres, one dir per state dir, owned
     * by the `postgres` user Debian's package creates. Otherwise in the state dir, run as oneself.
     */
    dataDir: string;
    socketDir: string;
    runAs?: { uid: number; gid: number };
    user: string;
    /** 0600, made on first start; never on a command line or in a log. */
    passwordFile: string;
    databases: { temporal: string; visibility: string };
  };
}

/** The newest PostgreSQL server Debian installed (/usr/lib/postgresql/<major>/bin), or SLUICE_POSTGRES_BIN_DIR. */
function postgresBinDir(env: NodeJS.ProcessEnv): string {
  if (env.SLUICE_POSTGRES_BIN_DIR) return env.SLUICE_POSTGRES_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return join(root, majors[0] ?? '15', 'bin');
}

/** uid and gid of a local user from /etc/passwd, or undefined. */
function localUser(name: string): { uid: number; gid: number } | undefined {
  if (!existsSync('/etc/passwd')) return undefined;
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** SLUICE_UI_CODEC_ENDPOINT, checked: an http(s) URL with nothing after its path. */
function uiCodecEndpoint(env: NodeJS.ProcessEnv): { codecEndpoint?: string } {
  const raw = env.SLUICE_UI_CODEC_ENDPOINT;
  if (!raw) return {};
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username) {
    throw new Error(`SLUICE_UI_CODEC_ENDPOINT must be the http(s) URL of a codec server, e.g. http://127.0.0.1:8089, got ${JSON.stringify(raw)}`);
  }
  return { codecEndpoint: raw.replace(/\/+$/, '') };
}

export function loadTemporalClusterConfig(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): TemporalClusterConfig {
  const dir = join(stack.stateDir, 'temporal-cluster');
  const binDir = join(stack.cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const frontend = stack.temporal.port;
  const offsets: Record<TemporalService, number> = { frontend: 0, history: 1, matching: 2, worker: 6 };
  const metrics = stack.temporal.metricsPort;
  const services = Object.fromEntries(
    TEMPORAL_SERVICES.map((s) => [s, { grpc: frontend + offsets[s], membership: frontend - 300 + offsets[s], metrics: metrics + offsets[s] }]),
  ) as Record<TemporalService, ServicePorts>;
  // The server records each member's port in a PostgreSQL smallint, and a service whose port does
  // not fit dies at start ("out of range for type smallint"): say so before anything starts.
  if (frontend < 301 || frontend + 10 > MAX_MEMBER_PORT) {
    throw new Error(
      `the Temporal cluster's ports follow SLUICE_TEMPORAL_PORT (${frontend}): frontend +1, +2, +6, +10, membership 300 below; ` +
        `Temporal keeps member ports in a PostgreSQL smallint, so choose SLUICE_TEMPORAL_PORT between 301 and ${MAX_MEMBER_PORT - 10}`,
    );
  }
  const lastMetricsPort = metrics + Math.max(...Object.values(offsets));
  if (lastMetricsPort > 65535) {
    throw new Error(`the Temporal cluster's metrics ports run from ${metrics} to ${lastMetricsPort}, past 65535: set SLUICE_TEMPORAL_METRICS_PORT lower`);
  }
  const asRoot = process.getuid?.() === 0;
  const pgRunAs = asRoot ? localUser('postgres') : undefined;
  const stateKey = createHash('sha256').update(stack.stateDir).digest('hex').slice(0, 12);
  const pgDir = asRoot ? join('/var/lib/sluice-postgres', stateKey) : join(dir, 'postgres');
  return {
    dir,
    bins: {
      server: join(binDir, 'temporal-server'),
      sqlTool: join(binDir, 'temporal-sql-tool'),
      uiServer: join(binDir, 'temporal-ui-server'),
    },
    numHistoryShards: 4,
    services,
    frontendHttpPort: frontend + 10,
    serverConfigFile: join(dir, 'server.yaml'),
    dynamicConfigFile: join(dir, 'dynamicconfig.yaml'),
    ui: { dir: join(dir, 'ui'), port: stack.temporal.uiPort, ...uiCodecEndpoint(env) },
    postgres: {
      port: portFromEnv(env, 'SLUICE_TEMPORAL_POSTGRES_PORT', 15432),
      binDir: postgresBinDir(env),
      dataDir: join(pgDir, 'data'),
      socketDir: join(pgDir, 'run'),
      ...(pgRunAs ? { runAs: pgRunAs } : {}),
      user: 'temporal',
      passwordFile: join(dir, 'postgres-password'),
      databases: { temporal: 'temporal', visibility: 'temporal_visibility' },
    },
  };
}

/** A binary the bootstrap's temporal-cluster piece builds, or a MissingDependencyError saying how to get it. */
export function requireClusterBinary(path: string, what: string): string {
  if (!existsSync(path)) throw new MissingDependencyError(`${what} (${path})`, BOOTSTRAP_CLUSTER_HINT);
  return path;
}

/** A PostgreSQL server program (initdb, postgres) from Debian's package. */
export function requirePostgresBinary(cluster: TemporalClusterConfig, name: 'initdb' | 'postgres' | 'pg_isready' | 'psql'): string {
  const path = join(cluster.postgres.binDir, name);
  if (!existsSync(path)) throw new MissingDependencyError(`PostgreSQL's ${name} (${path})`, 'run `bash scripts/bootstrap.sh test --only apt` (Debian package postgresql)');
  return path;
}
