import { spawn } from 'node:child_process';
import { chmod, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { locateExecutable } from './executables';
import { SupervisordClient } from './supervisord-rpc';

/**
 * One supervisord per state directory, started and stopped by Sluice (never Debian's system
 * service): its own configuration, unix socket (in a 0700 directory), pid file, log and include
 * directory of program sections. The process target's supervisord runner writes one program file
 * per slot into `programsDir` and applies it over XML-RPC. A worker or an agent on a host, the
 * embedded stack and tests each start theirs here.
 */
export interface SupervisordLayout {
  dir: string;
  config: string;
  /** The XML-RPC unix socket; its directory is 0700, so only this user can drive supervisord. */
  socket: string;
  pidFile: string;
  logFile: string;
  /** The include directory: one `<program>.conf` per program. */
  programsDir: string;
}

export function supervisordLayout(dir: string): SupervisordLayout {
  return {
    dir,
    config: join(dir, 'supervisord.conf'),
    socket: join(dir, 'run', 'supervisord.sock'),
    pidFile: join(dir, 'run', 'supervisord.pid'),
    logFile: join(dir, 'supervisord.log'),
    programsDir: join(dir, 'programs'),
  };
}

/** The programs directory that belongs to a socket laid out by supervisordLayout. */
export function programsDirOfSocket(socket: string): string {
  return join(socket, '..', '..', 'programs');
}

export function supervisordConfig(layout: SupervisordLayout): string {
  return [
    '; written by Sluice (src/lib/supervisord-instance.ts); programs live in the include directory',
    '[unix_http_server]',
    `file=${layout.socket}`,
    'chmod=0700',
    '',
    '[supervisord]',
    // In the foreground: whoever starts it holds its pid (the dev stack, a test, an agent).
    'nodaemon=true',
    `logfile=${layout.logFile}`,
    'logfile_maxbytes=10MB',
    'logfile_backups=2',
    `pidfile=${layout.pidFile}`,
    `childlogdir=${layout.dir}`,
    'identifier=sluice',
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    '[supervisorctl]',
    `serverurl=unix://${layout.socket}`,
    '',
    '[include]',
    `files=${join(layout.programsDir, '*.conf')}`,
    '',
  ].join('\n');
}

export function findSupervisord(env: NodeJS.ProcessEnv = process.env): string {
  const found = locateExecutable('supervisord', env);
  if (!found) throw new Error('supervisord is not installed (Debian package supervisor; scripts/bootstrap.sh installs it)');
  return found;
}

/** Writes the layout's directories and configuration (0700 for the socket's directory). */
export async function writeSupervisordConfig(layout: SupervisordLayout): Promise<void> {
  await mkdir(layout.programsDir, { recursive: true });
  await mkdir(join(layout.socket, '..'), { recursive: true, mode: 0o700 });
  await chmod(join(layout.socket, '..'), 0o700);
  const tmp = `${layout.config}.${process.pid}.tmp`;
  await writeFile(tmp, supervisordConfig(layout));
  await rename(tmp, layout.config);
}

/**
 * The environment supervisord runs with, and so the base every program inherits: PATH only, as
 * the pid-file runner gives its processes, so no worker secret leaks into a service.
 */
export function supervisordEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin' };
}

/** True when a supervisord answers on the socket and is running (not starting or shutting down). */
export async function supervisordAnswers(socket: string): Promise<boolean> {
  try {
    return (await new SupervisordClient(socket).state()).statename === 'RUNNING';
  } catch {
    return false;
  }
}

/**
 * Starts the supervisord of `dir` (detached, it outlives the caller) unless one already answers
 * there, and waits until its XML-RPC answers. Returns the layout and the daemon's pid.
 */
export async function startSupervisord(dir: string, opts: { binary?: string; readyTimeoutMs?: number } = {}): Promise<SupervisordLayout & { pid: number }> {
  const layout = supervisordLayout(dir);
  await writeSupervisordConfig(layout);
  const client = new SupervisordClient(layout.socket);
  if (await supervisordAnswers(layout.socket)) return { ...layout, pid: await client.pid() };
  const log = await open(layout.logFile, 'a');
  let exited: string | undefined;
  try {
    const child = spawn(opts.binary ?? findSupervisord(), ['-c', layout.config], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: supervisordEnv(),
    });
    child.once('exit', (code, signal) => {
      exited = `supervisord exited (${signal ?? code}) before answering; see ${layout.logFile}`;
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
  } finally {
    await log.close();
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15000);
  for (;;) {
    if (await supervisordAnswers(layout.socket)) return { ...layout, pid: await client.pid() };
    if (exited) throw new Error(exited);
    if (Date.now() > deadline) throw new Error(`supervisord of ${dir} did not answer on ${layout.socket} in time; see ${layout.logFile}`);
    await sleep(50);
  }
}

/**
 * Shuts the supervisord of `dir` down (it stops every program first, each with its stopsignal
 * and stopwaitsecs) and waits until its process is gone. Nothing running is fine.
 */
export async function stopSupervisord(dir: string, timeoutMs = 60000): Promise<void> {
  const layout = supervisordLayout(dir);
  const pid = Number((await readFile(layout.pidFile, 'utf8').catch(() => '')).trim());
  try {
    await new SupervisordClient(layout.socket).shutdown();
  } catch {
    // not answering: the pid file (if any) decides below
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  const deadline = Date.now() + timeoutMs;
  while (await alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
}

async function alive(pid: number): Promise<boolean> {
  // A zombie (exited, not yet reaped by its parent) has stopped too.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}
