import { logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { spawnDaemon } from '../process';
import { connectKubernetes, readOrUndefined, serverSideApply } from '../../lib/kubernetes';
import { loadKubeStackConfig, requireBinary, type KubeStackConfig } from './kube-config';
import { waitForApiserver } from './kube-probe';

/** Nodes kwok manages carry this annotation; kwok ignores every other node. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export function kwokNodeName(index: number): string {
  return `kwok-node-${index}`;
}

function kwokUrl(kube: KubeStackConfig): string {
  return `http://127.0.0.1:${kube.kwok.port}`;
}

/**
 * Fake nodes without taints, so ordinary pods schedule onto them. Their status is kwok's to
 * write (node-initialize stage), so only metadata and spec are applied here.
 */
async function ensureFakeNodes(kube: KubeStackConfig): Promise<void> {
  const clients = await connectKubernetes({ kubeconfig: kube.kubeconfig });
  for (let i = 0; i < kube.kwok.nodes; i++) {
    const name = kwokNodeName(i);
    const existing = await readOrUndefined(() => clients.core.readNode({ name }));
    if (existing) continue;
    await serverSideApply(clients, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
      },
      spec: {},
    });
  }
}

/** Plays the kubelet of every fake node: marks nodes Ready and moves bound pods to Running/Ready. */
export const kwokComponent: Component = {
  name: 'kwok',
  readyTimeoutMs: 60000,
  url: (config) => kwokUrl(loadKubeStackConfig(config)),
  ports: (config) => [loadKubeStackConfig(config).kwok.port],
  healthy: (config) => httpOk(`${kwokUrl(loadKubeStackConfig(config))}/healthz`),
  async start(config) {
    const kube = loadKubeStackConfig(config);
    const bin = requireBinary(kube.bins.kwok, `kwok ${kube.versions.kwok}`);
    await waitForApiserver(kube);
    const args = [
      `--kubeconfig=${kube.componentKubeconfigs.kwok}`,
      // Pod stages from tools/k8s/kwok/stages.yaml: the built-in ones, except that pods whose image
      // names contain "never-ready" never turn Ready (the missed-progress-deadline scenario).
      `--config=${kube.kwok.stagesFile}`,
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--server-address=127.0.0.1:${kube.kwok.port}`,
      '--cidr=10.0.0.1/16',
      '--node-ip=10.0.0.1',
      // kwok renews each fake node's Lease, as a kubelet does. Without it nothing heartbeats the
      // nodes between kwok's ten-minute status updates: past the controller-manager's grace period
      // the node lifecycle controller marked every node not ready and every pod on them NotReady
      // (kwok's pod stages play once, so the pods stayed so), every 5 minutes, and any rollout
      // under way then stalled (CI: worker-kill and rolling-workflow timing out).
      '--node-lease-duration-seconds=40',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'kwok'), pidFile: pidFile(config, 'kwok') });
  },
  async ensureConfigured(config) {
    await ensureFakeNodes(loadKubeStackConfig(config));
  },
};
