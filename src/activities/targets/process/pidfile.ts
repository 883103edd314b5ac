import { spawn } from 'node:child_process';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { sleepMs } from '../activity-context';
import { logName, ProcessRecord, type ProcessRunner, type ProcessState, type StartInput } from './runner';

/**
 * The runner for where no supervisor is wanted: a small process supervisor whose only memory is
 * its state directory: one pid file (JSON) per slot, one log per version and slot. A pid file is
 * believed only when /proc says that pid is still the same program started at the same time, so
 * a reused pid is never signalled. A crashed process stays down until a release starts it again.
 */
export const PidRecord = ProcessRecord.extend({
  pid: z.number().int().positive(),
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
  startTime: z.string(),
});
export type PidRecord = z.infer<typeof PidRecord>;

export class PidFileRunner implements ProcessRunner {
  constructor(private readonly dir: string) {}

  private pidFile(slot: string): string {
    return join(this.dir, 'run', `${slot}.json`);
  }

  async list(): Promise<ProcessState[]> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, 'run'));
    } catch {
      return [];
    }
    const out: ProcessState[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const record = PidRecord.parse(JSON.parse(await readFile(join(this.dir, 'run', name), 'utf8')));
        out.push({ record, alive: await isSameProcess(record) });
      } catch {
        // a torn or foreign file: not a process of ours
      }
    }
    return out;
  }

  /** Starts `binary` detached (it outlives this worker), records it, returns the record. */
  async start(input: StartInput): Promise<PidRecord> {
    await mkdir(join(this.dir, 'run'), { recursive: true });
    await mkdir(join(this.dir, 'logs'), { recursive: true });
    const log = join(this.dir, 'logs', logName(input.version, input.slot));
    const fh = await open(log, 'a');
    try {
      const { env: _env, ...labels } = input;
      const child = spawn(input.binary, [], {
        detached: true,
        stdio: ['ignore', fh.fd, fh.fd],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...input.env },
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      const pid = child.pid!;
      const record: PidRecord = { ...labels, pid, startTime: (await procStartTime(pid)) ?? '', log };
      const file = this.pidFile(input.slot);
      await writeFile(`${file}.tmp`, JSON.stringify(record));
      await rename(`${file}.tmp`, file);
      return record;
    } finally {
      await fh.close();
    }
  }

  /** SIGTERM to the process group, SIGKILL after `timeoutMs`; then forgets the pid file. */
  async stop(record: ProcessRecord, timeoutMs: number): Promise<void> {
    if (await isSameProcess(record)) {
      signalGroup(record.pid, 'SIGTERM');
      const deadline = Date.now() + timeoutMs;
      while ((await isSameProcess(record)) && Date.now() < deadline) await sleepMs(50);
      if (await isSameProcess(record)) {
        signalGroup(record.pid, 'SIGKILL');
        while (await isSameProcess(record)) await sleepMs(20);
      }
    }
    await this.forget(record);
  }

  async forget(record: ProcessRecord): Promise<void> {
    // Only remove the pid file if it still names this process (a newer start may have replaced it).
    try {
      const current = PidRecord.parse(JSON.parse(await readFile(this.pidFile(record.slot), 'utf8')));
      if (current.pid !== record.pid || current.startTime !== record.startTime) return;
    } catch {
      return;
    }
    await rm(this.pidFile(record.slot), { force: true });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function procStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the last ')' are fixed.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') return undefined; // a zombie has exited
    return rest[19];
  } catch {
    return undefined;
  }
}

/** The pid is alive, not a zombie, started when recorded and runs the recorded binary. */
export async function isSameProcess(record: ProcessRecord): Promise<boolean> {
  if (record.pid <= 0) return false;
  const start = await procStartTime(record.pid);
  if (start === undefined || (record.startTime !== '' && start !== record.startTime)) return false;
  try {
    const argv0 = (await readFile(`/proc/${record.pid}/cmdline`, 'utf8')).split('\0')[0];
    return argv0 === record.binary;
  } catch {
    return false;
  }
}
