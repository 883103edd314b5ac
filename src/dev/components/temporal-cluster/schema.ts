import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireClusterBinary, requirePostgresBinary, type TemporalClusterConfig } from './config';
import { postgresPassword } from './password';

const execFileAsync = promisify(execFile);

/** Where each database's schema lives among the files the SQL tool embeds. */
const SCHEMA_NAMES = { temporal: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

/** The password travels in the environment (the tools' own SQL_PASSWORD and PGPASSWORD), never in argv. */
function toolEnv(cluster: TemporalClusterConfig): NodeJS.ProcessEnv {
  const password = postgresPassword(cluster);
  return { ...process.env, SQL_PASSWORD: password, PGPASSWORD: password };
}

async function psql(cluster: TemporalClusterConfig, database: string, query: string): Promise<string> {
  const { stdout } = await execFileAsync(
    requirePostgresBinary(cluster, 'psql'),
    [
      '--host=127.0.0.1',
      `--port=${cluster.postgres.port}`,
      `--username=${cluster.postgres.user}`,
      `--dbname=${database}`,
      '--no-psqlrc',
      '--tuples-only',
      '--no-align',
      '--command',
      query,
    ],
    { env: toolEnv(cluster) },
  );
  return stdout.trim();
}

async function sqlTool(cluster: TemporalClusterConfig, database: string, args: string[]): Promise<void> {
  const base = ['--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(cluster.postgres.port), '--user', cluster.postgres.user, '--database', database, '--quiet'];
  try {
    await execFileAsync(requireClusterBinary(cluster.bins.sqlTool, 'temporal-sql-tool'), [...base, ...args], { env: toolEnv(cluster) });
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join('\n') ?? (err as Error).message;
    throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${detail}`, { cause: err });
  }
}

/**
 * Creates Temporal's databases and brings their schemas to the server's version, by Temporal's own
 * schema tool. Safe to repeat: a database is created and its version table set up only when
 * missing (setting it up again would reset the recorded version), and update-schema applies only
 * the versions it has not applied yet.
 */
async function ensureDatabase(cluster: TemporalClusterConfig, database: string, schemaName: string): Promise<void> {
  const exists = await psql(cluster, 'postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
  if (exists !== '1') await sqlTool(cluster, database, ['create-database']);
  const versioned = await psql(cluster, database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'");
  if (versioned === '0') await sqlTool(cluster, database, ['setup-schema', '-v', '0.0']);
  await sqlTool(cluster, database, ['update-schema', '--schema-name', schemaName]);
}

const done = new Map<string, Promise<void>>();

/** Once per state dir and process: the PostgreSQL component and every Temporal service wait on the same run. */
export function ensureSchema(cluster: TemporalClusterConfig): Promise<void> {
  let run = done.get(cluster.dir);
  if (!run) {
    run = (async () => {
      await ensureDatabase(cluster, cluster.postgres.databases.temporal, SCHEMA_NAMES.temporal);
      await ensureDatabase(cluster, cluster.postgres.databases.visibility, SCHEMA_NAMES.visibility);
    })();
    run.catch(() => done.delete(cluster.dir));
    done.set(cluster.dir, run);
  }
  return run;
}
