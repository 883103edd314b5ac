/**
 * The composition root's side of the adapters: the embedded stack's addresses become the
 * adapters' configuration (the catalogue for spec validation is adapterCatalogue() in
 * src/activities/catalogue.ts).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import type { AdapterConfig, DockerEngine } from '../activities/config';
import { DockerEngineSettings } from '../activities/targets/docker/engine';
import { parseSettings } from '../activities/targets/settings';
import type { StackConfig } from '../dev/config';
import { configEtcdUrl } from '../dev/components/config-etcd';
import { ErrorType, badInput } from '../domain/errors';
import { supervisordLayout } from '../lib/supervisord-instance';

export function adapterConfigFromStack(
  stack: StackConfig,
  extra: { docker?: Docker; dockerSocket?: string; dockerEngine?: DockerEngine; env?: NodeJS.ProcessEnv } = {},
): AdapterConfig {
  return {
    stateDir: stack.stateDir,
    dockerSocket: extra.dockerSocket ?? stack.docker.socket,
    haproxy: { runDir: stack.haproxy.servicesDir },
    // Known, not chosen: the process target uses it only when a spec asks for supervisord.
    supervisordSocket: supervisordLayout(stack.supervisord.dir).socket,
    configCentre: { etcdEndpoints: configCentreEndpoints(stack, extra.env ?? process.env) },
    // Secret values for instances this worker (or agent) starts: SLUICE_SECRETS_DIR, then the environment.
    ...((extra.env ?? process.env).SLUICE_SECRETS_DIR ? { secretsDir: resolve((extra.env ?? process.env).SLUICE_SECRETS_DIR!) } : {}),
    ...(extra.docker ? { docker: extra.docker } : {}),
    ...(extra.dockerEngine ? { dockerEngine: extra.dockerEngine } : {}),
    ...(extra.env ? { env: extra.env } : {}),
  };
}

/**
 * The config centre's etcd client URLs: SLUICE_CONFIG_ETCD_ENDPOINTS (comma-separated) when set,
 * else the embedded stack's config-etcd (`sluice dev up --only config-etcd`).
 */
export function configCentreEndpoints(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env.SLUICE_CONFIG_ETCD_ENDPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return listed.length > 0 ? listed : [configEtcdUrl(stack, env)];
}

/**
 * Docker's own conventions for where the engine is, as the docker CLI reads them: DOCKER_HOST
 * (`unix:///path` or `tcp://addr:port`), DOCKER_TLS_VERIFY (any non-empty value turns TLS with
 * verification on) and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem; default ~/.docker).
 * Undefined when DOCKER_HOST is unset. A tcp host without DOCKER_TLS_VERIFY is refused
 * (SluiceInsecureDockerEngine): Sluice never drives an engine over plain tcp.
 */
export function dockerEngineFromEnv(env: NodeJS.ProcessEnv = process.env): DockerEngine | undefined {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return undefined;
  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  const certDir = resolve(env.DOCKER_CERT_PATH || join(env.HOME ?? homedir(), '.docker'));
  if (host.startsWith('tcp://') && !verify) {
    throw badInput(
      ErrorType.InsecureDockerEngine,
      `DOCKER_HOST=${host} is plain tcp, which Sluice refuses: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem)`,
    );
  }
  return parseSettings(DockerEngineSettings, host.startsWith('tcp://') ? { host, tls: { certDir } } : { host }, 'DOCKER_HOST');
}
