import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { adapterCatalogue } from '../activities/catalogue';
import { defaultArtifactStore } from '../activities/build';
import {
  readSpecFile,
  resolveConnectionSettings,
  SluiceClient,
  validateSpec,
  type ConnectionDefaults,
  type ConnectionFlags,
  type ConnectionSettings,
  type DeploymentRef,
  type LoadedSpecFile,
  type ReleaseStoreSettings,
} from '../client';
import { loadStackConfig, registryAddress, temporalAddress, temporalUiUrl } from '../dev/config';
import { releaseSpecSchema, type ReleaseSpec } from '../domain/spec';

export const DEFAULT_SPEC_FILE = 'sluice.yaml';
export const DEFAULT_ENVIRONMENT = 'production';

/**
 * Options every command that talks to Temporal accepts: the client's connection flags, with
 * `--config` for the file (commander's name) and the worker's task queue.
 */
export interface ConnectionCliOptions extends Omit<ConnectionFlags, 'configFile'> {
  config?: string;
  taskQueue?: string;
}

export interface SpecCliOptions {
  file?: string;
  env?: string;
}

export type OutputFormat = 'text' | 'json';

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--address <host:port>', 'Temporal frontend address').env('TEMPORAL_ADDRESS'))
    .addOption(new Option('--namespace <ns>', 'Temporal namespace').env('TEMPORAL_NAMESPACE'))
    .addOption(new Option('--api-key <key>', 'API key (sent as a bearer token; implies TLS)').env('TEMPORAL_API_KEY'))
    .addOption(new Option('--tls-cert <path>', 'mTLS client certificate (PEM)').env('TEMPORAL_TLS_CERT'))
    .addOption(new Option('--tls-key <path>', 'mTLS client key (PEM)').env('TEMPORAL_TLS_KEY'))
    .addOption(new Option('--tls-ca <path>', 'CA certificate of the server (PEM)').env('TEMPORAL_TLS_CA'))
    .addOption(new Option('--tls-server-name <name>', 'override the TLS server name (SNI)'))
    .addOption(new Option('--tls', 'force TLS on'))
    .addOption(new Option('--no-tls', 'force TLS off'))
    .addOption(new Option('--config <file>', 'Temporal client config file (TOML)').env('TEMPORAL_CONFIG_FILE'))
    .addOption(new Option('--profile <name>', 'profile in the config file').env('TEMPORAL_PROFILE'))
    .addOption(new Option('--ui-url <url>', "Temporal Web UI base URL for links (default: the embedded stack's)").env('SLUICE_UI_URL'))
    .addOption(new Option('--task-queue <queue>', 'task queue of the Sluice worker').env('SLUICE_TASK_QUEUE').default('sluice'));
}

export function addSpecOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', `release spec (default ./${DEFAULT_SPEC_FILE} when present)`)
    .option('-e, --env <environment>', `environment (default: the spec's, else ${DEFAULT_ENVIRONMENT})`);
}

export function addOutputOption(cmd: Command): Command {
  return cmd.addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

/**
 * The embedded stack's addresses (src/dev/config.ts), injected into the client by this composition
 * root: the client falls back to them when flags, environment and config files leave something unsaid,
 * so `sluice` works after `sluice dev up` with no setup.
 */
export function embeddedStackDefaults(env: NodeJS.ProcessEnv = process.env): { connection: ConnectionDefaults; releaseStore: ReleaseStoreSettings } {
  const stack = loadStackConfig(env);
  return {
    connection: { address: temporalAddress(stack), namespace: stack.temporal.namespace, uiUrl: temporalUiUrl(stack), ...(stack.temporal.tls ? { tls: stack.temporal.tls } : {}) },
    releaseStore: { registry: registryAddress(stack), artifactStore: defaultArtifactStore(stack.stateDir), dockerSocket: stack.docker.socket },
  };
}

export function connectionSettings(opts: ConnectionCliOptions, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const { config, taskQueue: _taskQueue, ...flags } = opts;
  return resolveConnectionSettings({ ...flags, configFile: config }, env, embeddedStackDefaults(env).connection);
}

/** Connects, runs `fn`, and closes the connection whatever happens. */
export async function withClient<T>(opts: ConnectionCliOptions, fn: (client: SluiceClient) => Promise<T>): Promise<T> {
  const client = await SluiceClient.connect(connectionSettings(opts), { taskQueue: opts.taskQueue, releaseStore: embeddedStackDefaults().releaseStore });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Loads and validates the spec for one environment; relative paths in it are made absolute (the worker's cwd differs). */
export function loadSpec(opts: SpecCliOptions): { spec: ReleaseSpec; loaded: LoadedSpecFile } {
  const file = resolve(opts.file ?? DEFAULT_SPEC_FILE);
  const loaded = readSpecFile(file, opts.env);
  if (loaded.raw.environment === undefined) loaded.raw.environment = DEFAULT_ENVIRONMENT;
  absolutizeSource(loaded.raw, dirname(file));
  return { spec: validateSpec(loaded, releaseSpecSchema(adapterCatalogue())), loaded };
}

function absolutizeSource(raw: Record<string, unknown>, base: string): void {
  const source = raw.source as Record<string, unknown> | undefined;
  if (source && typeof source === 'object') {
    for (const key of ['repoDir', 'contextDir', 'binaryPath']) {
      const v = source[key];
      if (typeof v === 'string' && v !== '' && !isAbsolute(v)) source[key] = resolve(base, v);
    }
  }
  // config: { source: dir, path } names a directory of the repository, relative to sluice.yaml.
  const config = raw.config as Record<string, unknown> | undefined;
  if (config && typeof config === 'object' && config.source === 'dir' && typeof config.path === 'string' && config.path !== '' && !isAbsolute(config.path)) {
    config.path = resolve(base, config.path);
  }
}

/**
 * Service and environment for the control commands: positional arguments first, then --env, then
 * sluice.yaml (only read when something is missing, and only when it exists or -f names it).
 */
export function resolveRef(service: string | undefined, environment: string | undefined, opts: SpecCliOptions): DeploymentRef {
  let env = environment ?? opts.env;
  let svc = service;
  if (!svc || !env) {
    const file = resolve(opts.file ?? DEFAULT_SPEC_FILE);
    if (opts.file || existsSync(file)) {
      const loaded = readSpecFile(file, env);
      svc ??= typeof loaded.raw.service === 'string' ? loaded.raw.service : undefined;
      env ??= loaded.environment;
    }
  }
  if (!svc) throw new UsageError(`name the service: \`<command> <service> [environment]\`, or run where ${DEFAULT_SPEC_FILE} lives (-f <path>)`);
  return { service: svc, environment: env ?? DEFAULT_ENVIRONMENT };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** host:port, loopback or not (an operator may put the receiver behind TLS on another address). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--listen ${value}: expected host:port, e.g. 127.0.0.1:9096`);
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/** Secrets come from files (as Alertmanager's credentials_file), never from flags that show in `ps`. */
export function readSecret(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the ${what} file ${file}: ${(err as Error).message}`);
  }
  const secret = text.trim();
  if (!secret) throw new UsageError(`the ${what} file ${file} is empty`);
  return secret;
}
