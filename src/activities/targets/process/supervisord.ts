import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SupervisordFault, SupervisordRpcError, type SupervisordClient } from '../../../lib/supervisord-rpc';
import { ErrorType, badInput } from '../../../domain/errors';
import { sleepMs } from '../activity-context';
import type { TargetScope } from '../target';
import { logName, type ProcessRecord, type ProcessRunner, type ProcessState, type StartInput } from './runner';
import { parseProgramLabels, programName, renderProgram, type ProgramLabels } from './supervisord-program';

/** supervisord states in which the program's process exists and is meant to keep running. */
const ALIVE_STATES = new Set(['STARTING', 'RUNNING']);

export interface SupervisordRunnerOptions {
  client: SupervisordClient;
  /** supervisord's include directory (its `[include] files=<dir>/*.conf`). */
  programsDir: string;
  /** Where program logs go (the target's state dir). */
  logDir: string;
  scope: TargetScope;
  /** The program's stopwaitsecs: TERM, then KILL after this long. */
  stopTimeoutMs: number;
}

/**
 * Runs each slot as a supervisord program: one program file per slot in supervisord's include
 * directory, applied over XML-RPC (reloadConfig, add/removeProcessGroup, start/stopProcess). A
 * process that crashes is restarted by supervisord itself, with no release involved; the pid
 * and whether it runs always come from supervisord, never from a file of ours.
 */
export class SupervisordRunner implements ProcessRunner {
  constructor(private readonly o: SupervisordRunnerOptions) {}

  private name(slot: string): string {
    return programName(this.o.scope.service, this.o.scope.environment, slot);
  }

  private file(slot: string): string {
    return join(this.o.programsDir, `${this.name(slot)}.conf`);
  }

  private async labels(slot: string): Promise<ProgramLabels | undefined> {
    return parseProgramLabels(await readFile(this.file(slot), 'utf8').catch(() => ''));
  }

  async list(): Promise<ProcessState[]> {
    const names = await readdir(this.o.programsDir).catch(() => [] as string[]);
    const ours: ProgramLabels[] = [];
    for (const n of names.filter((f) => f.endsWith('.conf'))) {
      const labels = parseProgramLabels(await readFile(join(this.o.programsDir, n), 'utf8').catch(() => ''));
      if (labels && labels.service === this.o.scope.service && labels.environment === this.o.scope.environment && n === `${this.name(labels.slot)}.conf`) {
        ours.push(labels);
      }
    }
    if (ours.length === 0) return [];
    const infos = new Map((await this.o.client.allProcessInfo()).map((i) => [i.name, i]));
    return ours.map((labels) => {
      const info = infos.get(this.name(labels.slot));
      const alive = info !== undefined && info.pid > 0 && ALIVE_STATES.has(info.statename);
      return { record: toRecord(labels, alive ? info.pid : 0, alive ? String(info.start) : ''), alive };
    });
  }

  async start(input: StartInput): Promise<ProcessRecord> {
    const { env, ...rest } = input;
    const name = this.name(input.slot);
    await mkdir(this.o.logDir, { recursive: true });
    await mkdir(this.o.programsDir, { recursive: true });
    const labels: ProgramLabels = { ...rest, service: this.o.scope.service, environment: this.o.scope.environment, log: join(this.o.logDir, logName(input.version, input.slot)) };
    const file = this.file(input.slot);
    const text = renderProgram(name, { labels, env, stopTimeoutMs: this.o.stopTimeoutMs });
    const previous = await readFile(file, 'utf8').catch(() => undefined);
    if (previous !== text) await writeAtomically(file, text);
    const client = this.o.client;
    let diff: Awaited<ReturnType<SupervisordClient['reloadConfig']>>;
    try {
      diff = await client.reloadConfig();
    } catch (err) {
      // One unreadable file stops supervisord from rereading any program of any service: ours
      // goes back to what it was, and the release fails for good.
      if (err instanceof SupervisordRpcError && err.faultCode === SupervisordFault.CantReread && err.message.includes(file)) {
        if (previous === undefined) await rm(file, { force: true });
        else await writeAtomically(file, previous);
        throw badInput(ErrorType.InvalidTargetSettings, `supervisord cannot read the program of the ${input.slot} slot: ${err.message}`);
      }
      throw err;
    }
    if (diff.changed.includes(name)) {
      // A new command or environment for the slot: supervisord applies it by replacing the group.
      await client.stopProcess(name, this.o.stopTimeoutMs + 15000);
      await client.removeProcessGroup(name);
    }
    if (diff.added.includes(name) || diff.changed.includes(name)) await client.addProcessGroup(name);
    const info = await client.processInfo(name);
    if (!info || !ALIVE_STATES.has(info.statename)) await client.startProcess(name, false);
    // The pid exists from STARTING on; a program that cannot start ends in BACKOFF/FATAL with pid 0,
    // and the target's readiness check then reports it with its log.
    const deadline = Date.now() + 10000;
    for (;;) {
      const now = await client.processInfo(name);
      if (now && now.pid > 0 && ALIVE_STATES.has(now.statename)) return toRecord(labels, now.pid, String(now.start));
      if (!now || now.statename === 'FATAL' || Date.now() > deadline) return toRecord(labels, 0, '');
      await sleepMs(20);
    }
  }

  async stop(record: ProcessRecord, timeoutMs: number): Promise<void> {
    const current = await this.labels(record.slot);
    // A newer start in the slot wrote another program: it is not ours to stop.
    if (current && (current.configHash !== record.configHash || current.generation !== record.generation)) return;
    const name = this.name(record.slot);
    await this.o.client.stopProcess(name, timeoutMs + 15000);
    await this.o.client.removeProcessGroup(name);
    await rm(this.file(record.slot), { force: true });
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, file);
}

function toRecord(labels: ProgramLabels, pid: number, startTime: string): ProcessRecord {
  const { service: _s, environment: _e, ...record } = labels;
  return { ...record, pid, startTime };
}
