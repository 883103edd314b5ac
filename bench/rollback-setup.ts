/**
 * Shared setup of the rollback-latency and zero-loss benchmarks: a unique service on the docker
 * (default) or process target behind its own HAProxy frontend, two releases of the example Go
 * service, and a cleanup that removes every container, process and fragment it made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeployActivities } from '../src/activities/deploy';
import { createRouter } from '../src/activities/routers/registry';
import { createTarget } from '../src/activities/targets/registry';
import type { DeployPort, TargetRef } from '../src/domain/ports';
import type { Release } from '../src/domain/release';
import { adapterConfig, dockerClient, uniqueName } from '../test/helpers/stack';
import { FAST_STOP_ENV, freePortBlock, quiet, release, serviceBinary, serviceImage } from '../test/targets/fixtures';

export interface BenchRig {
  ref: TargetRef & { workflowId: string };
  acts: DeployPort;
  v1: Release;
  v2: Release;
  proxyUrl: string;
  cleanup(): Promise<void>;
}

export async function rig(kind: 'docker' | 'process', name: string): Promise<BenchRig> {
  const service = uniqueName(name);
  const base = await freePortBlock(6);
  const docker = dockerClient();
  const stateDir = kind === 'process' ? await mkdtemp(join(tmpdir(), 'sluice-bench-')) : undefined;
  const settings = { basePort: base, env: FAST_STOP_ENV, ...(kind === 'docker' ? { stopTimeoutSec: 10 } : { stateDir, stopTimeoutMs: 10000 }) };
  const ref = {
    service,
    environment: 'bench',
    target: { kind, settings },
    router: { kind: 'haproxy' as const, settings: { listenPort: base + 5 } },
    workflowId: `bench/${service}`,
  };
  const [a1, a2] =
    kind === 'docker'
      ? await Promise.all([serviceImage(docker, 'sluice-bench', '3.0.0+eee5555'), serviceImage(docker, 'sluice-bench', '3.1.0+fff6666')])
      : await Promise.all([serviceBinary('3.0.0+eee5555'), serviceBinary('3.1.0+fff6666')]);
  const artifact = (a: string) => (kind === 'docker' ? { imageRef: a } : { binaryPath: a });
  const acts = createDeployActivities({ config: { ...adapterConfig, docker }, logger: quiet });
  return {
    ref,
    acts,
    v1: release(service, '3.0.0+eee5555', artifact(a1)),
    v2: release(service, '3.1.0+fff6666', artifact(a2)),
    proxyUrl: `http://127.0.0.1:${base + 5}/`,
    async cleanup() {
      const target = createTarget(kind, settings, { ...adapterConfig, docker });
      for (const i of await target.instances(ref)) await target.removeInstance(ref, i);
      await createRouter('haproxy', ref.router.settings, adapterConfig).remove(ref);
      if (stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
