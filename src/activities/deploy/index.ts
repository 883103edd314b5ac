import type Docker from 'dockerode';
import pino from 'pino';
import { z } from 'zod';
import { loadStackConfig, type StackConfig } from '../../dev/config';
import type { DeployPort, TargetRef } from '../../domain/ports';
import { probeHealth } from '../health';
import { createRouter } from '../routers/registry';
import { TargetErrorType, targetFailure } from '../targets/errors';
import { createKubernetesDeployActivities, isKubernetesUrl } from '../targets/kubernetes-deploy';
import { createTarget } from '../targets/registry';
import { loopbackDeploy, scopeOf, type Bound } from './loopback';

export interface DeployActivityDeps {
  stack?: StackConfig;
  /** The worker's Docker client (docker target with the default socket). */
  docker?: Docker;
  logger?: pino.Logger;
  env?: NodeJS.ProcessEnv;
  /** Kubernetes deploy activities to use instead of the default ones (tests). */
  kubernetes?: DeployPort;
}

const Ref = z.object({
  service: z.string().min(1).max(100),
  environment: z.string().min(1).max(100),
  target: z.object({ kind: z.string().min(1), settings: z.record(z.string(), z.unknown()).default({}) }),
  router: z.object({ kind: z.string().min(1), settings: z.record(z.string(), z.unknown()).default({}) }).default({ kind: 'none', settings: {} }),
  workflowId: z.string().optional(),
});

/**
 * The deploy activities the workflows call (DeployPort), dispatching on the target kind to the
 * loopback targets (docker, process) + router or to the Kubernetes target. Adapters are cheap
 * and stateless, so each call builds its own from the call's plain-data settings.
 */
export function createDeployActivities(deps: DeployActivityDeps = {}): DeployPort {
  const stack = deps.stack ?? loadStackConfig(deps.env);
  const logger = deps.logger ?? pino({ name: 'sluice-deploy', level: process.env.SLUICE_LOG_LEVEL ?? 'info' });
  const kubernetes = deps.kubernetes ?? createKubernetesDeployActivities({ env: deps.env, probeHttp: probeHealth });

  const bind = (raw: TargetRef): Bound => {
    const parsed = Ref.safeParse(raw);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw targetFailure(TargetErrorType.InvalidSettings, `invalid deploy activity input: ${detail}`);
    }
    const input = parsed.data;
    return {
      target: createTarget(input.target.kind, input.target.settings, { stack, docker: deps.docker }),
      router: createRouter(input.router.kind, input.router.settings, stack),
      scope: scopeOf(input, input.workflowId),
      logger,
    };
  };
  const loopback = loopbackDeploy(bind);

  // Each activity: Kubernetes targets go to their own implementation, the rest to loopback.
  const pick = <K extends keyof Omit<DeployPort, 'probeHealth'>>(name: K): DeployPort[K] =>
    ((input: TargetRef) => (input.target?.kind === 'kubernetes' ? kubernetes[name] : loopback[name])(input as never)) as DeployPort[K];

  return {
    currentRelease: pick('currentRelease'),
    deployCandidate: pick('deployCandidate'),
    setTrafficWeight: pick('setTrafficWeight'),
    promoteCandidate: pick('promoteCandidate'),
    removeCandidate: pick('removeCandidate'),
    rollbackToRelease: pick('rollbackToRelease'),
    retireRelease: pick('retireRelease'),
    probeHealth: (input) => (isKubernetesUrl(input.url) ? kubernetes.probeHealth(input) : probeHealth(input)),
  };
}

export { probeHealth };
