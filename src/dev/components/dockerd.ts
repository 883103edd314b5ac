import { mkdirSync, rmSync } from 'node:fs';
import type { StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { livePid, spawnDaemon } from '../process';

/**
 * The flags of a private engine (the stack's, and each simulated host's in docker-host.ts): its
 * own socket, data root, exec root and pid file; no bridge and no iptables, so containers share
 * the host network and bind loopback; dockerd starts a containerd of its own under the exec root
 * (a system containerd is never shared), in its own namespace.
 */
export function privateEngineArgs(engine: { socket: string; dataRoot: string; execRoot: string; pidFile: string; namespace: string }): string[] {
  return [
    '--host',
    `unix://${engine.socket}`,
    '--data-root',
    engine.dataRoot,
    '--exec-root',
    engine.execRoot,
    '--pidfile',
    engine.pidFile,
    '--bridge=none',
    '--iptables=false',
    '--ip6tables=false',
    '--storage-driver',
    'overlay2',
    '--containerd-namespace',
    engine.namespace,
    '--containerd-plugins-namespace',
    `${engine.namespace}-plugins`,
  ];
}

/**
 * A private Docker engine: its own socket, data root and exec root, so it never touches a
 * system engine. No bridge and no iptables: containers share the host network and bind loopback.
 */
export const dockerdComponent: Component = {
  name: 'dockerd',
  readyTimeoutMs: 60000,
  url: (config) => `unix://${config.docker.socket}`,
  ports: () => [],
  healthy: (config) => httpOk('http://docker/_ping', { socketPath: config.docker.socket, looksRight: (a) => a.headers['api-version'] !== undefined }),
  async start(config) {
    const bin = findExecutable('dockerd', `Docker engine (Debian package docker.io); ${BOOTSTRAP_HINT}`);
    for (const dir of [config.docker.dataRoot, config.docker.execRoot]) mkdirSync(dir, { recursive: true });
    // A socket or pid file left by a killed engine would make dockerd refuse to start.
    if (livePid(config.docker.pidFile) === undefined) {
      rmSync(config.docker.pidFile, { force: true });
      rmSync(config.docker.socket, { force: true });
    }
    const args = privateEngineArgs({ ...config.docker, namespace: 'sluice' });
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'dockerd'), pidFile: pidFile(config, 'dockerd') });
  },
  async afterStop(config: StackConfig) {
    rmSync(config.docker.socket, { force: true });
  },
};
