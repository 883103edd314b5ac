import { stringify } from 'yaml';
import type { KubeNodeConfig } from './kube-node-config';

/**
 * The kubelet's configuration file (KubeletConfiguration v1beta1) for one node of this machine.
 * What the machine needs (issue 15): cgroup v1 without systemd, so `cgroupfs`, no QoS cgroup
 * hierarchy and no node-allocatable enforcement (the kubelet may not manage the root cgroups
 * of a shared sandbox), no swap check, and cgroup v1 allowed. The servers bind the node's own
 * loopback address. Eviction and image GC would act on the whole shared disk, which other
 * engines fill: thresholds are set so they only trigger when the disk is really full.
 */
export function kubeletConfigYaml(node: KubeNodeConfig): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: node.address,
    port: node.kubelet.port,
    readOnlyPort: 0,
    healthzBindAddress: node.address,
    healthzPort: node.kubelet.healthzPort,
    containerRuntimeEndpoint: `unix://${node.containerd.socket}`,
    cgroupDriver: 'cgroupfs',
    cgroupsPerQOS: false,
    enforceNodeAllocatable: [],
    failSwapOn: false,
    failCgroupV1: false,
    // The node's own serving certificate (self-signed in --cert-dir); callers authenticate with
    // API tokens the kubelet checks with the API server, and are authorised the same way.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: {} },
    authorization: { mode: 'Webhook' },
    podLogsDir: node.kubelet.podLogsDir,
    registerNode: true,
    registerWithTaints: node.taints,
    evictionHard: { 'memory.available': '50Mi', 'nodefs.available': '1%', 'nodefs.inodesFree': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // No iptables: hostNetwork pods need none, and this machine's tables belong to others.
    makeIPTablesUtilChains: false,
    serializeImagePulls: false,
    maxPods: 32,
    // Node status every 10 s (the upstream default; the lease is renewed as often): cheap on 2 shared cores.
    nodeStatusUpdateFrequency: '10s',
    clusterDomain: 'cluster.local',
    // No cluster DNS runs here; hostNetwork pods resolve with the machine's resolver.
    clusterDNS: [],
    resolvConf: '/etc/resolv.conf',
  });
}

/** Command-line flags that the configuration file cannot carry. */
export function kubeletArgs(node: KubeNodeConfig): string[] {
  return [
    `--config=${node.kubelet.config}`,
    `--kubeconfig=${node.kubelet.kubeconfig}`,
    `--root-dir=${node.kubelet.rootDir}`,
    `--cert-dir=${node.kubelet.certDir}`,
    `--hostname-override=${node.name}`,
    `--node-labels=${Object.entries(node.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',')}`,
    // `--node-ip=127.0.0.x` is refused ("nodeIP can't be loopback"). With an external cloud
    // provider the kubelet leaves the node's addresses to someone else, and the stack sets
    // InternalIP to the node's loopback address once the node registers (kube-node.ts).
    '--cloud-provider=external',
    '--v=1',
  ];
}
