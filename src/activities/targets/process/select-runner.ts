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
  stateDir: string;
  scope: TargetScope;
  stopTimeoutMs: number;
}): ProcessRunner {
  const choice = opts.chosen ?? opts.fallback ?? { kind: 'pidfile' };
  switch (choice.kind) {
    case 'pidfile':
      return new PidFileRunner(opts.stateDir);
    case 'supervisord': {
      const host = opts.fallback?.kind === 'supervisord' ? opts.fallback : undefined;
      const socket = choice.socket ?? host?.socket;
      if (!socket) {
        throw badInput(ErrorType.InvalidTargetSettings, 'process target: supervisor.kind supervisord needs a socket (in target.settings.supervisor or the worker configuration)');
      }
      const programsDir = choice.programsDir ?? (choice.socket ? undefined : host?.programsDir) ?? programsDirOfSocket(socket);
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
