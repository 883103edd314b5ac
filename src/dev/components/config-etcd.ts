import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logFile, pidFile, type Component } from '../component';
import { portFromEnv, type StackConfig } from '../config';
import { httpOk } from '../probe';
import { spawnDaemon } from '../process';
import { loadKubeStackConfig, requireBinary } from './kube-config';

/**
 * The config centre (issue 16, docs/config.md): a single-member etcd of its own, apart from the
 * Kubernetes API server's, so `sluice config` and config releases never share a store (or its
 * compaction: the API server compacts its etcd every five minutes, which would erase config
 * history) with the control plane.
 *
 * It runs the etcd binary that scripts/bootstrap-kubernetes.sh builds and caches. That build is
 * part of the full bootstrap but not of a bootstrap with SLUICE_SKIP_KUBERNETES=1 (nor, after
 * issue 20, of the demo's), so the component is optional like supervisord: `sluice dev up --only
 * config-etcd` starts it, and when the binary is missing it says which script builds it.
 */
export interface ConfigEtcdSettings {
  clientPort: number;
  peerPort: number;
  dataDir: string;
}

export function configEtcdSettings(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): ConfigEtcdSettings {
  return {
    clientPort: portFromEnv(env, 'SLUICE_CONFIG_ETCD_PORT', 12389),
    peerPort: portFromEnv(env, 'SLUICE_CONFIG_ETCD_PEER_PORT', 12390),
    dataDir: join(stack.stateDir, 'config-etcd', 'data'),
  };
}

/** The client URL `sluice config` and the worker's config activities default to. */
export function configEtcdUrl(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${configEtcdSettings(stack, env).clientPort}`;
}

export const configEtcdComponent: Component = {
  name: 'config-etcd',
  readyTimeoutMs: 30000,
  url: (config) => configEtcdUrl(config),
  ports: (config) => {
    const settings = configEtcdSettings(config);
    return [settings.clientPort, settings.peerPort];
  },
  healthy: (config) => httpOk(`${configEtcdUrl(config)}/health`, { looksRight: (a) => /"health":\s*"true"/.test(a.body) }),
  async start(config) {
    const kube = loadKubeStackConfig(config);
    const bin = requireBinary(kube.bins.etcd, `etcd ${kube.versions.etcd}, which the config centre runs`);
    const settings = configEtcdSettings(config);
    mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
    const client = configEtcdUrl(config);
    const peer = `http://127.0.0.1:${settings.peerPort}`;
    const args = [
      '--name=sluice-config',
      `--data-dir=${settings.dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=sluice-config=${peer}`,
      '--initial-cluster-state=new',
      // No auto-compaction: old revisions are the config history (`sluice config history`).
      // A throwaway dev store on a shared disk: no fsync per write (as the Kubernetes etcd).
      '--unsafe-no-fsync',
      '--quota-backend-bytes=268435456',
      '--log-level=warn',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'config-etcd'), pidFile: pidFile(config, 'config-etcd') });
  },
};
