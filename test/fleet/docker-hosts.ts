/**
 * The docker side of the fleet fixture: every simulated host gets its own dockerd
 * (src/dev/components/docker-host.ts: its own socket, data root, exec root and containerd), so
 * each agent drives an engine no other host sees, as on real machines. Agents reach their engine
 * over its unix socket; the TLS path of a remote engine is test/workflows/e2e-docker-tls.test.ts.
 */
import type Docker from 'dockerode';
import { dockerClientFor } from '../../src/activities/targets/docker/engine';
import { startDockerHost, stopDockerHost, type DockerHost } from '../../src/dev/components/docker-host';
import type { FleetHost } from '../../src/domain/fleet';
import { freePort, stack } from '../helpers/stack';
import { serviceImage } from '../targets/fixtures';

/** Starts one engine per host, side by side; an engine that fails stops the ones that started. */
export async function startHostEngines(hosts: readonly FleetHost[]): Promise<Map<string, DockerHost>> {
  const started = await Promise.allSettled(
    // startDockerHost also opens the engine's TLS port (on the host's own address); unused here.
    hosts.map(async (h) => startDockerHost({ stack, name: h.name, address: h.address, port: await freePort(h.address) })),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopHostEngines(hosts);
    throw failed.reason;
  }
  return new Map(started.map((s, i) => [hosts[i]!.name, (s as PromiseFulfilledResult<DockerHost>).value]));
}

/** The host engine's client, over its unix socket (what the agent gets with --docker-socket). */
export function hostDocker(engine: DockerHost): Docker {
  return dockerClientFor({ host: `unix://${engine.paths.socket}` });
}

/**
 * Every container on each host's engine removed (the engine is the fleet's alone), then each
 * engine stopped with its state (data root, keys) deleted. Safe on hosts whose engine never started.
 */
export async function stopHostEngines(hosts: readonly FleetHost[], engines?: ReadonlyMap<string, DockerHost>): Promise<void> {
  for (const h of hosts) {
    const engine = engines?.get(h.name);
    if (engine) {
      const docker = hostDocker(engine);
      const list = await docker.listContainers({ all: true }).catch(() => []);
      for (const c of list)
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
    await stopDockerHost(stack.stateDir, h.name, { removeState: true });
  }
}

/** The example service per version, built on the stack's engine and pushed to its registry; refs pinned by digest. */
export async function serviceImages(docker: Docker, service: string, versions: readonly string[]): Promise<Record<string, string>> {
  const refs: Record<string, string> = {};
  // One at a time: each may build a Go binary first, and the machine's cores are shared.
  for (const v of versions) refs[v] = await serviceImage(docker, service, v);
  return refs;
}
