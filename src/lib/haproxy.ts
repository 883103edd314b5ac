import { execFile } from 'node:child_process';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Talks to HAProxy's runtime API (the `stats socket ... level admin` socket) or its master CLI.
 * In non-interactive mode HAProxy answers one command and closes the connection, so a request is
 * "write the line, read until EOF".
 */
export async function haproxyCommand(socketPath: string, command: string, timeoutMs = 5000): Promise<string> {
  if (/[\r\n]/.test(command)) throw new Error(`HAProxy command must be a single line: ${JSON.stringify(command)}`);
  return new Promise<string>((resolvePromise, reject) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`HAProxy socket ${socketPath} did not answer "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    // Half-close after the command: the master CLI answers only once it sees the end of input.
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`HAProxy socket ${socketPath}: ${err.message}`));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolvePromise(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Runs a runtime-API command whose success is an empty answer (set server ..., enable ...). */
export async function haproxyAction(socketPath: string, command: string): Promise<void> {
  const answer = (await haproxyCommand(socketPath, command)).trim();
  // Successful "set" commands answer nothing; some versions echo a short informational line.
  // `set server ... addr` answers "IP changed from ..." / "no need to change the addr, port changed from ...".
  if (answer !== '' && !/^(New|Server|Health|Agent)\b.*(updated|changed|set)/i.test(answer) && !/changed from|no need to change/i.test(answer)) {
    throw new Error(`HAProxy refused "${command}": ${answer}`);
  }
}

export interface ServerState {
  backend: string;
  server: string;
  address: string;
  port: number;
  weight: number;
  /** 0 = maintenance/stopped, 2 = running (srv_op_state in `show servers state`). */
  operState: number;
  adminState: number;
}

/** Parses `show servers state <backend>` (format version 1). */
export async function serverStates(adminSocket: string, backend?: string): Promise<ServerState[]> {
  const text = await haproxyCommand(adminSocket, backend ? `show servers state ${backend}` : 'show servers state');
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const rows: ServerState[] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 19 || !/^\d+$/.test(f[0]!)) continue; // the first line is the format version
    rows.push({
      backend: f[1]!,
      server: f[3]!,
      address: f[4]!,
      operState: Number(f[5]),
      adminState: Number(f[6]),
      weight: Number(f[7]),
      port: Number(f[18]),
    });
  }
  return rows;
}

export async function backendNames(adminSocket: string): Promise<string[]> {
  const text = await haproxyCommand(adminSocket, 'show backend');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export interface HaproxyFiles {
  haproxyBinary?: string;
  mainConfig: string;
  confDir: string;
  masterSocket: string;
  adminSocket: string;
  /** Runtime state (addresses, weights, admin states) carried across reloads; see serverStateFile(). */
  serverStateFile?: string;
}

/**
 * Where runtime changes survive a reload: backends that declare `load-server-state-from-file
 * local` + `server-state-file-name <this file>` start with the weights, addresses and admin
 * states the previous worker had, instead of their configuration defaults.
 */
export function serverStateFile(files: Pick<HaproxyFiles, 'mainConfig' | 'serverStateFile'>): string {
  return files.serverStateFile ?? join(dirname(files.mainConfig), 'server-state');
}

/** Dumps `show servers state` (all backends) for the next worker to load; written atomically. */
async function saveServerState(files: HaproxyFiles): Promise<void> {
  const file = serverStateFile(files);
  const text = await haproxyCommand(files.adminSocket, 'show servers state');
  const body = text.split('\n').filter((line) => line.trim() !== '').join('\n') + '\n';
  await writeFile(`${file}.tmp`, body);
  await rename(`${file}.tmp`, file);
}

/** Validates the full configuration (main file plus fragments) without touching the running proxy. */
export async function checkConfig(files: HaproxyFiles): Promise<void> {
  try {
    await execFileAsync(files.haproxyBinary ?? 'haproxy', ['-c', '-q', '-f', files.mainConfig, '-f', files.confDir]);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`HAProxy configuration is invalid: ${(e.stderr ?? e.message).trim()}`);
  }
}

/**
 * Asks the master process to reload and waits until the new worker's runtime socket lists the
 * expected backend. A reload in master-worker mode hands listening sockets to the new worker, so
 * established connections finish on the old one and no request is dropped.
 */
export async function reloadAndWait(files: HaproxyFiles, expectBackend?: string, timeoutMs = 10000): Promise<void> {
  const before = await workerPid(files.masterSocket);
  // Runtime-API changes (weights, server addresses) live only in the running worker.
  await saveServerState(files);
  await haproxyCommand(files.masterSocket, 'reload');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const pid = await workerPid(files.masterSocket);
      const ok = pid !== undefined && pid !== before && (!expectBackend || (await backendNames(files.adminSocket)).includes(expectBackend));
      if (ok) return;
    } catch {
      // the sockets are briefly unavailable while the worker is replaced
    }
    if (Date.now() > deadline) throw new Error(`HAProxy did not finish reloading within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pid of the current (newest) worker, from the master CLI's `show proc`. */
export async function workerPid(masterSocket: string): Promise<number | undefined> {
  const text = await haproxyCommand(masterSocket, 'show proc');
  // Lines: "<pid> <type> <reloads> <uptime> <version>"; current workers come first after the master.
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] === 'worker' && /^\d+$/.test(f[0] ?? '')) return Number(f[0]);
  }
  return undefined;
}

/**
 * Installs (or replaces) one configuration fragment and reloads, so a broken fragment never
 * reaches the running proxy: it is validated first and removed again when validation fails.
 */
export async function applyFragment(files: HaproxyFiles, name: string, content: string, expectBackend?: string): Promise<void> {
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) throw new Error(`invalid HAProxy fragment name ${JSON.stringify(name)}`);
  const target = join(files.confDir, `${name}.cfg`);
  const staged = join(files.confDir, `.${name}.cfg.tmp`);
  await writeFile(staged, content);
  const backup = join(files.confDir, `.${name}.cfg.bak`);
  let hadPrevious = false;
  try {
    await rename(target, backup);
    hadPrevious = true;
  } catch {
    // no previous fragment
  }
  await rename(staged, target);
  try {
    await checkConfig(files);
  } catch (err) {
    await rm(target, { force: true });
    if (hadPrevious) await rename(backup, target);
    throw err;
  }
  if (hadPrevious) await rm(backup, { force: true });
  await reloadAndWait(files, expectBackend);
}

export async function removeFragment(files: HaproxyFiles, name: string): Promise<void> {
  await rm(join(files.confDir, `${name}.cfg`), { force: true });
  await reloadAndWait(files);
}
