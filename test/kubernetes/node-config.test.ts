import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadStackConfig } from '../../src/dev/config';
import { loadKubeStackConfig } from '../../src/dev/components/kube-config';
import { containerdConfigToml } from '../../src/dev/components/kube-node-containerd';
import {
  DEFAULT_KUBE_NODES,
  KUBE_NODE_LABEL,
  KUBE_NODE_TAINT,
  kubeNodeCountFromEnv,
  loadKubeNodeConfig,
  MAX_KUBE_NODES,
  parseKubeNodeCount,
} from '../../src/dev/components/kube-node-config';
import { kubeletArgs, kubeletConfigYaml } from '../../src/dev/components/kube-node-kubelet';

// Runs on: nothing but the functions that lay out and configure the real nodes (no daemon is
// started); nodes.test.ts runs them for real.

const stack = loadStackConfig({ SLUICE_STATE_DIR: '/tmp/sluice-node-config-test' });
const all = Array.from({ length: MAX_KUBE_NODES }, (_, i) => loadKubeNodeConfig(stack, i, {}));

describe('real node layout and configuration', () => {
  it('reads the node count from --kube-nodes or SLUICE_KUBE_NODES, DEFAULT_KUBE_NODES unless set', () => {
    assert.equal(kubeNodeCountFromEnv({}), DEFAULT_KUBE_NODES);
    assert.equal(DEFAULT_KUBE_NODES, 0, 'opt-in for now (docs/kubernetes.md)');
    assert.equal(kubeNodeCountFromEnv({ SLUICE_KUBE_NODES: '3' }), 3);
    assert.equal(kubeNodeCountFromEnv({ SLUICE_KUBE_NODES: '0' }), 0);
    assert.equal(kubeNodeCountFromEnv({ SLUICE_KUBE_NODES: '5' }), 5);
    assert.equal(parseKubeNodeCount(String(MAX_KUBE_NODES), '--kube-nodes'), MAX_KUBE_NODES);
    for (const bad of ['', '-1', '1.5', 'three', String(MAX_KUBE_NODES + 1)]) {
      assert.throws(() => parseKubeNodeCount(bad, '--kube-nodes'), /--kube-nodes must be a whole number from 0 to 8/, bad);
    }
  });

  it('gives every node its own loopback address, ports and directories, clear of the control plane', () => {
    assert.deepEqual(
      all.map((n) => n.address),
      ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'],
    );
    const kube = loadKubeStackConfig(stack, {});
    const controlPlane = [kube.etcd.clientPort, kube.etcd.peerPort, kube.apiserver.port, kube.controllerManager.port, kube.scheduler.port, kube.kwok.port];
    const ports = all.flatMap((n) => [n.kubelet.port, n.kubelet.healthzPort]);
    assert.equal(new Set(ports).size, ports.length, 'no two nodes share a port');
    assert.ok(
      ports.every((p) => !controlPlane.includes(p) && p < 32768),
      `node ports ${ports.join(',')} avoid the control plane and the ephemeral range`,
    );
    assert.equal(new Set(all.map((n) => n.dir)).size, all.length);
    for (const node of all) {
      for (const path of [node.containerd.root, node.containerd.state, node.containerd.socket, node.containerd.runcRoot, node.kubelet.rootDir, node.kubelet.podLogsDir]) {
        assert.ok(path.startsWith(`${node.dir}/`), `${path} is inside ${node.dir}`);
      }
      // A unix socket path longer than 107 bytes cannot be bound.
      assert.ok(Buffer.byteLength(`${node.containerd.socket}.ttrpc`) < 108, node.containerd.socket);
    }
  });

  it('configures containerd as this machine needs it, every path inside the node dir', async () => {
    const node = all[1]!;
    const { parse } = await import('smol-toml');
    // Round-tripped through JSON: smol-toml's tables have a null prototype.
    const config = JSON.parse(JSON.stringify(parse(await containerdConfigToml(node, { sandboxImage: '127.0.0.1:5000/sluice/pause:src-x', runc: '/usr/sbin/runc' })))) as Record<
      string,
      any
    >;
    assert.equal(config.version, 2);
    assert.equal(config.root, node.containerd.root);
    assert.equal(config.state, node.containerd.state);
    assert.equal(config.grpc.address, node.containerd.socket);
    const cri = config.plugins['io.containerd.grpc.v1.cri'];
    assert.equal(cri.sandbox_image, '127.0.0.1:5000/sluice/pause:src-x');
    assert.equal(cri.restrict_oom_score_adj, true, 'without it every sandbox fails here (no CAP_SYS_RESOURCE)');
    assert.equal(cri.stream_server_address, node.address);
    assert.deepEqual(cri.containerd.runtimes.runc.options, { BinaryName: '/usr/sbin/runc', Root: node.containerd.runcRoot, SystemdCgroup: false });
    assert.equal(cri.registry.config_path, node.containerd.certsDir);
    assert.deepEqual(cri.cni, { bin_dir: node.cni.binDir, conf_dir: node.cni.confDir });
  });

  it('configures the kubelet for cgroup v1 without systemd, on the node address, with an external cloud provider', () => {
    const node = all[2]!;
    const config = parseYaml(kubeletConfigYaml(node)) as Record<string, unknown>;
    assert.equal(config.kind, 'KubeletConfiguration');
    assert.equal(config.address, node.address);
    assert.equal(config.healthzBindAddress, node.address);
    assert.equal(config.port, node.kubelet.port);
    assert.equal(config.readOnlyPort, 0);
    assert.equal(config.containerRuntimeEndpoint, `unix://${node.containerd.socket}`);
    assert.equal(config.cgroupDriver, 'cgroupfs');
    assert.equal(config.cgroupsPerQOS, false);
    assert.deepEqual(config.enforceNodeAllocatable, []);
    assert.equal(config.failSwapOn, false);
    assert.equal(config.failCgroupV1, false);
    assert.deepEqual(config.authentication, { anonymous: { enabled: false }, webhook: { enabled: true }, x509: {} });
    const args = kubeletArgs(node);
    assert.ok(args.includes('--cloud-provider=external'));
    assert.ok(args.includes(`--hostname-override=${node.name}`));
    assert.ok(args.includes(`--kubeconfig=${node.kubelet.kubeconfig}`));
  });

  it('registers every node with the real-node taint and label, and a node started for one purpose with its own as well', () => {
    assert.deepEqual((parseYaml(kubeletConfigYaml(all[0]!)) as Record<string, unknown>).registerWithTaints, [KUBE_NODE_TAINT]);
    assert.ok(kubeletArgs(all[0]!).includes(`--node-labels=${KUBE_NODE_LABEL.key}=${KUBE_NODE_LABEL.value}`));
    const own = { key: 'sluice.dev/test-node', value: 'stop', effect: 'NoSchedule' } as const;
    const dedicated = loadKubeNodeConfig(stack, 3, {}, { extraTaints: [own], extraLabels: { [own.key]: own.value } });
    assert.deepEqual((parseYaml(kubeletConfigYaml(dedicated)) as Record<string, unknown>).registerWithTaints, [KUBE_NODE_TAINT, own]);
    assert.ok(kubeletArgs(dedicated).includes(`--node-labels=${own.key}=${own.value},${KUBE_NODE_LABEL.key}=${KUBE_NODE_LABEL.value}`));
  });
});
