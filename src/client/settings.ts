import { readFileSync } from 'node:fs';
import { loadClientConfigProfile, type ClientConfigProfile } from '@temporalio/envconfig';
import type { ConnectionOptions, TLSConfig } from '@temporalio/client';
import { SluiceClientError } from './errors';
import { ErrorType } from '../domain/errors';

/**
 * How to reach Temporal. Precedence, highest first:
 *   1. explicit values (CLI flags),
 *   2. the environment, with Temporal's names (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 *      TEMPORAL_API_KEY, TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY / TEMPORAL_TLS_CA, and the
 *      envconfig spellings TEMPORAL_TLS_CLIENT_CERT_PATH, ...),
 *   3. a Temporal client config file (TOML, `--config`, TEMPORAL_CONFIG_FILE or
 *      ~/.config/temporalio/temporal.toml; profile from `--profile` / TEMPORAL_PROFILE),
 *   4. the defaults the caller injects: the CLI (the composition root) passes the embedded stack's
 *      addresses, so `sluice` works after `sluice dev up` with no setup; without them, Temporal's
 *      own local defaults (TEMPORAL_DEFAULTS).
 * The file and environment layers are read by @temporalio/envconfig, the SDK's own loader, so
 * Sluice reads the same files and variables as the `temporal` CLI.
 */
export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  apiKey?: string;
  /** Client certificate and key (mTLS). Either one without the other is an error. */
  tlsCert?: string;
  tlsKey?: string;
  /** CA certificate that signed the server's certificate. */
  tlsCa?: string;
  tlsServerName?: string;
  /** Force TLS on (true) or off (false); default: on when any TLS file or an API key is given. */
  tls?: boolean;
  configFile?: string;
  profile?: string;
  /** Base URL of the Temporal Web UI, for links. */
  uiUrl?: string;
}

export interface TlsFiles {
  cert?: string;
  key?: string;
  ca?: string;
  serverName?: string;
}

export interface ConnectionSettings {
  address: string;
  namespace: string;
  apiKey?: string;
  /** false = plaintext; an object = TLS with these files (all optional: server TLS, system CAs). */
  tls: false | TlsFiles;
  uiUrl: string;
}

/** The last layer of the precedence: where Temporal is when nothing else says. */
export interface ConnectionDefaults {
  address: string;
  namespace: string;
  /** Base URL of the Temporal Web UI. */
  uiUrl: string;
  /** mTLS files of the default address (the embedded stack's cluster); used only while nothing else names TLS settings and the address is this default. */
  tls?: TlsFiles;
}

/** What `temporal server start-dev` listens on; used when the caller injects no defaults. */
export const TEMPORAL_DEFAULTS: ConnectionDefaults = { address: '127.0.0.1:7233', namespace: 'default', uiUrl: 'http://127.0.0.1:8233' };

/** Temporal CLI spellings accepted as aliases for envconfig's *_PATH variables. */
const ENV_ALIASES: Record<string, string> = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
};

function withAliases(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  for (const [alias, canonical] of Object.entries(ENV_ALIASES)) {
    if (out[alias] !== undefined && out[canonical] === undefined) out[canonical] = out[alias]!;
  }
  return out;
}

function pathOf(source: { path: string } | { data: string | Uint8Array } | undefined): string | undefined {
  return source && 'path' in source ? source.path : undefined;
}

function loadProfile(flags: ConnectionFlags, env: NodeJS.ProcessEnv): ClientConfigProfile {
  try {
    return loadClientConfigProfile({
      profile: flags.profile,
      configSource: flags.configFile ? { path: flags.configFile } : undefined,
      overrideEnvVars: withAliases(env),
    });
  } catch (err) {
    const where = flags.configFile ?? env.TEMPORAL_CONFIG_FILE ?? 'the Temporal client config file';
    throw new SluiceClientError(ErrorType.InvalidConnectionSettings, `cannot read connection settings from ${where}: ${(err as Error).message}`, { cause: err });
  }
}

export function resolveConnectionSettings(flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = process.env, defaults: ConnectionDefaults = TEMPORAL_DEFAULTS): ConnectionSettings {
  const profile = loadProfile(flags, env);
  const address = flags.address ?? profile.address ?? defaults.address;
  const namespace = flags.namespace ?? profile.namespace ?? defaults.namespace;
  const apiKey = flags.apiKey ?? profile.apiKey;
  const files: TlsFiles = {
    cert: flags.tlsCert ?? pathOf(profile.tls?.clientCert),
    key: flags.tlsKey ?? pathOf(profile.tls?.clientKey),
    ca: flags.tlsCa ?? pathOf(profile.tls?.serverCACert),
    serverName: flags.tlsServerName ?? profile.tls?.serverName,
  };
  if (Boolean(files.cert) !== Boolean(files.key)) {
    throw new SluiceClientError(
      ErrorType.InvalidConnectionSettings,
      'mTLS needs both a client certificate and a key (--tls-cert and --tls-key, or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY)',
    );
  }
  const anyTls = Boolean(files.cert || files.ca || files.serverName || apiKey || (profile.tls && !profile.tls.disabled));
  const tlsOn = flags.tls ?? (profile.tls?.disabled ? false : anyTls);
  const uiUrl = (flags.uiUrl ?? env.SLUICE_UI_URL ?? defaults.uiUrl).replace(/\/+$/, '');
  // The embedded cluster's own certificate, for its own address, when the caller said nothing of TLS.
  const stackTls = !anyTls && !profile.tls && flags.tls === undefined && address === defaults.address ? defaults.tls : undefined;
  return { address, namespace, apiKey, tls: stackTls ?? (tlsOn ? files : false), uiUrl };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new SluiceClientError(ErrorType.InvalidConnectionSettings, `cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Options for `Connection.connect`; certificate files are read here so a wrong path fails early and by name. */
export function toConnectionOptions(settings: ConnectionSettings): ConnectionOptions {
  const tls = settings.tls
    ? {
        serverNameOverride: settings.tls.serverName,
        serverRootCACertificate: settings.tls.ca ? readPem(settings.tls.ca, 'TLS CA certificate') : undefined,
        clientCertPair:
          settings.tls.cert && settings.tls.key ? { crt: readPem(settings.tls.cert, 'TLS client certificate'), key: readPem(settings.tls.key, 'TLS client key') } : undefined,
      }
    : false;
  return { address: settings.address, apiKey: settings.apiKey, tls, connectTimeout: '5s' };
}

/**
 * What a worker or agent connects with (a NativeConnection's options): the same address, TLS
 * files (the embedded cluster's client certificate by default for its own address) and API key
 * as every client. The CLI's worker and agent and the demo's worker use it.
 */
export function workerConnection(settings: ConnectionSettings): { address: string; tls?: TLSConfig; apiKey?: string } {
  const { tls, apiKey } = toConnectionOptions(settings);
  return { address: settings.address, ...(tls && typeof tls === 'object' ? { tls } : {}), ...(typeof apiKey === 'string' ? { apiKey } : {}) };
}
