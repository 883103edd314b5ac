import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { DockerTarget, LABEL } from '../../src/activities/targets/docker';
import { ProcessTarget } from '../../src/activities/targets/process';
import type { Target } from '../../src/activities/targets/target';
import type { DeployPort, TargetRef } from '../../src/domain/ports';
import { createDeployActivities } from '../../src/activities/deploy';
import { createRouter } from '../../src/activities/routers/registry';
import { adapterConfig, stack } from '../helpers/stack';
import { quiet } from '../targets/fixtures';

/**
 * What runs, read from the running instances themselves: a process's /proc/<pid>/environ, a
 * container's `docker inspect`, and the config version each target recorded on it.
 */
export interface RunningInstance {
  slot: string;
  version: string;
  port: number;
  env: Record<string, string>;
  /** The config version id the target recorded on the instance (pid-file field, container label). */
  configId: string | undefined;
}

export function parseEnv(lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

export async function runningProcesses(settings: Record<string, unknown>, stateRoot: string, service: string, environment: string): Promise<RunningInstance[]> {
  const target = new ProcessTarget(settings, stateRoot);
  const instances = (await target.instances({ service, environment, workflowId: 'test' })).filter((i) => i.running);
  return Promise.all(
    instances.map(async (i) => ({
      slot: i.slot,
      version: i.release.version,
      port: i.port,
      env: parseEnv((await readFile(`/proc/${i.id}/environ`, 'utf8')).split('\0')),
      configId: i.release.config?.version.id,
    })),
  );
}

export async function runningContainers(docker: Docker, service: string): Promise<RunningInstance[]> {
  const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABEL.service}=${service}`] }) });
  return Promise.all(
    containers.map(async (c) => {
      const info = await docker.getContainer(c.Id).inspect();
      const recorded = c.Labels[LABEL.releaseConfig];
      return {
        slot: c.Labels[LABEL.slot]!,
        version: c.Labels[LABEL.release]!,
        port: Number(c.Labels[LABEL.port]),
        env: parseEnv(info.Config.Env ?? []),
        configId: recorded ? (JSON.parse(recorded) as { version: { id: string } }).version.id : undefined,
      };
    }),
  );
}

/** The error rate the example service runs with, asked of the service itself. */
export async function faultOf(port: number): Promise<number> {
  return ((await (await fetch(`http://127.0.0.1:${port}/debug/fault`)).json()) as { errorRate: number }).errorRate;
}

/**
 * Retires every release that has instances of the service, each with the config the target
 * recorded on it: retireRelease stops the instances of one pair of build and config version.
 */
async function retireEverything(ref: TargetRef, target: Pick<Target, 'instances'>, deploy: Pick<DeployPort, 'retireRelease'>): Promise<void> {
  const instances = await target.instances({ service: ref.service, environment: ref.environment, workflowId: 'test' });
  for (const instance of instances) await deploy.retireRelease({ ...ref, release: instance.release }).catch(() => undefined);
}

/**
 * A suite's clean-up: each instance retired as its own release (config included), then the
 * router entry of the ref. The shared worker is stopped once, after every suite.
 */
export async function removeSuiteInstances(ref: TargetRef, docker: Docker): Promise<void> {
  const deploy = createDeployActivities({ config: { ...adapterConfig, docker }, logger: quiet, prometheusTargetsDir: stack.prometheus.targetsDir });
  await retireEverything(ref, targetOf(ref, docker, adapterConfig.stateDir), deploy);
  await createRouter(ref.router.kind, ref.router.settings, adapterConfig)
    .remove({ service: ref.service, environment: ref.environment })
    .catch(() => undefined);
}

/** The docker or process target of a test's ref, to read its instances back. */
function targetOf(ref: TargetRef, docker: Docker, stateRoot: string): Pick<Target, 'instances'> {
  return ref.target.kind === 'docker' ? new DockerTarget(docker, ref.target.settings) : new ProcessTarget(ref.target.settings, stateRoot);
}
