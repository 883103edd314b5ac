/**
 * Temporal's worker, workflow and activity logs as pino JSON lines. The SDK attaches
 * workflowId, runId, activityType, taskQueue… as metadata on workflow and activity log calls, so
 * they land as fields on every line.
 */
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import pino from 'pino';

export type PinoLogger = pino.Logger;

export function createPinoLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): PinoLogger {
  const opts: pino.LoggerOptions = { name: options.name ?? 'sluice-worker', level: options.level ?? process.env.SLUICE_LOG_LEVEL ?? 'info', base: { pid: process.pid } };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts pino to the SDK's Logger interface (Runtime.install({ logger })). */
export function temporalLogger(logger: PinoLogger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    // Symbol keys (the SDK's LogTimestamp) are not JSON; pino drops them anyway.
    logger[LEVELS[level]](meta ?? {}, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
