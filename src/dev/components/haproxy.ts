import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { haproxyCommand, type HaproxyFiles } from '../../lib/haproxy';
import { spawnDaemon } from '../process';

export function haproxyFiles(config: StackConfig): HaproxyFiles {
  return {
    mainConfig: join(config.stateDir, 'haproxy', 'haproxy.cfg'),
    confDir: config.haproxy.confDir,
    masterSocket: config.haproxy.masterSocket,
    adminSocket: config.haproxy.adminSocket,
  };
}

/**
 * The global part only. Each service's frontend and backend is a fragment in confDir written by
 * the HAProxy router; weights change through the admin socket without a reload.
 */
function mainConfig(config: StackConfig): string {
  return [
    'global',
    `  stats socket ${config.haproxy.adminSocket} mode 600 level admin expose-fd listeners`,
    '  stats timeout 30s',
    '  log stdout format raw local0 info',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlognull',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    // A request that hits a server being swapped out is retried on another one.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout',
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

export const haproxyComponent: Component = {
  name: 'haproxy',
  readyTimeoutMs: 20000,
  url: (config) => `http://127.0.0.1:${config.haproxy.statsPort}/stats (admin socket ${config.haproxy.adminSocket})`,
  ports: (config) => [config.haproxy.statsPort],
  async healthy(config) {
    try {
      const info = await haproxyCommand(config.haproxy.adminSocket, 'show info', 1000);
      await haproxyCommand(config.haproxy.masterSocket, 'show proc', 1000);
      return /^Name: HAProxy/m.test(info);
    } catch {
      return false;
    }
  },
  async start(config) {
    const bin = findExecutable('haproxy', `HAProxy (Debian package haproxy); ${BOOTSTRAP_HINT}`);
    const files = haproxyFiles(config);
    mkdirSync(config.haproxy.confDir, { recursive: true });
    writeFileSync(files.mainConfig, mainConfig(config));
    for (const socket of [config.haproxy.adminSocket, config.haproxy.masterSocket]) rmSync(socket, { force: true });
    // Master-worker mode in the foreground: the master CLI socket accepts `reload`.
    const args = ['-W', '-S', `${config.haproxy.masterSocket},mode,600`, '-f', files.mainConfig, '-f', files.confDir];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'haproxy'), pidFile: pidFile(config, 'haproxy') });
  },
  async afterStop(config) {
    for (const socket of [config.haproxy.adminSocket, config.haproxy.masterSocket]) rmSync(socket, { force: true });
  },
};
