import Docker from 'dockerode';
import { loadStackConfig, type StackConfig } from '../../dev/config';
import { DockerTarget } from './docker';
import { TargetErrorType, targetFailure } from './errors';
import { ProcessTarget } from './process';
import type { Target } from './target';

/** Loopback targets by kind (kubernetes has its own deploy activities, see src/activities/deploy). */
export interface TargetDeps {
  stack?: StackConfig;
  /** A Docker client to use instead of one per socket (tests, the worker). */
  docker?: Docker;
}

export type TargetFactory = (settings: Record<string, unknown>, deps: Required<Pick<TargetDeps, 'stack'>> & TargetDeps) => Target;

const dockerClients = new Map<string, Docker>();

export const TARGETS = {
  docker: (settings, deps) => {
    const socket = typeof settings.socket === 'string' ? settings.socket : deps.stack.docker.socket;
    let docker = deps.docker;
    if (!docker) {
      docker = dockerClients.get(socket) ?? new Docker({ socketPath: socket });
      dockerClients.set(socket, docker);
    }
    return new DockerTarget(docker, settings);
  },
  process: (settings, deps) => new ProcessTarget(settings, deps.stack.stateDir),
} satisfies Record<string, TargetFactory>;

export type LoopbackTargetKind = keyof typeof TARGETS;

export function isLoopbackTargetKind(kind: string): kind is LoopbackTargetKind {
  return Object.hasOwn(TARGETS, kind);
}

export function createTarget(kind: string, settings: Record<string, unknown> | undefined, deps: TargetDeps = {}): Target {
  if (!isLoopbackTargetKind(kind)) throw targetFailure(TargetErrorType.UnknownKind, `unknown target kind "${kind}" (known: ${Object.keys(TARGETS).join(', ')})`);
  return TARGETS[kind](settings ?? {}, { ...deps, stack: deps.stack ?? loadStackConfig() });
}
