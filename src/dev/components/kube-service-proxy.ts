import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logFile, pidFile, type Component } from '../component';
import { httpOk, waitFor } from '../probe';
import { spawnDaemon } from '../process';
import { packageRoot } from '../../lib/paths';
import { listInstances, removeInstance } from '../../lib/haproxy-instance';
import { connectKubernetes, readOrUndefined, type KubeClients } from '../../lib/kubernetes';
import { applyManifests } from './kube-apply';
import { loadKubeStackConfig, type KubeStackConfig } from './kube-config';
import { kubeconfigYaml, writeIfChanged } from './kube-pki';
import { waitForApiserver } from './kube-probe';

const NAMESPACE = 'sluice-system';
const SERVICE_ACCOUNT = 'sluice-service-proxy';
const TOKEN_SECRET = 'sluice-service-proxy-token';

function rbacFile(): string {
  return join(packageRoot(), 'deploy', 'service-proxy', 'rbac.yaml');
}

function healthUrl(kube: KubeStackConfig): string {
  return `http://127.0.0.1:${kube.serviceProxy.port}/healthz`;
}

/** Its own token, once the token controller has filled the Secret. Never logged. */
async function serviceAccountToken(clients: KubeClients): Promise<string> {
  let token: string | undefined;
  await waitFor(
    `the token of ${NAMESPACE}/${SERVICE_ACCOUNT}`,
    async () => {
      const secret = await readOrUndefined(() => clients.core.readNamespacedSecret({ name: TOKEN_SECRET, namespace: NAMESPACE }));
      const data = secret?.data?.token;
      token = data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
      return token !== undefined;
    },
    60000,
    'the kube-controller-manager fills service-account token Secrets; see its log',
  );
  return token!;
}

/**
 * kube-proxy's part for NodePort Services, on loopback (`sluice dev service-proxy`): each NodePort
 * port is served on 127.0.0.1:<nodePort> by an HAProxy of its own that balances connections over
 * the Service's ready pods. It runs as a service account that may only read Services and Pods.
 * Healthy means it has listed both and programmed its proxies once.
 */
export const kubeServiceProxyComponent: Component = {
  name: 'kube-service-proxy',
  readyTimeoutMs: 90000,
  url: (config) => healthUrl(loadKubeStackConfig(config)),
  ports: (config) => [loadKubeStackConfig(config).serviceProxy.port],
  healthy: (config) => httpOk(healthUrl(loadKubeStackConfig(config)), { looksRight: (a) => a.body.includes('"sluice-kube-service-proxy"') }),
  async start(config) {
    const kube = loadKubeStackConfig(config);
    await waitForApiserver(kube);
    await applyManifests(kube, readFileSync(rbacFile(), 'utf8'));
    const clients = await connectKubernetes({ kubeconfig: kube.kubeconfig });
    writeIfChanged(kube.serviceProxy.kubeconfig, kubeconfigYaml(kube, SERVICE_ACCOUNT, await serviceAccountToken(clients)));
    mkdirSync(kube.serviceProxy.runDir, { recursive: true });
    const args = [
      join(packageRoot(), 'bin', 'sluice.js'),
      'dev',
      'service-proxy',
      '--kubeconfig',
      kube.serviceProxy.kubeconfig,
      '--run-dir',
      kube.serviceProxy.runDir,
      '--listen',
      `127.0.0.1:${kube.serviceProxy.port}`,
    ];
    spawnDaemon({ command: process.execPath, args, logFile: logFile(config, 'kube-service-proxy'), pidFile: pidFile(config, 'kube-service-proxy') });
  },
  /** Its HAProxy processes run detached and outlive it: they go with it. */
  async afterStop(config) {
    for (const instance of await listInstances(loadKubeStackConfig(config).serviceProxy.runDir)) await removeInstance(instance);
  },
};
