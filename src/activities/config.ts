import type Docker from 'dockerode';
import type { HaproxyRouter } from './routers/haproxy';

/**
 * Where the shared services the adapters use live (Docker engine, process state, HAProxy), as
 * configuration: the composition roots (src/worker, the CLI, tests) read the embedded stack's
 * settings and pass them in; no adapter reads them itself.
 */
export interface AdapterConfig {
  /** Root of the process target's pid files, logs and kept binaries (<root>/processes/...). */
  stateDir: string;
  /** Docker engine socket of the docker target, unless a spec's target.settings.socket names another. */
  dockerSocket: string;
  /** A Docker client for `dockerSocket` to share (the worker's); one per socket is made otherwise. */
  docker?: Docker;
  /** What the HAProxy router needs to reach the shared HAProxy (admin socket, conf dir). */
  haproxy: NonNullable<ConstructorParameters<typeof HaproxyRouter>[1]>;
  /** Environment the Kubernetes target reads its kubeconfig location from (default process.env). */
  env?: NodeJS.ProcessEnv;
}
