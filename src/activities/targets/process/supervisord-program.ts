import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ErrorType, badInput } from '../../../domain/errors';
import { safeName } from '../settings';
import { ProcessRecord } from './runner';

/**
 * One supervisord program section per slot, as a file in supervisord's include directory. The
 * file is also the slot's label on the world: its first line is a comment carrying what the
 * target reads back (service, environment, version, generation, config hash...), so a fresh
 * worker recovers everything from the file and supervisord, never from memory.
 */
export const ProgramLabels = ProcessRecord.omit({ pid: true, startTime: true }).extend({
  service: z.string(),
  environment: z.string(),
});
export type ProgramLabels = z.infer<typeof ProgramLabels>;

const LABEL_PREFIX = '; sluice-program ';

/**
 * The program's name: readable, unique per service, environment and slot (the hash tells apart
 * names that safeName maps to the same text), and free of the characters supervisord refuses.
 */
export function programName(service: string, environment: string, slot: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([service, environment]))
    .digest('hex')
    .slice(0, 6);
  return `sluice-${safeName(service, environment)}-${hash}-${slot}`;
}

export interface ProgramSpec {
  labels: ProgramLabels;
  env: Record<string, string>;
  stopTimeoutMs: number;
}

export function renderProgram(name: string, spec: ProgramSpec): string {
  const { labels } = spec;
  return [
    `${LABEL_PREFIX}${JSON.stringify(labels)}`,
    `[program:${name}]`,
    `command=${quoteCommand(labels.binary)}`,
    `environment=${renderEnvironment(spec.env)}`,
    // Started when added and whenever supervisord itself starts (a host reboot brings it back).
    'autostart=true',
    // Any exit that was not asked for is restarted: the point of running under a supervisor.
    'autorestart=true',
    // A process that dies within a second of its start is a failed start: retried 3 times, then FATAL.
    'startsecs=1',
    'startretries=3',
    'stopsignal=TERM',
    `stopwaitsecs=${Math.max(1, Math.ceil(spec.stopTimeoutMs / 1000))}`,
    'stopasgroup=true',
    'killasgroup=true',
    `stdout_logfile=${escapePercent(logPath(labels.log))}`,
    'redirect_stderr=true',
    'stdout_logfile_maxbytes=10MB',
    'stdout_logfile_backups=2',
    '',
  ].join('\n');
}

/** The labels of a program file, or undefined when it is not one of ours. */
export function parseProgramLabels(text: string): ProgramLabels | undefined {
  const first = text.split('\n', 1)[0] ?? '';
  if (!first.startsWith(LABEL_PREFIX)) return undefined;
  try {
    return ProgramLabels.parse(JSON.parse(first.slice(LABEL_PREFIX.length)));
  } catch {
    return undefined;
  }
}

// supervisord expands %(name)s in every value: a literal % is written %%.
function escapePercent(value: string): string {
  return value.replace(/%/g, '%%');
}

/**
 * supervisord's configuration parser ends a value at an inline comment (`;` or `#` after
 * whitespace) and at a line break, so such text cannot be written into a program file.
 */
function refuseUnwritable(what: string, value: string): void {
  if (/\s[;#]|[\n\r]/.test(value)) throw badInput(ErrorType.InvalidTargetSettings, `${what} cannot be written into a supervisord program (line break, or ; or # after a space)`);
}

function logPath(path: string): string {
  refuseUnwritable(`log path ${JSON.stringify(path)}`, path);
  return path;
}

function quoteCommand(binary: string): string {
  // The command is split like a POSIX shell line; a path with quotes or newlines is refused.
  refuseUnwritable(`binary path ${JSON.stringify(binary)}`, binary);
  if (/["\\]/.test(binary)) throw badInput(ErrorType.InvalidTargetSettings, `binary path ${JSON.stringify(binary)} cannot be written into a supervisord program`);
  return `"${escapePercent(binary)}"`;
}

/**
 * supervisord reads `environment=` with Python's shlex in non-POSIX mode: a value is quoted to
 * keep commas and `#`, quotes are not escapable, and leading or trailing quote characters are
 * stripped. Values that cannot survive that are refused rather than silently changed.
 */
function renderEnvironment(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw badInput(ErrorType.InvalidTargetSettings, `environment name ${JSON.stringify(key)} cannot be passed through supervisord`);
      refuseUnwritable(`the value of ${key}`, value);
      const quote = value.includes('"') ? "'" : '"';
      if (value.includes(quote) || /^['"]|['"]$/.test(value)) {
        throw badInput(ErrorType.InvalidTargetSettings, `the value of ${key} cannot be passed through supervisord (quotes or newlines)`);
      }
      return `${key}=${quote}${escapePercent(value)}${quote}`;
    })
    .join(',');
}
