/**
 * The composition root's side of the adapters: the embedded stack's addresses become the
 * adapters' configuration (the catalogue for spec validation is adapterCatalogue() in
 * src/activities/catalogue.ts).
 */
import type Docker from 'dockerode';
import type { AdapterConfig } from '../activities/config';
import type { StackConfig } from '../dev/config';
import { supervisordLayout } from '../lib/supervisord-instance';

export function adapterConfigFromStack(stack: StackConfig, extra: { docker?: Docker; dockerSocket?: string; env?: NodeJS.ProcessEnv } = {}): AdapterConfig {
  return {
    stateDir: stack.stateDir,
    dockerSocket: extra.dockerSocket ?? stack.docker.socket,
    haproxy: { runDir: stack.haproxy.servicesDir },
    // Known, not chosen: the process target uses it only when a spec asks for supervisord.
    supervisordSocket: supervisordLayout(stack.supervisord.dir).socket,
    ...(extra.docker ? { docker: extra.docker } : {}),
    ...(extra.env ? { env: extra.env } : {}),
  };
}
