import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadStackConfig } from '../../src/dev/config';
import { stackUp, type Ownership } from '../../src/dev/stack';
import { KUBERNETES_COMPONENTS, kubeNodeComponents } from '../../src/dev/components/kube-stack';
import { loadKubeNodeConfig } from '../../src/dev/components/kube-node-config';
import { pidFile } from '../../src/dev/component';
import { livePid } from '../../src/dev/process';
import { kubernetesBinariesBuilt, loadKubeStackConfig, type KubeStackConfig } from '../../src/dev/components/kube-config';
import { connectKubernetes, type KubeClients } from '../../src/activities/targets/kubernetes/client';
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
 * runs the first `count` real nodes (`sluice dev up --kubernetes --kube-nodes 3`), and never start
 * or stop nodes themselves. Nodes started and deleted by a test while the suite runs disturbed the
 * kwok tests beside them (CI runs 37 and 44, docs/kubernetes.md), so the suite leaves them off
 * until that is understood.
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
export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(stackConfig.stateDir, 'locks', `${name}.lock`);
  mkdirSync(join(stackConfig.stateDir, 'locks'), { recursive: true });
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180000) rmSync(lock, { force: true });
      } catch {
        // released meanwhile
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Makes sure the shared local control plane is up (`sluice dev up --kubernetes` does the same)
 * and returns admin clients for it. Left running afterwards, like the rest of the shared stack.
 */
export async function ensureCluster(): Promise<KubeClients> {
  // stackUp reuses healthy components; the lock keeps two test files from starting two etcds.
  await withLock('kubernetes-up', () => stackUp(stackConfig, [...KUBERNETES_COMPONENTS]));
  return connectKubernetes({ kubeconfig: kube.kubeconfig });
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
