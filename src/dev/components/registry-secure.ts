import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash } from 'bcryptjs';
import { stringify } from 'yaml';
import { portFromEnv, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { ensureLeafCertificate, ensureLocalCa } from '../local-ca';
import { httpOk, waitFor } from '../probe';
import { livePid, spawnDaemon, stopDaemon } from '../process';

/**
 * A registry that wants credentials and speaks only TLS (issue 17): a second distribution
 * instance (Debian `docker-registry`, like the stack's plain one on :5000, which stays as it is)
 * with `auth.htpasswd` (one bcrypt entry, user `sluice`, a random password kept 0600 in its state
 * dir and never printed) and `http.tls` with a certificate from a local CA of its own
 * (src/dev/local-ca.ts), on its own loopback port.
 *
 * Two ways to run it, the same code underneath:
 * - the stack option: `sluice dev up --only registry-secure` (an optional component, like
 *   supervisord and config-etcd), state in $STATE/registry-secure, port SLUICE_REGISTRY_SECURE_PORT
 *   (default 5443);
 * - a test's or a bench's own instance: startSecureRegistry(namedSecureRegistry(stack, name, port))
 *   and stopSecureRegistry, state in $STATE/secure-registries/<name>, like startDockerHost.
 *
 * A worker reaches it with SLUICE_REGISTRY_CA_FILE=<dir>/pki/ca.pem and the credentials from
 * <dir>/auth.json (SLUICE_REGISTRY_AUTH_FILE, a Docker config.json) or from the password file.
 * dockerd needs no file of ours to push or pull here: it treats every 127.0.0.0/8 registry as
 * insecure (docs/build.md, *A registry that wants credentials*).
 */
export const SECURE_REGISTRY_USER = 'sluice';
export const SECURE_REGISTRY_COMPONENT = 'registry-secure';

/** One instance: where it keeps its files and where it listens (always 127.0.0.1). */
export interface SecureRegistryInstance {
  dir: string;
  port: number;
  /** The pid of the process we spawned. */
  pidFile: string;
  logFile: string;
}

export interface SecureRegistryFiles {
  config: string;
  storageDir: string;
  /** The bcrypt htpasswd file the registry reads (0600). */
  htpasswd: string;
  /** The password in clear (0600): read it, never print it. */
  passwordFile: string;
  /** A Docker config.json with this registry's `auths` entry (0600): a SLUICE_REGISTRY_AUTH_FILE. */
  authFile: string;
  /** The CA that signed the registry's certificate: a SLUICE_REGISTRY_CA_FILE. */
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

/** What a client needs to use an instance. */
export interface SecureRegistry {
  /** host:port, the registry part of an image repository. */
  address: string;
  url: string;
  username: string;
  files: SecureRegistryFiles;
}

const HOST = '127.0.0.1';
const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

export function secureRegistryFiles(dir: string): SecureRegistryFiles {
  const pki = join(dir, 'pki');
  return {
    config: join(dir, 'config.yml'),
    storageDir: join(dir, 'data'),
    htpasswd: join(dir, 'htpasswd'),
    passwordFile: join(dir, 'password'),
    authFile: join(dir, 'auth.json'),
    caCert: join(pki, 'ca.pem'),
    caKey: join(pki, 'ca-key.pem'),
    cert: join(pki, 'server.pem'),
    key: join(pki, 'server-key.pem'),
  };
}

/** The stack option's instance (`sluice dev up --only registry-secure`). */
export function stackSecureRegistry(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): SecureRegistryInstance {
  return {
    dir: join(stack.stateDir, SECURE_REGISTRY_COMPONENT),
    port: portFromEnv(env, 'SLUICE_REGISTRY_SECURE_PORT', 5443),
    pidFile: pidFile(stack, SECURE_REGISTRY_COMPONENT),
    logFile: logFile(stack, SECURE_REGISTRY_COMPONENT),
  };
}

/** A test's or a bench's own instance, apart from the stack option's and from each other. */
export function namedSecureRegistry(stack: StackConfig, name: string, port: number): SecureRegistryInstance {
  if (!NAME.test(name)) throw new Error(`registry name ${JSON.stringify(name)} must be lowercase letters, digits and dashes (at most 41)`);
  const dir = join(stack.stateDir, 'secure-registries', name);
  return { dir, port, pidFile: join(dir, 'registry.pid'), logFile: join(dir, 'registry.log') };
}

export function secureRegistryOf(instance: SecureRegistryInstance): SecureRegistry {
  const address = `${HOST}:${instance.port}`;
  return { address, url: `https://${address}`, username: SECURE_REGISTRY_USER, files: secureRegistryFiles(instance.dir) };
}

/** GET /v2/ over TLS (our CA only) with the password: 200 from a distribution registry. */
export async function secureRegistryHealthy(instance: SecureRegistryInstance): Promise<boolean> {
  const { url, files } = secureRegistryOf(instance);
  if (!existsSync(files.caCert) || !existsSync(files.passwordFile)) return false;
  const basic = Buffer.from(`${SECURE_REGISTRY_USER}:${readFileSync(files.passwordFile, 'utf8').trim()}`).toString('base64');
  return httpOk(`${url}/v2/`, {
    ca: readFileSync(files.caCert),
    headers: { Authorization: `Basic ${basic}` },
    looksRight: (a) => String(a.headers['docker-distribution-api-version'] ?? '').startsWith('registry/2'),
  });
}

function registryConfig(instance: SecureRegistryInstance, files: SecureRegistryFiles): string {
  return stringify({
    version: 0.1,
    log: { level: 'info', formatter: 'json' },
    storage: {
      filesystem: { rootdirectory: files.storageDir },
      // Retention prunes old releases by manifest digest, as on the plain registry.
      delete: { enabled: true },
    },
    auth: { htpasswd: { realm: 'sluice-registry', path: files.htpasswd } },
    http: {
      addr: `${HOST}:${instance.port}`,
      // Signs upload state between requests; fixed per instance so a restart keeps uploads valid.
      secret: readFileSync(join(instance.dir, 'http-secret'), 'utf8').trim(),
      tls: { certificate: files.cert, key: files.key },
      headers: { 'X-Content-Type-Options': ['nosniff'] },
    },
  });
}

/** A random secret made once and kept (0600); the value is never returned to a caller that prints. */
function ensureSecretFile(path: string, bytes: number): string {
  if (!existsSync(path)) writeFileSync(path, `${randomBytes(bytes).toString('base64url')}\n`, { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

/**
 * Writes everything the registry reads: its CA and certificate (IP:127.0.0.1 and localhost, made
 * once), the password (made once), the htpasswd entry and the Docker config.json for it, and its
 * configuration. Every file 0600 in a 0700 directory.
 */
export async function prepareSecureRegistry(instance: SecureRegistryInstance): Promise<SecureRegistry> {
  findExecutable('openssl', `openssl (Debian package openssl); ${BOOTSTRAP_HINT}`);
  const registry = secureRegistryOf(instance);
  const { files } = registry;
  for (const dir of [instance.dir, files.storageDir, join(instance.dir, 'pki')]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFresh = await ensureLocalCa({ cert: files.caCert, key: files.caKey }, 'sluice-registry-ca');
  await ensureLeafCertificate(
    { cert: files.caCert, key: files.caKey },
    { cert: files.cert, key: files.key },
    { commonName: 'sluice-registry', sans: [`IP:${HOST}`, 'DNS:localhost'], usages: ['serverAuth'] },
    caFresh,
  );
  const password = ensureSecretFile(files.passwordFile, 24);
  ensureSecretFile(join(instance.dir, 'http-secret'), 32);
  // bcrypt, the only hash distribution's htpasswd accepts.
  writeFileSync(files.htpasswd, `${SECURE_REGISTRY_USER}:${await hash(password, 10)}\n`, { mode: 0o600 });
  const auth = Buffer.from(`${SECURE_REGISTRY_USER}:${password}`).toString('base64');
  writeFileSync(files.authFile, `${JSON.stringify({ auths: { [registry.address]: { auth } } }, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(files.config, registryConfig(instance, files), { mode: 0o600 });
  for (const dir of [instance.dir, join(instance.dir, 'pki')]) {
    for (const file of readdirSync(dir, { withFileTypes: true })) if (file.isFile()) chmodSync(join(dir, file.name), 0o600);
  }
  return registry;
}

function spawnRegistry(instance: SecureRegistryInstance): void {
  const bin = findExecutable('docker-registry', `Docker registry (Debian package docker-registry); ${BOOTSTRAP_HINT}`);
  spawnDaemon({ command: bin, args: ['serve', secureRegistryFiles(instance.dir).config], logFile: instance.logFile, pidFile: instance.pidFile });
}

/**
 * Starts the instance, or reuses it when ours runs already (perhaps still starting). Resolves once
 * it answers GET /v2/ over TLS with its password.
 */
export async function startSecureRegistry(instance: SecureRegistryInstance, opts: { readyTimeoutMs?: number } = {}): Promise<SecureRegistry> {
  const running = livePid(instance.pidFile);
  const registry = running === undefined ? await prepareSecureRegistry(instance) : secureRegistryOf(instance);
  if (running === undefined) spawnRegistry(instance);
  await waitFor(
    `secure registry on ${registry.address}${running === undefined ? '' : ` (pid ${running}, already running)`}`,
    () => secureRegistryHealthy(instance),
    opts.readyTimeoutMs ?? 30000,
    `see ${instance.logFile}`,
  );
  return registry;
}

/** Stops the instance; with `removeState`, deletes its directory too (images, keys, password). */
export async function stopSecureRegistry(instance: SecureRegistryInstance, opts: { removeState?: boolean } = {}): Promise<void> {
  await stopDaemon(instance.pidFile, 15000);
  if (opts.removeState) rmSync(instance.dir, { recursive: true, force: true });
}

export const secureRegistryComponent: Component = {
  name: SECURE_REGISTRY_COMPONENT,
  readyTimeoutMs: 30000,
  url: (config) => secureRegistryOf(stackSecureRegistry(config)).url,
  ports: (config) => [stackSecureRegistry(config).port],
  healthy: (config) => secureRegistryHealthy(stackSecureRegistry(config)),
  async start(config) {
    const instance = stackSecureRegistry(config);
    await prepareSecureRegistry(instance);
    spawnRegistry(instance);
  },
};
