import type Docker from 'dockerode';
import type { ProcessSupervisor } from './targets/process/supervisor-setting';

/**
 * Where the shared services the adapters use live (Docker engine, process state, HAProxy), as
 * configuration: the composition roots (src/worker, the CLI, tests) read the embedded stack's
 * settings and pass them in; no adapter reads them itself.
 */
export interface AdapterConfig {
  /** Root of the process target's pid files, logs and kept binaries (<root>/processes/...). */
  stateDir: string;
  /**
   * What runs the process target's instances unless a spec's target.settings.supervisor says
   * otherwise (pid files when unset). A host's agent names its own supervisord here.
   */
  processSupervisor?: ProcessSupervisor;
  /**
   * This host's supervisord (its XML-RPC unix socket), used when the chosen supervisor is
   * supervisord and names no socket: the embedded stack's, or an agent's own.
   */
  supervisordSocket?: string;
  /** Docker engine socket of the docker target, unless a spec's target.settings.socket names another. */
  dockerSocket: string;
  /** A Docker client for `dockerSocket` to share (the worker's); one per socket is made otherwise. */
  docker?: Docker;
  /** Where the HAProxy router keeps one HAProxy process per service + environment (HaproxyRouterDeps). */
  haproxy: { runDir: string; binary?: string };
  /** Environment the Kubernetes target reads its kubeconfig location from (default process.env). */
  env?: NodeJS.ProcessEnv;
}
