import { join } from 'node:path';
import { portFromEnv, type StackConfig } from '../config';
import { loadKubeStackConfig } from './kube-config';

/**
 * Where the real Kubernetes nodes of the embedded stack live: node i runs its own containerd and
 * kubelet, answers on its own loopback address 127.0.0.(i+2), and keeps everything under
 * `<state>/kubernetes/nodes/kube-node-<i>`. Pods use `hostNetwork`, so replicas of one Deployment
 * on different nodes can all listen on the same port, each on its node's address.
 */
export interface KubeNodeConfig {
  index: number;
  /** The Node object's name and the stack component's name. */
  name: string;
  /** The node's InternalIP: the kubelet binds it and hostNetwork pods get it as status.hostIP. */
  address: string;
  dir: string;
  kubeletBin: string;
  containerd: {
    dir: string;
    config: string;
    root: string;
    state: string;
    socket: string;
    /** runc's state (its --root), which would otherwise be shared by every containerd of the machine. */
    runcRoot: string;
    /** hosts.toml per registry (containerd's `config_path`). */
    certsDir: string;
  };
  cni: { confDir: string; binDir: string };
  /** What the node registers with: the real-node taint, and any a caller adds for a node of its own. */
  taints: readonly NodeTaint[];
  /** Its labels as it registers: the real-node label, and any a caller adds. */
  labels: Readonly<Record<string, string>>;
  kubelet: { dir: string; config: string; kubeconfig: string; rootDir: string; certDir: string; podLogsDir: string; port: number; healthzPort: number };
}

/** Loopback addresses 127.0.0.2-127.0.0.9: enough for the tests, and a small fixed set of identities. */
export const MAX_KUBE_NODES = 8;

/** Every real node carries this label; pods select real nodes with it (kwok's fake nodes do not have it). */
export const KUBE_NODE_LABEL = { key: 'sluice.dev/node', value: 'real' } as const;

/**
 * Real nodes run only pods that tolerate this taint. The Kubernetes tests of the kwok era deploy
 * images that exist only as digests; scheduled onto a real node they would never start.
 */
export const KUBE_NODE_TAINT = { key: 'sluice.dev/real-node', value: 'true', effect: 'NoSchedule' } as const;

export interface NodeTaint {
  key: string;
  value: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface KubeNodeOptions {
  /**
   * Taints besides the real-node one, set as the node registers. A node started for one purpose
   * (a test stopping it under a pod) keeps pods that tolerate real nodes in general off it.
   */
  extraTaints?: readonly NodeTaint[];
  /** Labels besides the real-node one, so the pods meant for such a node can select it. */
  extraLabels?: Readonly<Record<string, string>>;
}

/** Set by the kubelet with --cloud-provider=external; the stack removes it once the node's address is set. */
export const UNINITIALIZED_TAINT_KEY = 'node.cloudprovider.kubernetes.io/uninitialized';

export function kubeNodeName(index: number): string {
  return `kube-node-${index}`;
}

export function kubeNodeAddress(index: number): string {
  return `127.0.0.${index + 2}`;
}

/**
 * Real nodes `dev up --kubernetes` starts unless told otherwise: none. kwok's nodes are enough to
 * deploy to, and each real node is a containerd and a kubelet that need root and cost CPU; the
 * test command asks for three (`--kube-nodes 3`).
 */
export const DEFAULT_KUBE_NODES = 0;

/** How many real nodes `dev up --kubernetes` starts: SLUICE_KUBE_NODES, else DEFAULT_KUBE_NODES (0 = kwok's fake nodes only). */
export function kubeNodeCountFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return parseKubeNodeCount(env.SLUICE_KUBE_NODES ?? String(DEFAULT_KUBE_NODES), 'SLUICE_KUBE_NODES');
}

export function parseKubeNodeCount(raw: string, what: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0 || value > MAX_KUBE_NODES) {
    throw new Error(`${what} must be a whole number from 0 to ${MAX_KUBE_NODES}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function loadKubeNodeConfig(stack: StackConfig, index: number, env: NodeJS.ProcessEnv = process.env, options: KubeNodeOptions = {}): KubeNodeConfig {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_KUBE_NODES) throw new Error(`node index ${index} is outside 0-${MAX_KUBE_NODES - 1}`);
  const kube = loadKubeStackConfig(stack, env);
  const name = kubeNodeName(index);
  const dir = join(kube.dir, 'nodes', name);
  const containerd = join(dir, 'containerd');
  const kubelet = join(dir, 'kubelet');
  // Two ports per node, below the kernel's ephemeral range and away from the control plane's
  // 10247-10259. Each node also has its own address, so the ports differ only to keep
  // `ss -ltn` readable and a foreign listener on one address from hiding another node.
  const base = portFromEnv(env, 'SLUICE_KUBELET_PORT', 10650) + index * 2;
  return {
    index,
    name,
    address: kubeNodeAddress(index),
    dir,
    kubeletBin: join(stack.cacheDir, `kubelet-${kube.versions.kubernetes}`, 'kubelet'),
    containerd: {
      dir: containerd,
      config: join(containerd, 'config.toml'),
      root: join(containerd, 'root'),
      state: join(containerd, 'state'),
      socket: join(containerd, 'containerd.sock'),
      runcRoot: join(containerd, 'runc'),
      certsDir: join(containerd, 'certs.d'),
    },
    cni: { confDir: join(dir, 'cni', 'net.d'), binDir: join(dir, 'cni', 'bin') },
    taints: [KUBE_NODE_TAINT, ...(options.extraTaints ?? [])],
    labels: { ...options.extraLabels, [KUBE_NODE_LABEL.key]: KUBE_NODE_LABEL.value },
    kubelet: {
      dir: kubelet,
      config: join(kubelet, 'config.yaml'),
      kubeconfig: join(kubelet, 'kubeconfig'),
      rootDir: join(kubelet, 'root'),
      certDir: join(kubelet, 'pki'),
      podLogsDir: join(kubelet, 'pod-logs'),
      port: base,
      healthzPort: base + 1,
    },
  };
}
