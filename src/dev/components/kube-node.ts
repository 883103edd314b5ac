import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { logFile, pidFile, type Component } from '../component';
import type { StackConfig } from '../config';
import { unmountUnder } from '../mounts';
import { httpOk, tcpOpen, waitFor } from '../probe';
import { spawnDaemon } from '../process';
import { apiStatus, connectKubernetes, readOrUndefined, type k8s, type KubeClients } from '../../lib/kubernetes';
import { dockerdComponent } from './dockerd';
import { ensureNodeIdentitiesLoaded } from './kube-apiserver';
import { loadKubeStackConfig, requireBinary } from './kube-config';
import { startContainerd, stopContainerd, writeContainerdFiles } from './kube-node-containerd';
import { kubeNodeName, loadKubeNodeConfig, UNINITIALIZED_TAINT_KEY, type KubeNodeConfig, type KubeNodeOptions } from './kube-node-config';
import { kubeletArgs, kubeletConfigYaml } from './kube-node-kubelet';
import { startKubeletAlone } from './kube-node-start-lock';
import { ensurePauseImage } from './kube-pause-image';
import { nodeKubeconfig, writeIfChanged } from './kube-pki';
import { registryComponent } from './registry';

function adminClients(config: StackConfig): Promise<KubeClients> {
  return connectKubernetes({ kubeconfig: loadKubeStackConfig(config).kubeconfig });
}

function isReady(node: k8s.V1Node | undefined): boolean {
  return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The addresses a node of this stack reports: its loopback address as InternalIP, and its name. */
function wantedAddresses(node: KubeNodeConfig): k8s.V1NodeAddress[] {
  return [
    { type: 'InternalIP', address: node.address },
    { type: 'Hostname', address: node.name },
  ];
}

function sameAddresses(a: k8s.V1NodeAddress[] | undefined, b: k8s.V1NodeAddress[]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}

/**
 * What a cloud controller would do for a new node, done by the stack: set the node's InternalIP
 * (the kubelet cannot: loopback node IPs are refused) and then drop the `uninitialized` taint, so
 * pods schedule only once their `status.hostIP` will be the node's own address. Checks before it
 * patches, so a second `dev up` changes nothing.
 */
export async function initializeNode(clients: KubeClients, node: KubeNodeConfig): Promise<void> {
  const merge = clients.k8s.setHeaderOptions('Content-Type', clients.k8s.PatchStrategy.MergePatch);
  let current = await clients.core.readNode({ name: node.name });
  if (!sameAddresses(current.status?.addresses, wantedAddresses(node))) {
    current = await clients.core.patchNodeStatus({ name: node.name, body: { status: { addresses: wantedAddresses(node) } } }, merge);
  }
  const jsonPatch = clients.k8s.setHeaderOptions('Content-Type', clients.k8s.PatchStrategy.JsonPatch);
  for (let attempt = 1; ; attempt++) {
    const index = (current.spec?.taints ?? []).findIndex((t) => t.key === UNINITIALIZED_TAINT_KEY);
    if (index < 0) return;
    // Removes the taint by its position, after a `test` that it is still the one there: a taint
    // added or removed meanwhile either leaves it in place or fails the patch, and is never
    // dropped. The test names the key only. A resourceVersion precondition also failed on the
    // kubelet's own status updates (409 from `dev up`), and a test of the whole list never
    // matched while the node-lifecycle controller's not-ready taint was there: the client writes
    // its timeAdded back with milliseconds the server did not store (422 five times, CI).
    const body = [
      { op: 'test', path: `/spec/taints/${index}/key`, value: UNINITIALIZED_TAINT_KEY },
      { op: 'remove', path: `/spec/taints/${index}` },
    ];
    try {
      await clients.core.patchNode({ name: node.name, body }, jsonPatch);
      return;
    } catch (err) {
      // 422: the taints changed since they were read; read them again.
      if (apiStatus(err) !== 422 || attempt >= 5) throw err;
      current = await clients.core.readNode({ name: node.name });
    }
  }
}

async function kubeletHealthy(node: KubeNodeConfig): Promise<boolean> {
  return httpOk(`http://${node.address}:${node.kubelet.healthzPort}/healthz`, { looksRight: (a) => a.body.trim() === 'ok' });
}

async function startNode(config: StackConfig, node: KubeNodeConfig): Promise<void> {
  const kube = loadKubeStackConfig(config);
  const kubelet = requireBinary(node.kubeletBin, `kubelet ${kube.versions.kubernetes}`);
  // The node's ports are on its own address, which the stack's generic check (127.0.0.1) misses.
  for (const port of [node.kubelet.port, node.kubelet.healthzPort]) {
    if (await tcpOpen(node.address, port)) {
      throw new Error(`${node.address}:${port} is already taken by another process; stop it or set SLUICE_KUBELET_PORT`);
    }
  }
  await ensureNodeIdentitiesLoaded(config);
  // Components start side by side: the sandbox image needs the engine and the registry first.
  await waitFor('dockerd', () => dockerdComponent.healthy(config), 60000, 'see the dockerd log');
  await waitFor('registry', () => registryComponent.healthy(config), 60000, 'see the registry log');
  const sandboxImage = await ensurePauseImage(config);

  await writeContainerdFiles(config, node, sandboxImage);
  await startContainerd(config, node);

  for (const dir of [node.kubelet.rootDir, node.kubelet.certDir, node.kubelet.podLogsDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(node.kubelet.config, kubeletConfigYaml(node));
  writeIfChanged(node.kubelet.kubeconfig, nodeKubeconfig(kube, node.name).yaml);
  await startKubeletAlone(() =>
    spawnDaemon({
      command: kubelet,
      args: kubeletArgs(node),
      logFile: logFile(config, node.name),
      pidFile: pidFile(config, node.name),
      // The kubelet runs mount, umount and friends, which Debian keeps in sbin.
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin:/sbin:/bin` },
    }),
  );
}

/**
 * After the kubelet is gone (the stack stops it by its pid file): the node's containers and
 * containerd, the kubelet's mounts (projected volumes, sandbox /dev/shm), and the Node object.
 * No node-lifecycle controller runs here to mark a dead node NotReady in time, and a Node left
 * behind would keep pods scheduled onto a kubelet that is not there.
 */
async function stopNode(config: StackConfig, node: KubeNodeConfig): Promise<void> {
  if (!existsSync(node.dir)) return;
  await stopContainerd(config, node);
  await unmountUnder(node.dir);
  try {
    const clients = await adminClients(config);
    await clients.core.deleteNode({ name: node.name });
  } catch (err) {
    // 404: already gone. Anything else: the API server is down too, and the Node with it.
    if (apiStatus(err) !== 404 && apiStatus(err) !== undefined) throw err;
  }
}

/**
 * One real Kubernetes node of the embedded stack: a containerd and a kubelet of its own (the
 * component's pid is the kubelet's; containerd has a pid file of its own), registered as Node
 * `kube-node-<i>` on 127.0.0.(i+2). Healthy means the kubelet answers /healthz and the Node is
 * Ready.
 */
export function kubeNodeComponent(index: number, options: KubeNodeOptions = {}): Component {
  const nodeOf = (config: StackConfig) => loadKubeNodeConfig(config, index, process.env, options);
  return {
    name: kubeNodeName(index),
    // A cold start builds and pushes the sandbox image and pulls it into containerd.
    readyTimeoutMs: 180000,
    url: (config) => {
      const node = nodeOf(config);
      return `https://${node.address}:${node.kubelet.port} (Node ${node.name}, /healthz on :${node.kubelet.healthzPort})`;
    },
    ports: () => [],
    async healthy(config) {
      const node = nodeOf(config);
      if (!(await kubeletHealthy(node))) return false;
      try {
        const clients = await adminClients(config);
        return isReady(await readOrUndefined(() => clients.core.readNode({ name: node.name })));
      } catch {
        return false;
      }
    },
    start: (config) => startNode(config, nodeOf(config)),
    async ensureConfigured(config) {
      await initializeNode(await adminClients(config), nodeOf(config));
    },
    afterStop: (config) => stopNode(config, nodeOf(config)),
  };
}
