import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { loadStackConfig } from '../../src/dev/config';
import { withFileLock } from '../../src/lib/file-lock';
import { stackDown, stackUp, type Ownership } from '../../src/dev/stack';
import { KUBERNETES_COMPONENTS, kubeNodeComponents } from '../../src/dev/components/kube-stack';
import {
  KUBE_NODE_TAINT,
  kubeNodeName,
  loadKubeNodeConfig,
  MAX_KUBE_NODES,
  type KubeNodeConfig,
  type KubeNodeOptions,
  type NodeTaint,
} from '../../src/dev/components/kube-node-config';
import { kubeNodeComponent } from '../../src/dev/components/kube-node';
import { pidFile, type Component } from '../../src/dev/component';
import { livePid } from '../../src/dev/process';
import { kubernetesBinariesBuilt, loadKubeStackConfig, type KubeStackConfig } from '../../src/dev/components/kube-config';
import { connectKubernetes, type k8s, type KubeClients } from '../../src/activities/targets/kubernetes/client';
import { uniqueName } from '../helpers/stack';

export const stackConfig = loadStackConfig();
export const kube: KubeStackConfig = loadKubeStackConfig(stackConfig);

/**
 * Why the Kubernetes tests cannot run, or undefined when they can. Only missing binaries are a
 * reason to skip (the test command builds them); a control plane that fails to start fails.
 */
export function skipReason(): string | undefined {
  if (kubernetesBinariesBuilt(kube)) return undefined;
  return `the Kubernetes control-plane binaries are not built (${kube.bins.kubeApiserver}); run bash scripts/bootstrap-kubernetes.sh`;
}

/**
 * Why the tests on real nodes cannot run, or undefined when they can: they run only when the stack
 * runs the first `count` real nodes (`sluice dev up --kubernetes --kube-nodes 3`). A test that
 * breaks or stops a node starts one of its own for that (`startOwnNodes`); the shared ones stay.
 */
export function realNodesSkipReason(count: number): string | undefined {
  const reason = skipReason();
  if (reason) return reason;
  const first = loadKubeNodeConfig(stackConfig, 0);
  if (!existsSync(first.kubeletBin)) return `the kubelet is not built (${first.kubeletBin}); run bash scripts/bootstrap-kubernetes.sh`;
  for (let i = 0; i < count; i++) {
    const node = loadKubeNodeConfig(stackConfig, i);
    if (livePid(pidFile(stackConfig, node.name)) === undefined) return `the real nodes do not run (${node.name}); start them with sluice dev up --kubernetes --kube-nodes ${count}`;
  }
  return undefined;
}

/** A cross-process lock (test files run in parallel processes): exclusive create, stale after 3 min. */
export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(join(stackConfig.stateDir, 'locks', `${name}.lock`), 180000, fn, 200);
}

/**
 * Makes sure the shared local control plane is up (`sluice dev up --kubernetes` does the same)
 * and returns admin clients for it. Left running afterwards, like the rest of the shared stack.
 */
export async function ensureCluster(): Promise<KubeClients> {
  // A running control plane needs no lock: the lock is also held while other files start or stop
  // nodes, and a one-minute test waiting behind a node's start was cancelled (CI).
  const running = (await Promise.all(KUBERNETES_COMPONENTS.map((c) => c.healthy(stackConfig)))).every(Boolean);
  // stackUp reuses healthy components; the lock keeps two test files from starting two etcds.
  if (!running) await withLock('kubernetes-up', () => stackUp(stackConfig, [...KUBERNETES_COMPONENTS]));
  const clients = await connectKubernetes({ kubeconfig: kube.kubeconfig });
  staleNamespacesDeleted ??= deleteStaleTestNamespaces(clients);
  await staleNamespacesDeleted;
  return clients;
}

/** No test file runs this long; a test namespace older than this was left by a run that was killed. */
const STALE_TEST_NAMESPACE_MS = 2 * 60 * 60 * 1000;
let staleNamespacesDeleted: Promise<void> | undefined;

/**
 * The stack's etcd outlives a killed test run, and so did its namespaces: their Deployments
 * restarted their pods on every node start and held ports and CPU in every later local run.
 */
async function deleteStaleTestNamespaces(clients: KubeClients): Promise<void> {
  const namespaces = await clients.core.listNamespace({ labelSelector: 'sluice.dev/test=true' }).catch(() => undefined);
  const cutoff = Date.now() - STALE_TEST_NAMESPACE_MS;
  for (const ns of namespaces?.items ?? []) {
    const created = ns.metadata?.creationTimestamp ? new Date(ns.metadata.creationTimestamp).getTime() : Date.now();
    if (created < cutoff && !ns.metadata?.deletionTimestamp) await deleteNamespace(clients, ns.metadata!.name!);
  }
}

/**
 * Makes sure the first `count` real nodes run and are Ready (`dev up --kubernetes --kube-nodes
 * <count>` does the same), starting what is missing. Says which components it started, so a test
 * can stop what it started and leave the shared stack as it found it.
 */
export async function ensureRealNodes(count: number): Promise<{ clients: KubeClients; ownership: Map<string, Ownership>; ms: number }> {
  const clients = await ensureCluster();
  const started = Date.now();
  const ownership = await withLock('kubernetes-up', () => stackUp(stackConfig, kubeNodeComponents(count)));
  return { clients, ownership, ms: Date.now() - started };
}

/** The real nodes the stack runs for every test (`dev up --kube-nodes 3`); spare slots come after them. */
export const SHARED_REAL_NODES = 3;

/** Real nodes one test runs for itself: no other test's pods can land on them. */
export interface OwnNodes {
  nodes: KubeNodeConfig[];
  /** The stack components, to stop or restart one of them with the same taint and label. */
  components: Component[];
  /** What a pod needs to run on them: their label selected, the real-node taint and theirs tolerated. */
  nodeSelector: Record<string, string>;
  tolerations: k8s.V1Toleration[];
  /** Stops them and deletes their Node objects; says which it stopped. */
  stop(): Promise<string[]>;
}

/**
 * A spare slot's claim: a pid file naming the test process that runs nodes there. A slot is taken
 * while that process lives, even when the node's kubelet does not run (a test that kills one).
 */
function slotClaim(index: number): string {
  return join(stackConfig.stateDir, 'locks', `${kubeNodeName(index)}.claim`);
}

/**
 * Starts `count` real nodes in spare slots (after the shared ones), each registered with a taint
 * and a label of its own. Pods of the real-pod suites tolerate real nodes in general, so without
 * the taint the scheduler would place them on a node this test is about to stop or break.
 */
export async function startOwnNodes(count: number, purpose: string): Promise<OwnNodes> {
  const ownTaint: NodeTaint = { key: 'sluice.dev/test-node', value: uniqueName(purpose), effect: 'NoSchedule' };
  const options: KubeNodeOptions = { extraTaints: [ownTaint], extraLabels: { [ownTaint.key]: ownTaint.value } };
  const clients = await ensureCluster();
  // Chosen and claimed under the lock, so two files never take the same slot; started outside it,
  // since the claims keep the slots apart and a start can take minutes.
  const indices = await withLock('kubernetes-up', async () => {
    const free = Array.from({ length: MAX_KUBE_NODES }, (_, i) => i).filter(
      (i) => i >= SHARED_REAL_NODES && livePid(slotClaim(i)) === undefined && livePid(pidFile(stackConfig, kubeNodeName(i))) === undefined,
    );
    if (free.length < count) throw new Error(`${purpose} needs ${count} spare real node slots, ${free.length} are free`);
    const chosen = free.slice(0, count);
    for (const i of chosen) writeFileSync(slotClaim(i), String(process.pid));
    return chosen;
  });
  const claims = indices.map(slotClaim);
  const components = indices.map((i) => kubeNodeComponent(i, options));
  try {
    // A Node left by a test that died would keep its taint and label: the kubelet registers
    // against an existing Node without changing either.
    for (const i of indices) await clients.core.deleteNode({ name: kubeNodeName(i) }).catch(() => undefined);
    await stackUp(stackConfig, components);
  } catch (err) {
    await stackDown(stackConfig, components).catch(() => undefined);
    for (const claim of claims) rmSync(claim, { force: true });
    throw err;
  }
  const nodes = indices.map((i) => loadKubeNodeConfig(stackConfig, i, process.env, options));
  return {
    nodes,
    components,
    nodeSelector: { [ownTaint.key]: ownTaint.value },
    tolerations: [KUBE_NODE_TAINT, ownTaint].map((t) => ({ key: t.key, operator: 'Equal', value: t.value, effect: t.effect })),
    // The claims go last: until then no other file takes the slots.
    stop: async () => {
      const stopped = await stackDown(stackConfig, components);
      for (const claim of claims) rmSync(claim, { force: true });
      return stopped;
    },
  };
}

/** A namespace of its own per test, deleted (with everything in it) at the end. */
export async function createNamespace(clients: KubeClients, name: string): Promise<void> {
  await clients.core.createNamespace({ body: { metadata: { name, labels: { 'sluice.dev/test': 'true' } } } });
}

export async function deleteNamespace(clients: KubeClients, name: string): Promise<void> {
  try {
    await clients.core.deleteNamespace({ name });
  } catch {
    // already gone
  }
}

/**
 * One namespace per test suite on the shared control plane: created before the suite's tests
 * (starting the cluster if needed) and deleted after them. Call inside `describe`.
 */
export function suiteNamespace(prefix: string): { namespace: string; readonly clients: KubeClients } {
  const namespace = uniqueName(prefix);
  let clients: KubeClients | undefined;
  before(async () => {
    clients = await ensureCluster();
    await createNamespace(clients, namespace);
  });
  after(async () => {
    if (clients) await deleteNamespace(clients, namespace);
  });
  return {
    namespace,
    get clients(): KubeClients {
      if (!clients) throw new Error(`the ${namespace} namespace is not set up yet`);
      return clients;
    },
  };
}
