import { mkdirSync } from 'node:fs';
import { logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { spawnDaemon } from '../process';
import { loadKubeStackConfig, requireBinary, type KubeStackConfig } from './kube-config';

export function etcdClientUrl(kube: KubeStackConfig): string {
  return `http://127.0.0.1:${kube.etcd.clientPort}`;
}

export function etcdHealthy(kube: KubeStackConfig): Promise<boolean> {
  return httpOk(`${etcdClientUrl(kube)}/health`, { looksRight: (a) => /"health":\s*"true"/.test(a.body) });
}

/** A single-member etcd on loopback: the API server's store. */
export const etcdComponent: Component = {
  name: 'etcd',
  readyTimeoutMs: 30000,
  url: (config) => etcdClientUrl(loadKubeStackConfig(config)),
  ports: (config) => {
    const kube = loadKubeStackConfig(config);
    return [kube.etcd.clientPort, kube.etcd.peerPort];
  },
  healthy: (config) => etcdHealthy(loadKubeStackConfig(config)),
  async start(config) {
    const kube = loadKubeStackConfig(config);
    const bin = requireBinary(kube.bins.etcd, `etcd ${kube.versions.etcd}`);
    mkdirSync(kube.etcd.dataDir, { recursive: true, mode: 0o700 });
    const client = etcdClientUrl(kube);
    const peer = `http://127.0.0.1:${kube.etcd.peerPort}`;
    const args = [
      '--name=sluice',
      `--data-dir=${kube.etcd.dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=sluice=${peer}`,
      '--initial-cluster-state=new',
      // A throwaway dev/test cluster on a shared disk: durability across power loss is not worth
      // an fsync per write, which would make every rollout step wait on the disk.
      '--unsafe-no-fsync',
      '--quota-backend-bytes=2147483648',
      '--log-level=warn',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'etcd'), pidFile: pidFile(config, 'etcd') });
  },
};
