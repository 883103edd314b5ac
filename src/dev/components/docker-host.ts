import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { registryAddress, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable } from '../component';
import { httpOk, tcpOpen, waitFor } from '../probe';
import { livePid, spawnDaemon, stopDaemon } from '../process';
import { privateEngineArgs } from './dockerd';
import { ensureLeafCertificate, ensureLocalCa } from '../local-ca';

const execFileAsync = promisify(execFile);

/**
 * A simulated remote host's Docker engine: one more dockerd on this machine, for a host name and
 * a loopback address (127.0.0.2, .3, ...), reachable over TCP with mutual TLS on that address as
 * a remote engine would be. It shares nothing with the stack's dockerd (own data root, exec root,
 * containerd, socket, pid file, daemon.json) and pulls the stack's images from its registry.
 *
 * It lives in src/dev, not in test/, because the fleet's dev stack starts the same hosts (one per
 * simulated machine); tests call it the same way. It is not a stack Component: there is one per
 * host, and the stack's `dev up`/`dev down` do not manage it (startDockerHost / stopDockerHost do).
 */
export interface DockerHostOptions {
  stack: StackConfig;
  /** Host name: the state dir is <stack state>/hosts/<name>/docker. */
  name: string;
  /** The host's loopback address: the engine's TLS port and the containers' traffic both use it. */
  address: string;
  /** The engine's TLS port on `address`. */
  port: number;
  /** How long to wait for the engine to answer (default 60 s). */
  readyTimeoutMs?: number;
}

/** Everything one simulated host's engine keeps on disk. */
export interface DockerHostPaths {
  dir: string;
  socket: string;
  dataRoot: string;
  execRoot: string;
  /** dockerd's own pid file (--pidfile). */
  pidFile: string;
  /** The pid of the process we spawned (what stopDockerHost signals). */
  daemonPidFile: string;
  logFile: string;
  /** An empty daemon.json of its own, so a system /etc/docker/daemon.json never applies. */
  configFile: string;
  /** The engine's side: ca.pem, ca-key.pem, server-cert.pem, server-key.pem. */
  serverTlsDir: string;
  /** The client's side, in DOCKER_CERT_PATH layout: ca.pem, cert.pem, key.pem. */
  clientCertDir: string;
}

export interface DockerHost {
  name: string;
  address: string;
  port: number;
  paths: DockerHostPaths;
  /** How the docker target reaches it (DockerEngine in src/activities/config.ts). */
  engine: { host: string; tls: { certDir: string } };
}

const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function dockerHostPaths(stateDir: string, name: string): DockerHostPaths {
  if (!NAME.test(name)) throw new Error(`host name ${JSON.stringify(name)} must be lowercase letters, digits and dashes (at most 41)`);
  const dir = join(stateDir, 'hosts', name, 'docker');
  return {
    dir,
    socket: join(dir, 'docker.sock'),
    dataRoot: join(dir, 'data'),
    execRoot: join(dir, 'exec'),
    pidFile: join(dir, 'dockerd.pid'),
    daemonPidFile: join(dir, 'daemon.pid'),
    logFile: join(dir, 'dockerd.log'),
    configFile: join(dir, 'daemon.json'),
    serverTlsDir: join(dir, 'tls'),
    clientCertDir: join(dir, 'client'),
  };
}

function engineOf(options: DockerHostOptions, paths: DockerHostPaths): DockerHost {
  return {
    name: options.name,
    address: options.address,
    port: options.port,
    paths,
    engine: { host: `tcp://${options.address}:${options.port}`, tls: { certDir: paths.clientCertDir } },
  };
}

/** Its socket answers _ping as Docker does, and its TLS port accepts connections. */
async function healthy(options: DockerHostOptions, paths: DockerHostPaths): Promise<boolean> {
  const ping = await httpOk('http://docker/_ping', { socketPath: paths.socket, looksRight: (a) => a.headers['api-version'] !== undefined });
  return ping && (await tcpOpen(options.address, options.port));
}

/**
 * Starts the host's engine, or reuses it when it already runs and answers (so a dev stack can call
 * this on every `up`). Resolves once both its socket and its TLS port answer.
 */
export async function startDockerHost(options: DockerHostOptions): Promise<DockerHost> {
  if (!LOOPBACK_V4.test(options.address)) throw new Error(`host address ${options.address} must be an IPv4 loopback address (127.0.0.0/8)`);
  if (!Number.isInteger(options.port) || options.port < 1024 || options.port > 65535) throw new Error(`engine port ${options.port} must be 1024-65535`);
  const paths = dockerHostPaths(options.stack.stateDir, options.name);
  const host = engineOf(options, paths);
  const running = livePid(paths.daemonPidFile);
  if (running !== undefined) {
    // An engine of this host runs already (perhaps still starting): a second dockerd would only
    // fail on its pid file, and its own pid file would lose track of the first one.
    await waitFor(
      `dockerd of host ${options.name} (pid ${running}, already running) to answer on ${options.address}:${options.port}`,
      () => healthy(options, paths),
      options.readyTimeoutMs ?? 60000,
      `it may listen on another address or port: stop it first (sluice dev down, or stopDockerHost), see ${paths.logFile}`,
    );
    return host;
  }
  const bin = findExecutable('dockerd', `Docker engine (Debian package docker.io); ${BOOTSTRAP_HINT}`);
  findExecutable('openssl', `openssl (Debian package openssl); ${BOOTSTRAP_HINT}`);
  for (const dir of [paths.dir, paths.dataRoot, paths.execRoot]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  await ensureDockerHostCertificates(paths, options.name, options.address);
  // A socket or pid file left by a killed engine would make dockerd refuse to start.
  for (const file of [paths.pidFile, paths.daemonPidFile, paths.socket]) rmSync(file, { force: true });
  writeFileSync(paths.configFile, '{}\n', { mode: 0o600 });
  const tls = paths.serverTlsDir;
  const args = [
    ...privateEngineArgs({ ...paths, namespace: `sluice-host-${options.name}` }),
    '--config-file',
    paths.configFile,
    '--host',
    `tcp://${options.address}:${options.port}`,
    // --tlsverify: a client must show a certificate signed by this host's CA.
    '--tlsverify',
    '--tlscacert',
    join(tls, 'ca.pem'),
    '--tlscert',
    join(tls, 'server-cert.pem'),
    '--tlskey',
    join(tls, 'server-key.pem'),
    // Docker already treats 127.0.0.0/8 registries as insecure; said explicitly, as a real host would.
    '--insecure-registry',
    registryAddress(options.stack),
  ];
  spawnDaemon({ command: bin, args, logFile: paths.logFile, pidFile: paths.daemonPidFile });
  await waitFor(`dockerd of host ${options.name}`, () => healthy(options, paths), options.readyTimeoutMs ?? 60000, `see ${paths.logFile}`);
  return host;
}

/**
 * Stops the host's engine (SIGTERM: dockerd stops its containers and its own containerd) and
 * removes its socket. With `removeState`, also deletes the host's state dir (data root, keys).
 */
export async function stopDockerHost(stateDir: string, name: string, opts: { removeState?: boolean } = {}): Promise<void> {
  const paths = dockerHostPaths(stateDir, name);
  await stopDaemon(paths.daemonPidFile, 30000);
  // dockerd ends its containerd on the way out; one left by a killed dockerd is ended here, but
  // only if the pid is still that containerd (its command line names this host's exec root).
  const containerdPid = join(paths.execRoot, 'containerd', 'containerd.pid');
  const pid = livePid(containerdPid);
  if (pid !== undefined && commandLine(pid).includes(paths.execRoot)) await stopDaemon(containerdPid, 10000);
  rmSync(paths.socket, { force: true });
  rmSync(paths.pidFile, { force: true });
  if (opts.removeState) {
    const root = join(stateDir, 'hosts', name);
    await unmountUnder(root);
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * dockerd leaves mounts under its exec root when it stops (the bind mount of the host's network
 * namespace, exec/netns/default), and a mounted file cannot be deleted: they go first, deepest first.
 */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    // mountinfo escapes space, tab, newline and backslash as octal.
    .map((point) => point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await execFileAsync('umount', [point]);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * The host's CA, the engine's certificate (SAN IP:<address>) and one client certificate, made once
 * with openssl and kept; the engine's certificate is made again if the address changed. Every
 * file is 0600 in 0700 directories.
 */
export async function ensureDockerHostCertificates(paths: DockerHostPaths, name: string, address: string): Promise<void> {
  const tls = paths.serverTlsDir;
  const client = paths.clientCertDir;
  for (const dir of [tls, client]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = { cert: join(tls, 'ca.pem'), key: join(tls, 'ca-key.pem') };
  const caFresh = await ensureLocalCa(ca, `sluice-docker-host-${name}-ca`);
  const addressFile = join(tls, 'server-address');
  const addressChanged = !existsSync(addressFile) || readFileSync(addressFile, 'utf8').trim() !== address;
  await ensureLeafCertificate(
    ca,
    { cert: join(tls, 'server-cert.pem'), key: join(tls, 'server-key.pem') },
    { commonName: name, sans: [`IP:${address}`], usages: ['serverAuth'] },
    caFresh || addressChanged,
  );
  writeFileSync(addressFile, `${address}\n`);
  await ensureLeafCertificate(ca, { cert: join(client, 'cert.pem'), key: join(client, 'key.pem') }, { commonName: 'sluice', usages: ['clientAuth'] }, caFresh);
  copyFileSync(join(tls, 'ca.pem'), join(client, 'ca.pem'));
  for (const dir of [tls, client]) for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o600);
}
