/**
 * Wires every activity factory into the one object the worker registers, and checks at compile
 * time that the factories implement the ports the workflows call (src/domain/ports.ts).
 */
import type Docker from 'dockerode';
import { APPROVER_KEYS_ENV, createApprovalActivities } from '../activities/approvals';
import { createBuildActivities } from '../activities/build';
import { createConfigActivities } from '../activities/config-sources';
import { createDeployActivities } from '../activities/deploy';
import { createFleetActivities } from '../activities/fleet';
import { createLoadActivities } from '../activities/load';
import { createMetricsActivities } from '../activities/metrics';
import { createNotifyActivities } from '../activities/notify';
import { createRegistryActivities } from '../activities/registry';
import { createWorkflowsActivities } from '../activities/workflows';
import type { Registry } from 'prom-client';
import type { ApprovalPort } from '../domain/approval';
import type { NotifyPort } from '../domain/notifications';
import type { BuildPort, ConfigPort, DeployPort, FleetPort, InstancesPort, PromotionPort, RegistryPort, SluiceActivities, WorkflowsPort, RolloutPort } from '../domain/ports';
import type { AdapterConfig, DockerEngine } from '../activities/config';
import { loadStackConfig, temporalUiUrl, type StackConfig } from '../dev/config';
import { adapterConfigFromStack } from './adapters';
import { createNotificationMetrics } from './notification-metrics';
import type { PinoLogger } from './logger';

export interface ActivityDeps {
  docker: Docker;
  /** Versioned binaries (process target) and their metadata. */
  artifactStore: string;
  prometheusUrl: string;
  /** Prometheus file-SD directory (canary/stable/baseline scrape targets). */
  prometheusTargetsDir: string;
  logger: PinoLogger;
  /** Targets + router; default: createDeployActivities over the target and router registries. */
  deploy?: DeployPort & PromotionPort;
  /** The embedded stack whose addresses the adapters get (default: loadStackConfig(env)). */
  stack?: StackConfig;
  /** The Docker socket `docker` talks to (the docker target's default); default the stack's. */
  dockerSocket?: string;
  /** The docker target's default engine when it is not `dockerSocket` (DOCKER_HOST, dockerEngineFromEnv). */
  dockerEngine?: DockerEngine;
  /** The adapters' configuration, when not derived from `stack`. */
  adapters?: AdapterConfig;
  env?: NodeJS.ProcessEnv;
  /** Build arguments every image build gets unless the spec sets them (e.g. locally made BUILDER_IMAGE / RUNTIME_IMAGE). */
  defaultBuildArgs?: Record<string, string>;
  /** The worker's prom-client registry (src/worker/metrics.ts): sluice_notifications_total goes there. */
  metricsRegistry?: Registry;
  /** Temporal Web UI base URL for links in notifications; default SLUICE_UI_URL, else the stack's. */
  uiUrl?: string;
}

/** BUILDER_IMAGE / RUNTIME_IMAGE from SLUICE_BUILDER_IMAGE / SLUICE_RUNTIME_IMAGE, for hosts that cannot pull the Dockerfile's defaults. */
export function buildArgsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    ...(env.SLUICE_BUILDER_IMAGE ? { BUILDER_IMAGE: env.SLUICE_BUILDER_IMAGE } : {}),
    ...(env.SLUICE_RUNTIME_IMAGE ? { RUNTIME_IMAGE: env.SLUICE_RUNTIME_IMAGE } : {}),
  };
}

export function createSluiceActivities(deps: ActivityDeps) {
  const build = createBuildActivities({
    docker: deps.docker,
    artifactStore: deps.artifactStore,
    logger: deps.logger,
    defaultBuildArgs: deps.defaultBuildArgs ?? buildArgsFromEnv(deps.env),
  });
  const registry = createRegistryActivities({ docker: deps.docker, artifactStore: deps.artifactStore, logger: deps.logger, env: deps.env });
  // Compile-time contract checks: a factory drifting from the port breaks the build here.
  const buildPort: BuildPort = build;
  const registryPort: RegistryPort = registry;
  const adapters =
    deps.adapters ??
    adapterConfigFromStack(deps.stack ?? loadStackConfig(deps.env), {
      docker: deps.docker,
      ...(deps.dockerSocket ? { dockerSocket: deps.dockerSocket } : {}),
      ...(deps.dockerEngine ? { dockerEngine: deps.dockerEngine } : {}),
      ...(deps.env ? { env: deps.env } : {}),
    });
  const deploy: DeployPort & PromotionPort & Partial<RolloutPort> & Partial<InstancesPort> =
    deps.deploy ?? createDeployActivities({ config: adapters, logger: deps.logger, prometheusTargetsDir: deps.prometheusTargetsDir, pairStore: deps.artifactStore });
  const metrics = createMetricsActivities({ prometheusUrl: deps.prometheusUrl, targetsDir: deps.prometheusTargetsDir });
  const load = createLoadActivities();
  const env = deps.env ?? process.env;
  const notify: NotifyPort = createNotifyActivities({
    env,
    uiUrl: deps.uiUrl ?? env.SLUICE_UI_URL ?? temporalUiUrl(deps.stack ?? loadStackConfig(deps.env)),
    logger: deps.logger,
    ...(deps.metricsRegistry ? { recorder: createNotificationMetrics(deps.metricsRegistry) } : {}),
  });
  const workflows: WorkflowsPort = createWorkflowsActivities();
  const fleet: FleetPort = createFleetActivities(adapters, deps.prometheusTargetsDir);
  const config: ConfigPort = createConfigActivities({ etcdEndpoints: adapters.configCentre?.etcdEndpoints ?? [] });
  // Without SLUICE_APPROVER_KEYS approvals are taken by name, and the release log says so.
  const keysDir = env[APPROVER_KEYS_ENV];
  const approvals: ApprovalPort = createApprovalActivities(keysDir ? { keysDir } : {});
  const activities = { ...build, ...registry, ...deploy, ...metrics, ...load, ...notify, ...workflows, ...fleet, ...config, ...approvals };
  void buildPort;
  void registryPort;
  return activities satisfies SluiceActivities;
}
