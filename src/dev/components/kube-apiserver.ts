import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logFile, pidFile, type Component } from '../component';
import { waitFor } from '../probe';
import { spawnDaemon } from '../process';
import { packageRoot } from '../../lib/paths';
import { etcdClientUrl, etcdHealthy } from './etcd';
import { apiserverUrl, loadKubeStackConfig, requireBinary } from './kube-config';
import { applyManifests } from './kube-apply';
import { ensurePki } from './kube-pki';
import { apiserverReady } from './kube-probe';

/** The Gateway API CRDs the project ships (deploy/gateway-api), applied on every `dev up`. */
export function gatewayApiCrdsFile(): string {
  return join(packageRoot(), 'deploy', 'gateway-api', 'standard-install.yaml');
}

export const kubeApiserverComponent: Component = {
  name: 'kube-apiserver',
  readyTimeoutMs: 120000,
  url: (config) => apiserverUrl(loadKubeStackConfig(config)),
  ports: (config) => [loadKubeStackConfig(config).apiserver.port],
  healthy: (config) => apiserverReady(loadKubeStackConfig(config)),
  async start(config) {
    const kube = loadKubeStackConfig(config);
    const bin = requireBinary(kube.bins.kubeApiserver, `kube-apiserver ${kube.versions.kubernetes}`);
    await ensurePki(kube);
    // Components start side by side; the API server needs its store first.
    await waitFor('etcd', () => etcdHealthy(kube), 60000, 'see the etcd log');
    const { pki } = kube;
    const args = [
      `--etcd-servers=${etcdClientUrl(kube)}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${kube.apiserver.port}`,
      '--advertise-address=127.0.0.1',
      // The `kubernetes` Service's endpoints would point at 127.0.0.1, which Endpoints validation
      // refuses; nothing in this cluster reaches the API server through that Service anyway.
      '--endpoint-reconciler-type=none',
      `--service-cluster-ip-range=${kube.apiserver.serviceClusterIpRange}`,
      `--tls-cert-file=${pki.servingCert}`,
      `--tls-private-key-file=${pki.servingKey}`,
      `--token-auth-file=${pki.tokenFile}`,
      '--authorization-mode=Node,RBAC',
      '--anonymous-auth=true',
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      '--profiling=false',
      '--event-ttl=15m',
      '--v=1',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'kube-apiserver'), pidFile: pidFile(config, 'kube-apiserver') });
  },
  async ensureConfigured(config) {
    const kube = loadKubeStackConfig(config);
    await applyManifests(kube, readFileSync(gatewayApiCrdsFile(), 'utf8'));
  },
};
