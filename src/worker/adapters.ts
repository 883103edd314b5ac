/**
 * The composition root's side of the adapters: the embedded stack's addresses become the
 * adapters' configuration (the catalogue for spec validation is adapterCatalogue() in
 * src/activities/catalogue.ts).
 */
import type Docker from 'dockerode';
import type { AdapterConfig } from '../activities/config';
import type { StackConfig } from '../dev/config';

export function adapterConfigFromStack(stack: StackConfig, extra: { docker?: Docker; dockerSocket?: string; env?: NodeJS.ProcessEnv } = {}): AdapterConfig {
  return {
    stateDir: stack.stateDir,
    dockerSocket: extra.dockerSocket ?? stack.docker.socket,
    haproxy: { runDir: stack.haproxy.servicesDir },
    ...(extra.docker ? { docker: extra.docker } : {}),
    ...(extra.env ? { env: extra.env } : {}),
  };
}
