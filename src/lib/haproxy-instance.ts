import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { locateExecutable } from './executables';
import { haproxyCommand } from './haproxy';

const execFileAsync = promisify(execFile);

/**
 * One HAProxy process per proxied service and environment. Adding, changing or removing one
 * service starts, replaces or stops its own process and never reloads another's, so other
 * services' keep-alive connections, runtime weights and the stack's health check never see a
 * reload. Each process runs detached (`-D`) and so outlives the worker that started it;
 * everything about it is recovered from its directory: configuration, pid file, admin socket and
 * a server-state file that carries runtime addresses, weights and states across its restarts.
 */
export interface HaproxyInstance {
  name: string;
  dir: string;
  config: string;
  pidFile: string;
  adminSocket: string;
  stateFile: string;
}

/** Unix socket paths are limited to ~107 bytes, so a long name is cut and made unique by a hash. */
const MAX_NAME = 32;

export function haproxyInstance(runDir: string, name: string): HaproxyInstance {
  const safe = name.replace(/[^a-zA-Z0-9_.-]/g, '_');
  const dirName = safe.length <= MAX_NAME ? safe : `${safe.slice(0, MAX_NAME - 9)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  const dir = join(runDir, dirName);
  return { name, dir, config: join(dir, 'haproxy.cfg'), pidFile: join(dir, 'haproxy.pid'), adminSocket: join(dir, 'admin.sock'), stateFile: join(dir, 'server-state') };
}

/** The lines every instance's configuration starts with: its admin socket and state file. */
export function instanceGlobals(instance: HaproxyInstance): string[] {
  return [
    'global',
    // expose-fd lets a replacement process take the listening sockets over (-x): no refused connection.
    `  stats socket ${instance.adminSocket} mode 600 level admin expose-fd listeners`,
    '  stats timeout 30s',
    // Linux would let two processes share a port with SO_REUSEPORT and split its traffic at
    // random: a port already taken must fail the start instead.
    '  noreuseport',
    `  server-state-file ${instance.stateFile}`,
    '',
  ];
}

export function findHaproxy(env: NodeJS.ProcessEnv = process.env): string {
  const found = locateExecutable('haproxy', env);
  if (!found) throw new Error('haproxy is not installed (Debian package haproxy)');
  return found;
}

/** The instance's pid, when its pid file names a live HAProxy (a reused pid is not ours). */
export async function instancePid(instance: HaproxyInstance): Promise<number | undefined> {
  const raw = await readFile(instance.pidFile, 'utf8').catch(() => '');
  const pid = Number(raw.trim().split(/\s+/)[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // `/proc/<pid>/stat` is "pid (comm) state ...": ours is a haproxy that is not a zombie.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return /^\d+ \(haproxy\) [^Z]/.test(stat) ? pid : undefined;
}

export async function instanceAnswers(instance: HaproxyInstance): Promise<boolean> {
  try {
    return /^Name: HAProxy/m.test(await haproxyCommand(instance.adminSocket, 'show info', 1000));
  } catch {
    return false;
  }
}

/** The save of each state file in flight in this process (see saveServerState). */
const saving = new Map<string, Promise<void>>();

/**
 * Writes `show servers state` to the state file atomically, for the next process to load. Saves
 * of one instance run one after the other: a fleet's hosts change their servers side by side, and
 * two saves at once would share the temporary file (one rename finds it gone) or let an older
 * snapshot land last.
 */
export function saveServerState(instance: HaproxyInstance): Promise<void> {
  const next = (saving.get(instance.stateFile) ?? Promise.resolve()).catch(() => undefined).then(() => writeServerState(instance));
  saving.set(instance.stateFile, next);
  const forget = () => {
    if (saving.get(instance.stateFile) === next) saving.delete(instance.stateFile);
  };
  next.then(forget, forget);
  return next;
}

async function writeServerState(instance: HaproxyInstance): Promise<void> {
  const text = await haproxyCommand(instance.adminSocket, 'show servers state');
  const body =
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .join('\n') + '\n';
  await writeFile(`${instance.stateFile}.tmp`, body);
  await rename(`${instance.stateFile}.tmp`, instance.stateFile);
}

export class HaproxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HaproxyConfigError';
  }
}

/**
 * Makes the instance run `content`: nothing happens when it already does; a stopped instance is
 * started; a running one with other content is replaced seamlessly (the new process takes the
 * listening sockets over and the old one finishes its connections). Invalid content or a
 * process that cannot start (a port taken) leaves the previous configuration in place.
 */
export async function ensureInstance(instance: HaproxyInstance, content: string, binary = findHaproxy(), timeoutMs = 10000): Promise<void> {
  const current = await readFile(instance.config, 'utf8').catch(() => undefined);
  let running = await instancePid(instance);
  const answers = running !== undefined && (await instanceAnswers(instance));
  if (current === content && answers) return;
  if (running !== undefined && !answers) {
    // Alive but deaf (stuck, or dying): nothing to hand over; a fresh process replaces it.
    await killAndWait(instance, running);
    running = undefined;
  }

  await mkdir(instance.dir, { recursive: true });
  const staged = `${instance.config}.new`;
  await writeFile(staged, content);
  try {
    await execFileAsync(binary, ['-c', '-q', '-f', staged]);
  } catch (err) {
    await rm(staged, { force: true });
    throw new HaproxyConfigError(`HAProxy configuration for ${instance.name} is invalid: ${failureText(err)}`);
  }
  // The state file must exist for `server-state-file` (an empty one is fine).
  await writeFile(instance.stateFile, '', { flag: 'a' });
  if (running !== undefined) await saveServerState(instance).catch(() => undefined);
  if (current !== undefined) await copyFile(instance.config, `${instance.config}.prev`);
  await rename(staged, instance.config);

  const takeover = running !== undefined ? ['-x', instance.adminSocket, '-sf', String(running)] : [];
  try {
    await execFileAsync(binary, ['-D', '-p', instance.pidFile, '-f', instance.config, ...takeover]);
  } catch (err) {
    if (current !== undefined) await rename(`${instance.config}.prev`, instance.config);
    else await rm(instance.config, { force: true });
    throw new HaproxyConfigError(`HAProxy for ${instance.name} did not start: ${failureText(err)}`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = await instancePid(instance);
    if (pid !== undefined && pid !== running && (await instanceAnswers(instance))) return;
    if (Date.now() > deadline) throw new Error(`HAProxy for ${instance.name} did not answer on ${instance.adminSocket} within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/**
 * Stops the instance: a soft stop first (listeners close, in-flight requests finish), a hard
 * one after `graceMs`; then its directory goes. Absent is fine.
 */
export async function removeInstance(instance: HaproxyInstance, graceMs = 5000): Promise<void> {
  const pid = await instancePid(instance);
  if (pid !== undefined) {
    signal(pid, 'SIGUSR1');
    const deadline = Date.now() + graceMs;
    while ((await instancePid(instance)) === pid && Date.now() < deadline) await sleep(25);
    if ((await instancePid(instance)) === pid) await killAndWait(instance, pid);
  }
  await rm(instance.dir, { recursive: true, force: true });
}

async function killAndWait(instance: HaproxyInstance, pid: number): Promise<void> {
  signal(pid, 'SIGKILL');
  while ((await instancePid(instance)) === pid) await sleep(25);
}

/** Every instance under a run directory (for `sluice dev down`). */
export async function listInstances(runDir: string): Promise<HaproxyInstance[]> {
  const entries = await readdir(runDir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => haproxyInstance(runDir, e.name));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function failureText(err: unknown): string {
  const e = err as { stderr?: string; message: string };
  return (e.stderr?.trim() || e.message).split('\n').slice(0, 6).join('\n');
}
