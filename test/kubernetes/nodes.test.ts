import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pidFile } from '../../src/dev/component';
import { livePid } from '../../src/dev/process';
import { mountsUnder } from '../../src/dev/mounts';
import { stackDown, stackUp, type Ownership } from '../../src/dev/stack';
import { kubeNodeComponents } from '../../src/dev/components/kube-stack';
import { KUBE_NODE_LABEL, KUBE_NODE_TAINT, loadKubeNodeConfig, UNINITIALIZED_TAINT_KEY, type KubeNodeConfig } from '../../src/dev/components/kube-node-config';
import { ensurePauseImage } from '../../src/dev/components/kube-pause-image';
import { containerdName } from '../../src/dev/components/kube-node-containerd';
import { loadK8s, type k8s } from '../../src/lib/kubernetes';
import { portFree } from '../../src/activities/targets/readiness';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import { dockerClient, eventually, uniqueName } from '../helpers/stack';
import { freePort } from '../helpers/ports';
import { serviceImage } from '../targets/fixtures';
import { createNamespace, deleteNamespace, ensureRealNodes, kube, realNodesSkipReason, stackConfig, startOwnNodes, withLock } from './cluster';

const execFileAsync = promisify(execFile);

const NODES = 3;
const nodes: KubeNodeConfig[] = Array.from({ length: NODES }, (_, i) => loadKubeNodeConfig(stackConfig, i));

function skip(): string | undefined {
  return realNodesSkipReason(NODES);
}

function kubectl(...args: string[]): Promise<{ stdout: string }> {
  return execFileAsync(kube.bins.kubectl, ['--kubeconfig', kube.kubeconfig, ...args], { timeout: 180000 });
}

const TOLERATE_REAL_NODES: k8s.V1Toleration = { key: KUBE_NODE_TAINT.key, operator: 'Equal', value: KUBE_NODE_TAINT.value, effect: KUBE_NODE_TAINT.effect };

/**
 * The example service, one pod per real node: hostNetwork, listening on the node's own address
 * (status.hostIP through the downward API), Ready only once the kubelet's probe of /healthz
 * passes. Without surge, since a second pod on a node could not bind the same port.
 */
function exampleDeployment(name: string, image: string, port: number): k8s.V1Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: NODES,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      progressDeadlineSeconds: 120,
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 10,
          nodeSelector: { [KUBE_NODE_LABEL.key]: KUBE_NODE_LABEL.value },
          tolerations: [TOLERATE_REAL_NODES],
          affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } },
          containers: [
            {
              name: 'app',
              image,
              env: [
                { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
                { name: 'ADDR', value: `$(HOST_IP):${port}` },
                { name: 'DRAIN_DELAY', value: '200ms' },
                { name: 'SHUTDOWN_GRACE', value: '5s' },
              ],
              readinessProbe: { httpGet: { path: '/healthz', port }, periodSeconds: 1, failureThreshold: 2 },
            },
          ],
        },
      },
    },
  };
}

/** A port free on every node's address (each pod binds it on its own node's address). */
async function portFreeOnEveryNode(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort(nodes[0]!.address);
    const free = await Promise.all(nodes.map((n) => portFree(n.address, port)));
    if (free.every(Boolean)) return port;
  }
  throw new Error('no port free on every node address');
}

async function versionAt(address: string, port: number): Promise<string> {
  const res = await fetch(`http://${address}:${port}/version`, { signal: AbortSignal.timeout(3000) });
  assert.equal(res.status, 200);
  return ((await res.json()) as { version: string }).version;
}

async function readyPods(clients: KubeClients, namespace: string, app: string): Promise<k8s.V1Pod[]> {
  const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

/** Every pod Ready on the version, one per node, each answering on its node's address. */
async function servesEverywhere(clients: KubeClients, namespace: string, app: string, port: number, version: string): Promise<void> {
  await kubectl('--namespace', namespace, 'rollout', 'status', `deployment/${app}`, '--timeout=150s');
  const pods = await eventually(
    `${NODES} ready pods of ${app}`,
    async () => {
      const ready = await readyPods(clients, namespace, app);
      const all = await clients.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
      return ready.length === NODES && all.items.length === NODES ? ready : undefined;
    },
    60000,
  );
  assert.deepEqual(pods.map((p) => p.spec!.nodeName).sort(), nodes.map((n) => n.name).sort(), 'one pod per node');
  for (const pod of pods) {
    const node = nodes.find((n) => n.name === pod.spec!.nodeName)!;
    assert.equal(pod.status!.hostIP, node.address, `${pod.metadata!.name} runs on ${node.name}'s address`);
    assert.equal(await versionAt(node.address, port), version, `the pod on ${node.name} serves ${version}`);
  }
}

/** Processes whose command line names this path (the shims of a node's containerd name its socket). */
function processesNaming(path: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(path);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Processes in a container's cgroup (containerd names the cgroup after the container id). */
function processesOfContainer(containerId: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(containerId);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('real Kubernetes nodes of the embedded stack (containerd + kubelet per node, hostNetwork pods)', { skip: skip() }, () => {
  const namespace = uniqueName('k8s-nodes');
  let clients: KubeClients;
  let ownership: Map<string, Ownership>;

  before(async () => {
    const up = await ensureRealNodes(NODES);
    clients = up.clients;
    ownership = up.ownership;
    const how = [...ownership].map(([name, o]) => `${name} ${o}`).join(', ');
    console.log(`real nodes ready in ${up.ms} ms (${how})`);
    await createNamespace(clients, namespace);
  });

  after(async () => {
    if (!clients) return;
    await deleteNamespace(clients, namespace);
    // The pods go first (their kubelets kill them), then the nodes this file started.
    await eventually(
      `namespace ${namespace} deleted`,
      async () => ((await clients.core.listNamespace()).items.some((n) => n.metadata?.name === namespace) ? undefined : true),
      120000,
      500,
    );
    const started = kubeNodeComponents(NODES).filter((c) => ownership?.get(c.name) === 'started');
    if (started.length > 0) await withLock('kubernetes-up', () => stackDown(stackConfig, started));
  });

  it('registers each node Ready on its own loopback address, as system:node:<name>, and a second dev up changes nothing', async () => {
    for (const node of nodes) {
      const object = await clients.core.readNode({ name: node.name });
      assert.ok(
        object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        `${node.name} Ready`,
      );
      assert.deepEqual(
        object.status?.addresses?.map((a) => ({ type: a.type, address: a.address })),
        [
          { type: 'InternalIP', address: node.address },
          { type: 'Hostname', address: node.name },
        ],
      );
      assert.equal(object.status?.nodeInfo?.kubeletVersion, kube.versions.kubernetes, 'the kubelet reports the pinned release');
      assert.equal(object.metadata?.labels?.[KUBE_NODE_LABEL.key], KUBE_NODE_LABEL.value);
      const taints = object.spec?.taints ?? [];
      assert.ok(!taints.some((t) => t.key === UNINITIALIZED_TAINT_KEY), 'the uninitialized taint is gone');
      assert.ok(
        taints.some((t) => t.key === KUBE_NODE_TAINT.key && t.effect === KUBE_NODE_TAINT.effect),
        'only pods that tolerate real nodes land there',
      );

      // The kubelet's own credentials: a node identity the Node authorizer confines, not an admin.
      const lib = await loadK8s();
      const kc = new lib.KubeConfig();
      kc.loadFromFile(node.kubelet.kubeconfig);
      const review = await kc.makeApiClient(lib.AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
      assert.equal(review.status?.userInfo?.username, `system:node:${node.name}`);
      assert.ok(review.status?.userInfo?.groups?.includes('system:nodes'));
      assert.ok(!review.status?.userInfo?.groups?.includes('system:masters'));
    }

    const uids = await Promise.all(nodes.map(async (n) => (await clients.core.readNode({ name: n.name })).metadata!.uid));
    const again = await withLock('kubernetes-up', () => stackUp(stackConfig, kubeNodeComponents(NODES)));
    for (const node of nodes) assert.match(again.get(node.name) ?? '', /^reused-/, `${node.name} reused`);
    const after = await Promise.all(nodes.map(async (n) => (await clients.core.readNode({ name: n.name })).metadata!.uid));
    assert.deepEqual(after, uids, 'the same Node objects, not re-registered');
  });

  it('runs the example service one pod per node with a real /healthz probe, then rolls forward and back with kubectl', async (t) => {
    const docker = dockerClient();
    const v1 = await serviceImage(docker, 'k8s-nodes-go-service', '1.0.0+aaaaaaa');
    const v2 = await serviceImage(docker, 'k8s-nodes-go-service', '2.0.0+bbbbbbb');
    const port = await portFreeOnEveryNode();
    const app = 'go-service';

    let started = Date.now();
    await clients.apps.createNamespacedDeployment({ namespace, body: exampleDeployment(app, v1, port) });
    await servesEverywhere(clients, namespace, app, port, '1.0.0+aaaaaaa');
    t.diagnostic(`apply -> ${NODES} pods Ready and answering: ${Date.now() - started} ms`);

    // The readiness probe is the kubelet's real GET /healthz: the service counts it.
    for (const node of nodes) {
      const metrics = await (await fetch(`http://${node.address}:${port}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
      const probes = /http_requests_total\{code="200",handler="healthz"\} (\d+)/.exec(metrics);
      assert.ok(probes && Number(probes[1]) > 0, `the kubelet of ${node.name} probed /healthz (${probes?.[0] ?? 'no healthz series'})`);
    }

    started = Date.now();
    await kubectl('--namespace', namespace, 'set', 'image', `deployment/${app}`, `app=${v2}`);
    await servesEverywhere(clients, namespace, app, port, '2.0.0+bbbbbbb');
    t.diagnostic(`rolling update to v2: ${Date.now() - started} ms`);

    started = Date.now();
    await kubectl('--namespace', namespace, 'rollout', 'undo', `deployment/${app}`);
    await servesEverywhere(clients, namespace, app, port, '1.0.0+aaaaaaa');
    t.diagnostic(`kubectl rollout undo back to v1: ${Date.now() - started} ms`);
    const sets = await clients.apps.listNamespacedReplicaSet({ namespace });
    assert.equal(sets.items.length, 2, 'the undo reused the first ReplicaSet');
  });

  it('stops a node with a pod running and leaves no container, shim, mount or Node object behind', async () => {
    // A node of its own, with a taint of its own: the shared nodes keep running, and the real-pod
    // suites beside this one, which tolerate real nodes in general, stay off it (CI run 7).
    const own = await startOwnNodes(1, 'k8s-node-stop');
    const node = own.nodes[0]!;
    let stopped = false;
    try {
      const registered = await clients.core.readNode({ name: node.name });
      const ownTaint = own.tolerations.at(-1)!;
      assert.ok(
        registered.spec?.taints?.some((t) => t.key === ownTaint.key && t.value === ownTaint.value && t.effect === ownTaint.effect),
        `${node.name} registered with its own taint: ${JSON.stringify(registered.spec?.taints)}`,
      );
      for (const [key, value] of Object.entries(own.nodeSelector)) assert.equal(registered.metadata?.labels?.[key], value, `${node.name} has its own label`);
      const pod = `pause-on-${node.name}`;
      await clients.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: pod },
          spec: {
            nodeName: node.name,
            hostNetwork: true,
            automountServiceAccountToken: false,
            tolerations: own.tolerations,
            containers: [{ name: 'pause', image: await ensurePauseImage(stackConfig) }],
          },
        },
      });
      const running = await eventually(
        `${pod} running`,
        async () => {
          const p = await clients.core.readNamespacedPod({ name: pod, namespace });
          return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
        },
        60000,
      );
      const containerId = running.status!.containerStatuses![0]!.containerID!.replace(/^containerd:\/\//, '');
      assert.ok(processesOfContainer(containerId).length > 0, 'the container runs');
      assert.ok(processesNaming(node.containerd.socket).length > 0, 'a shim serves the node');
      const containerd = livePid(pidFile(stackConfig, containerdName(node)));
      assert.ok(containerd !== undefined, 'the node has its own containerd');
      assert.ok(mountsUnder(node.dir).length > 0, 'the node has mounts (kubelet root, sandbox /dev/shm, rootfs)');

      const down = await own.stop();
      stopped = true;
      assert.deepEqual(down, [node.name]);
      assert.deepEqual(processesOfContainer(containerId), [], 'no process of the container is left');
      assert.deepEqual(processesNaming(node.containerd.socket), [], 'no shim of the node is left');
      assert.equal(livePid(pidFile(stackConfig, containerdName(node))), undefined, 'its containerd is stopped');
      assert.equal(livePid(pidFile(stackConfig, node.name)), undefined, 'its kubelet is stopped');
      assert.deepEqual(mountsUnder(node.dir), [], 'nothing stays mounted under the node dir');
      await assert.rejects(clients.core.readNode({ name: node.name }), (err: { code?: number }) => err.code === 404, 'the Node object is deleted');
      // Its kubelet is gone, so nothing would confirm the pod's deletion: removed without waiting.
      await clients.core.deleteNamespacedPod({ name: pod, namespace, gracePeriodSeconds: 0 });
    } finally {
      if (!stopped) await own.stop();
    }
  });

  it('a spare node whose kubelet was killed stays with its test: the next test gets another slot', async () => {
    // kubelet-kill kills one of its own nodes; a slot chosen by "no kubelet runs" alone went to
    // the node test meanwhile, which restarted and stopped that node under it (CI run 19).
    const first = await startOwnNodes(1, 'k8s-node-claim');
    try {
      const victim = first.nodes[0]!;
      const pid = livePid(pidFile(stackConfig, victim.name));
      assert.ok(pid, `the kubelet of ${victim.name} runs`);
      process.kill(pid, 'SIGKILL');
      await eventually(`the kubelet of ${victim.name} is gone`, async () => (livePid(pidFile(stackConfig, victim.name)) === undefined ? true : undefined), 10000, 50);
      const second = await startOwnNodes(1, 'k8s-node-claim');
      try {
        assert.notEqual(second.nodes[0]!.name, victim.name, 'the killed node is still claimed');
        const node = await clients.core.readNode({ name: victim.name });
        assert.equal(
          node.metadata?.labels?.[Object.keys(first.nodeSelector)[0]!],
          Object.values(first.nodeSelector)[0],
          'the killed node keeps the label of the test that owns it',
        );
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});
