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
  /**
   * The docker target's default engine when it is not `dockerSocket`: a remote engine over TLS
   * (DOCKER_HOST / DOCKER_CERT_PATH / DOCKER_TLS_VERIFY, read by the composition root), or an
   * agent's own engine. A spec's target.settings.engine or .socket still wins.
   */
  dockerEngine?: DockerEngine;
  /** Where the HAProxy router keeps one HAProxy process per service + environment (HaproxyRouterDeps). */
  haproxy: { runDir: string; binary?: string };
  /** The config centre a spec's `config: { source: etcd }` reads when it names no endpoints (etcd client URLs). */
  configCentre?: { etcdEndpoints: string[] };
  /**
   * Where the targets read secret values when they start an instance (a release's
   * config.secrets): a directory with one file per name, looked at before `env`.
   */
  secretsDir?: string;
  /** Environment the Kubernetes target reads its kubeconfig location from, and the targets secret values (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Where a Docker engine listens: `unix:///path` or `tcp://<address>:<port>`. A tcp engine always
 * has `tls`: `certDir` holds ca.pem, cert.pem and key.pem (Docker's DOCKER_CERT_PATH layout);
 * the files are read when the client is made and never copied into settings, history or logs.
 * Validated by DockerEngineSettings (src/activities/targets/docker/engine.ts).
 */
export interface DockerEngine {
  host: string;
  tls?: { certDir: string };
}
