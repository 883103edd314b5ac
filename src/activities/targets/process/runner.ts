import { z } from 'zod';
import { RecordedConfig } from '../recorded-config';

/**
 * What runs the process target's instances: one process per slot, recorded with what the target
 * needs to read its state back from the world (version, port, generation, config hash). Two
 * runners: the pid-file one (pidfile.ts), where no supervisor is wanted, and supervisord
 * (supervisord.ts), which restarts a crashed process with no release involved.
 */
export const ProcessRecord = z.object({
  /** 0 when the runner knows the slot but no process runs in it (stopped, crashed, backing off). */
  pid: z.number().int().min(0),
  /** Tells two processes with the same pid apart (a start time); '' when unknown. */
  startTime: z.string(),
  binary: z.string(),
  slot: z.string(),
  version: z.string(),
  port: z.number().int(),
  generation: z.number(),
  configHash: z.string(),
  workflowId: z.string(),
  /** The release's configuration (version and plain values, no secret values); absent without one. */
  config: RecordedConfig.optional(),
  /** Where the process's stdout and stderr go. */
  log: z.string(),
});
export type ProcessRecord = z.infer<typeof ProcessRecord>;

export interface ProcessState {
  record: ProcessRecord;
  alive: boolean;
}

export type StartInput = Omit<ProcessRecord, 'pid' | 'startTime' | 'log'> & { env: Record<string, string> };

export interface ProcessRunner {
  /** Every slot this runner knows for the scope, alive or not. */
  list(): Promise<ProcessState[]>;
  /** Runs `binary` in the input's slot (replacing what the slot had) and returns its record. */
  start(input: StartInput): Promise<ProcessRecord>;
  /** Stops the record's process (TERM, KILL after timeoutMs) and forgets the slot, unless a newer start replaced it. Idempotent. */
  stop(record: ProcessRecord, timeoutMs: number): Promise<void>;
}

/** One log per version and slot, in the target's state dir. */
export function logName(version: string, slot: string): string {
  return `${version.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${slot}.log`;
}
