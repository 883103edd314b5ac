import { programsDirOfSocket } from '../../../lib/supervisord-instance';
import { SupervisordClient } from '../../../lib/supervisord-rpc';
import { ErrorType, badInput } from '../../../domain/errors';
import type { TargetScope } from '../target';
import { PidFileRunner } from './pidfile';
import type { ProcessRunner } from './runner';
import type { ProcessSupervisor } from './supervisor-setting';
import { SupervisordRunner } from './supervisord';

/**
 * The runner for the process target's instances: `target.settings.supervisor` (chosen), else the
 * worker's or a host agent's AdapterConfig.processSupervisor (fallback), else pid files.
 */
export function createProcessRunner(opts: {
  chosen: ProcessSupervisor | undefined;
  fallback: ProcessSupervisor | undefined;
  /** The host's supervisord socket, for a supervisord choice that names none. */
  hostSocket: string | undefined;
  stateDir: string;
  scope: TargetScope;
  stopTimeoutMs: number;
}): ProcessRunner {
  const choice = opts.chosen ?? opts.fallback ?? { kind: 'pidfile' };
  switch (choice.kind) {
    case 'pidfile':
      return new PidFileRunner(opts.stateDir);
    case 'supervisord': {
      const fallback = opts.fallback?.kind === 'supervisord' && !choice.socket ? opts.fallback : undefined;
      const socket = choice.socket ?? fallback?.socket ?? opts.hostSocket;
      if (!socket) {
        throw badInput(
          ErrorType.InvalidTargetSettings,
          'process target: supervisor.kind supervisord names no socket, and the worker knows no supervisord of its host (AdapterConfig.supervisordSocket)',
        );
      }
      const programsDir = choice.programsDir ?? fallback?.programsDir ?? programsDirOfSocket(socket);
      return new SupervisordRunner({
        client: new SupervisordClient(socket),
        programsDir,
        logDir: `${opts.stateDir}/logs`,
        scope: opts.scope,
        stopTimeoutMs: opts.stopTimeoutMs,
      });
    }
    default: {
      const never: never = choice;
      throw new Error(`unknown process supervisor ${JSON.stringify(never)}`);
    }
  }
}
