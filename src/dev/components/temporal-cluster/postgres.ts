import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { logFile, pidFile, type Component } from '../../component';
import type { StackConfig } from '../../config';
import { spawnDaemon } from '../../process';
import { loadTemporalClusterConfig, requirePostgresBinary, type TemporalClusterConfig } from './config';
import { postgresPassword } from './password';
import { ensureSchema } from './schema';

const execFileAsync = promisify(execFile);

/** Directories the server writes, owned by the user it runs as. */
function ownedDir(path: string, cluster: TemporalClusterConfig): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (cluster.postgres.runAs) chownSync(path, cluster.postgres.runAs.uid, cluster.postgres.runAs.gid);
}

async function initdb(cluster: TemporalClusterConfig): Promise<void> {
  const { postgres } = cluster;
  if (existsSync(join(postgres.dataDir, 'PG_VERSION'))) return;
  // Traversable by the server's user (as root, /var/lib/sluice-postgres holds one dir per state dir).
  mkdirSync(dirname(dirname(postgres.dataDir)), { recursive: true, mode: 0o755 });
  ownedDir(dirname(postgres.dataDir), cluster);
  ownedDir(postgres.dataDir, cluster);
  // initdb reads the superuser's password from a file it can open as the server's user; the copy
  // lives only while it runs.
  const pwfile = join(dirname(postgres.dataDir), 'initdb-password');
  writeFileSync(pwfile, `${postgresPassword(cluster)}\n`, { mode: 0o600 });
  if (postgres.runAs) chownSync(pwfile, postgres.runAs.uid, postgres.runAs.gid);
  try {
    await execFileAsync(
      requirePostgresBinary(cluster, 'initdb'),
      [
        `--pgdata=${postgres.dataDir}`,
        `--username=${postgres.user}`,
        `--pwfile=${pwfile}`,
        // Password (SCRAM) over TCP, the only way in besides the server's own socket directory.
        '--auth-host=scram-sha-256',
        '--auth-local=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ],
      { ...(postgres.runAs ? { uid: postgres.runAs.uid, gid: postgres.runAs.gid } : {}), cwd: dirname(postgres.dataDir) },
    );
  } catch (err) {
    // A half-made data dir would make every later start fail in a less obvious way.
    rmSync(postgres.dataDir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`, { cause: err });
  } finally {
    rmSync(pwfile, { force: true });
  }
}

export async function postgresReady(cluster: TemporalClusterConfig): Promise<boolean> {
  try {
    await execFileAsync(requirePostgresBinary(cluster, 'pg_isready'), ['--host=127.0.0.1', `--port=${cluster.postgres.port}`, '--timeout=2', '--quiet']);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Temporal cluster's PostgreSQL (Debian's package): its own data directory and port, loopback
 * only. Its ensureConfigured creates Temporal's two databases and brings their schemas up to date.
 */
export const temporalPostgresComponent: Component = {
  name: 'temporal-postgres',
  readyTimeoutMs: 60000,
  url: (config) => `postgresql://127.0.0.1:${loadTemporalClusterConfig(config).postgres.port}`,
  ports: (config) => [loadTemporalClusterConfig(config).postgres.port],
  healthy: (config) => postgresReady(loadTemporalClusterConfig(config)),
  async start(config: StackConfig) {
    const cluster = loadTemporalClusterConfig(config);
    const bin = requirePostgresBinary(cluster, 'postgres');
    await initdb(cluster);
    ownedDir(cluster.postgres.socketDir, cluster);
    spawnDaemon({
      command: bin,
      args: [
        '-D',
        cluster.postgres.dataDir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `port=${cluster.postgres.port}`,
        '-c',
        `unix_socket_directories=${cluster.postgres.socketDir}`,
        // Four Temporal services with their connection pools, plus the schema tool.
        '-c',
        'max_connections=200',
        // A development and test cluster on a shared disk, as etcd here: a crash of the machine may
        // lose the last transactions, which is not worth a flush per Temporal write.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      logFile: logFile(config, 'temporal-postgres'),
      pidFile: pidFile(config, 'temporal-postgres'),
      cwd: dirname(cluster.postgres.dataDir),
      ...(cluster.postgres.runAs ? { runAs: cluster.postgres.runAs } : {}),
    });
  },
  ensureConfigured: (config) => ensureSchema(loadTemporalClusterConfig(config)),
};
