/**
 * Wires every activity factory into the one object the worker registers, and checks at compile
 * time that the factories implement the ports the workflows call (src/domain/ports.ts).
 */
import type Docker from 'dockerode';
import { createBuildActivities } from '../activities/build';
import { createLoadActivities } from '../activities/load';
import { createMetricsActivities } from '../activities/metrics';
import { createRegistryActivities } from '../activities/registry';
import type { BuildPort, DeployPort, RegistryPort, SluiceActivities } from '../domain/ports';
import type { PinoLogger } from './logger';

export interface ActivityDeps {
  docker: Docker;
  /** Versioned binaries (process target) and their metadata. */
  artifactStore: string;
  prometheusUrl: string;
  /** Prometheus file-SD directory (canary/stable/baseline scrape targets). */
  prometheusTargetsDir: string;
  logger: PinoLogger;
  /**
   * Targets + router. TODO(targets engineer): replace with `createDeployActivities(deps)` from
   * src/activities/deploy once it lands; until then the worker runs with the deploy activities
   * given here, or with stand-ins that fail each call with a clear, non-retryable message.
   */
  deploy?: DeployPort;
  env?: NodeJS.ProcessEnv;
}

/** Fails loudly instead of letting Temporal retry a call that cannot work. */
function missingDeployActivities(): DeployPort {
  const missing = (name: string) => async () => {
    const { ApplicationFailure } = await import('@temporalio/common');
    throw ApplicationFailure.create({
      type: 'SluiceDeployActivitiesMissing',
      nonRetryable: true,
      message: `this worker has no deploy activities (${name}): src/activities/deploy is not wired into src/worker/activities.ts yet`,
    });
  };
  return {
    currentRelease: missing('currentRelease'),
    deployCandidate: missing('deployCandidate'),
    setTrafficWeight: missing('setTrafficWeight'),
    promoteCandidate: missing('promoteCandidate'),
    removeCandidate: missing('removeCandidate'),
    rollbackToRelease: missing('rollbackToRelease'),
    retireRelease: missing('retireRelease'),
    probeHealth: missing('probeHealth'),
  };
}

export function createSluiceActivities(deps: ActivityDeps) {
  const build = createBuildActivities({ docker: deps.docker, artifactStore: deps.artifactStore, logger: deps.logger });
  const registry = createRegistryActivities({ docker: deps.docker, artifactStore: deps.artifactStore, logger: deps.logger, env: deps.env });
  // Compile-time contract checks: a factory drifting from the port breaks the build here.
  const buildPort: BuildPort = build;
  const registryPort: RegistryPort = registry;
  const deploy: DeployPort = deps.deploy ?? missingDeployActivities();
  const metrics = createMetricsActivities({ prometheusUrl: deps.prometheusUrl, targetsDir: deps.prometheusTargetsDir });
  const load = createLoadActivities();
  const activities = { ...build, ...registry, ...deploy, ...metrics, ...load };
  void buildPort;
  void registryPort;
  return activities satisfies SluiceActivities;
}
