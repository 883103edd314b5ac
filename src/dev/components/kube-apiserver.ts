import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logFile, pidFile, type Component } from '../component';
import type { StackConfig } from '../config';
import { waitFor } from '../probe';
import { livePid, spawnDaemon, stopDaemon } from '../process';
import { packageRoot } from '../../lib/paths';
import { etcdClientUrl, etcdHealthy } from './etcd';
import { apiserverUrl, loadKubeStackConfig, requireBinary } from './kube-config';
import { applyManifests } from './kube-apply';
import { ensurePki } from './kube-pki';
import { apiserverReady, waitForApiserver } from './kube-probe';
import { apiserverKnowsNodeIdentities } from './kube-node-identity';

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
    await ensureNodeIdentitiesLoaded(config);
    await applyManifests(kube, readFileSync(gatewayApiCrdsFile(), 'utf8'));
  },
};

async function loadNodeIdentities(config: StackConfig): Promise<void> {
  const kube = loadKubeStackConfig(config);
  await waitForApiserver(kube);
  if (await apiserverKnowsNodeIdentities(kube)) return;
  // Every node identity is written up front, so this restart happens once per state dir, on the
  // first `dev up --kubernetes` after real nodes were added to Sluice.
  const pid = pidFile(config, kubeApiserverComponent.name);
  if (livePid(pid) === undefined) {
    throw new Error(`the running kube-apiserver was not started by this stack and does not know the node identities of ${kube.pki.tokenFile}; restart it`);
  }
  await stopDaemon(pid);
  await kubeApiserverComponent.start(config);
  await waitForApiserver(kube);
  if (!(await apiserverKnowsNodeIdentities(kube))) throw new Error(`kube-apiserver still refuses the node tokens after a restart; see ${logFile(config, 'kube-apiserver')}`);
}

const loaded = new Map<string, Promise<void>>();

/**
 * Makes sure the API server authenticates the real nodes' kubelets, restarting this stack's API
 * server if it predates their identities (it reads its token file only at start). `dev up`
 * does it for a reused API server; nodes starting side by side share one check per state dir.
 */
export function ensureNodeIdentitiesLoaded(config: StackConfig): Promise<void> {
  let pending = loaded.get(config.stateDir);
  if (!pending) {
    pending = loadNodeIdentities(config);
    pending.catch(() => loaded.delete(config.stateDir));
    loaded.set(config.stateDir, pending);
  }
  return pending;
}
