import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import type Docker from 'dockerode';
import pino from 'pino';
import { buildImage } from '../../src/activities/build/image';
import { ensureNodeBaseImages } from '../../src/activities/build/node-base-images';
import { prometheusUrl, registryAddress, temporalAddress } from '../../src/dev/config';
import { packageVersion } from '../../src/lib/paths';
import { repoRoot, stack } from '../helpers/stack';

/**
 * The worker image of this checkout (the Dockerfile at the repository root), built as a machine
 * without a registry builds it: on the stack's dockerd, from the local Node bases.
 */
export async function buildWorkerImage(docker: Docker, tag: string): Promise<{ image: string; timings: { basesMs: number; buildMs: number } }> {
  const started = Date.now();
  const bases = await ensureNodeBaseImages({ docker, packageDir: repoRoot() });
  const basesMs = Date.now() - started;
  const commit = headCommit();
  const built = await buildImage(
    { docker, logger: pino({ level: 'warn' }) },
    {
      contextDir: repoRoot(),
      // Never pushed: the registry host only satisfies the image-name rules.
      imageRepo: `${registryAddress(stack)}/sluice-worker`,
      version: { version: `${packageVersion()}+${commit.slice(0, 7)}`, imageTag: tag, commit },
      buildArgs: { NODE_IMAGE: bases.nodeImage, RUNTIME_IMAGE: bases.runtimeImage },
    },
  );
  return { image: built.image, timings: { basesMs, buildMs: built.durationMs } };
}

function headCommit(): string {
  try {
    return execFileSync('git', ['-C', repoRoot(), 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // A copy of the sources without git (an unpacked tarball) still builds.
    return '0000000';
  }
}

export interface WorkerContainerOptions {
  image: string;
  name: string;
  taskQueue: string;
  /** Host directories the worker reads at the same path (the release's git repository). */
  readOnly: string[];
  /** BUILDER_IMAGE / RUNTIME_IMAGE for the service's image builds. */
  buildImages: { builderImage: string; runtimeImage: string };
}

/**
 * `sluice worker` in a container, wired to the embedded stack as a worker on the host is:
 * - host networking, since every stack component and every service listens on loopback;
 * - the host's PID namespace, since the HAProxy router records the pids of the HAProxy processes
 *   it starts in the shared state dir, where host processes (`sluice dev down`, other workers)
 *   read them; a pid of the container's own namespace would name a different host process;
 * - the state dir at its own path (artifact store, HAProxy and Prometheus files, and dockerd's
 *   socket, for builds and for the docker target).
 * It runs as root here: the state dir and the docker socket are root's on this machine. The
 * image's own user is 65532 (docs/cli.md says how to give it the socket's group instead).
 */
/** The suite's payload keys (SLUICE_CODEC_KEYS_FILE, passed on above) are read at the same path. */
function codecKeysDir(): string[] {
  const file = process.env.SLUICE_CODEC_KEYS_FILE;
  return file ? [dirname(file)] : [];
}

export function createWorkerContainer(docker: Docker, opts: WorkerContainerOptions): Promise<Docker.Container> {
  const passed = Object.entries(process.env).filter(([name]) => name.startsWith('SLUICE_') || name.startsWith('TEMPORAL_'));
  const env: Record<string, string | undefined> = {
    // The stack's port overrides and the like, as the host's worker would see them.
    ...Object.fromEntries(passed),
    SLUICE_STATE_DIR: stack.stateDir,
    DOCKER_HOST: `unix://${stack.docker.socket}`,
    TEMPORAL_ADDRESS: temporalAddress(stack),
    TEMPORAL_NAMESPACE: stack.temporal.namespace,
    SLUICE_TASK_QUEUE: opts.taskQueue,
    SLUICE_PROMETHEUS_URL: prometheusUrl(stack),
    // Any free port: another worker may hold the default one.
    SLUICE_WORKER_METRICS_PORT: '0',
    SLUICE_BUILDER_IMAGE: opts.buildImages.builderImage,
    SLUICE_RUNTIME_IMAGE: opts.buildImages.runtimeImage,
  };
  return docker.createContainer({
    Image: opts.image,
    name: opts.name,
    User: '0:0',
    Env: Object.entries(env).map(([name, value]) => `${name}=${value ?? ''}`),
    Labels: { 'io.sluice.test': opts.name },
    // docker stop's grace period: draining must end well within it.
    StopTimeout: 30,
    HostConfig: {
      NetworkMode: 'host',
      PidMode: 'host',
      Binds: [`${stack.stateDir}:${stack.stateDir}`, ...[...opts.readOnly, ...codecKeysDir()].map((dir) => `${dir}:${dir}:ro`)],
    },
  });
}
