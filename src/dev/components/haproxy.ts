import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { haproxyCommand } from '../../lib/haproxy';
import { listInstances, removeInstance } from '../../lib/haproxy-instance';
import { spawnDaemon } from '../process';

/**
 * The stack's HAProxy: a stats page only. Each service's proxy is its own HAProxy process under
 * `servicesDir`, started by the HAProxy router, so adding or removing a service never reloads
 * this one (and its health check never sees a reload). Stopping the stack stops those too.
 */
function mainConfig(config: StackConfig): string {
  return [
    'global',
    `  stats socket ${config.haproxy.adminSocket} mode 600 level admin`,
    '  stats timeout 30s',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '',
    'frontend sluice-stats',
    `  bind 127.0.0.1:${config.haproxy.statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '  stats refresh 5s',
    '  http-request return status 200 content-type text/plain string ok if { path /healthz }',
    '',
  ].join('\n');
}

function configFile(config: StackConfig): string {
  return join(config.stateDir, 'haproxy', 'haproxy.cfg');
}

function writeConfig(config: StackConfig): void {
  mkdirSync(config.haproxy.servicesDir, { recursive: true });
  writeFileSync(configFile(config), mainConfig(config));
}

function haproxyArgs(config: StackConfig): string[] {
  return ['-f', configFile(config)];
}

export const haproxyComponent: Component = {
  name: 'haproxy',
  readyTimeoutMs: 20000,
  url: (config) => `http://127.0.0.1:${config.haproxy.statsPort}/stats (per-service proxies in ${config.haproxy.servicesDir})`,
  ports: (config) => [config.haproxy.statsPort],
  async healthy(config) {
    try {
      return /^Name: HAProxy/m.test(await haproxyCommand(config.haproxy.adminSocket, 'show info', 1000));
    } catch {
      return false;
    }
  },
  prepare: writeConfig,
  daemonArgs: haproxyArgs,
  async start(config) {
    const bin = findExecutable('haproxy', `HAProxy (Debian package haproxy); ${BOOTSTRAP_HINT}`);
    writeConfig(config);
    rmSync(config.haproxy.adminSocket, { force: true });
    spawnDaemon({ command: bin, args: haproxyArgs(config), logFile: logFile(config, 'haproxy'), pidFile: pidFile(config, 'haproxy') });
  },
  async afterStop(config) {
    rmSync(config.haproxy.adminSocket, { force: true });
    for (const instance of await listInstances(config.haproxy.servicesDir)) await removeInstance(instance);
  },
};
