import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { portFromEnv, type StackConfig } from '../config';
import { MissingDependencyError } from '../component';
import { packageRoot } from '../../lib/paths';

/**
 * Where the optional local Kubernetes control plane (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok) listens and keeps its files. Everything binds to 127.0.0.1; the service IP range
 * exists only inside API objects, nothing ever sends traffic to it.
 */
export interface KubeStackConfig {
  dir: string;
  versions: { kubernetes: string; etcd: string; kwok: string };
  bins: {
    etcd: string;
    kubeApiserver: string;
    kubeControllerManager: string;
    kubeScheduler: string;
    kubectl: string;
    kwok: string;
  };
  etcd: { clientPort: number; peerPort: number; dataDir: string };
  apiserver: { port: number; serviceClusterIpRange: string };
  controllerManager: { port: number };
  scheduler: { port: number };
  kwok: { port: number; nodes: number; stagesFile: string };
  /** The stand-in for kube-proxy: `port` serves /healthz; one HAProxy per NodePort port under `runDir`. */
  serviceProxy: { port: number; runDir: string; kubeconfig: string };
  pki: { dir: string; caCert: string; caKey: string; servingCert: string; servingKey: string; saKey: string; saPub: string; tokenFile: string };
  /** The admin kubeconfig Sluice, kubectl and the tests use. */
  kubeconfig: string;
  /** Per-component kubeconfigs, each with its own token and identity. */
  componentKubeconfigs: { controllerManager: string; scheduler: string; kwok: string };
}

export const BOOTSTRAP_KUBERNETES_HINT = 'run `bash scripts/bootstrap-kubernetes.sh` to build it (cached after the first run)';

/** The version a wrapper module under tools/k8s pins: that go.mod is the one source of truth. */
export function toolVersion(module: 'kubernetes' | 'etcd' | 'kwok', dependency: string): string {
  const goMod = join(packageRoot(), 'tools', 'k8s', module, 'go.mod');
  const text = readFileSync(goMod, 'utf8');
  const escaped = dependency.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`(?:^|\\s)${escaped}\\s+(v[0-9][^\\s]*)`, 'm').exec(text);
  if (!match) throw new Error(`${goMod} does not require ${dependency}`);
  return match[1]!;
}

export function loadKubeStackConfig(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): KubeStackConfig {
  const dir = join(stack.stateDir, 'kubernetes');
  const versions = {
    kubernetes: toolVersion('kubernetes', 'k8s.io/kubernetes'),
    etcd: toolVersion('etcd', 'go.etcd.io/etcd/server/v3'),
    kwok: toolVersion('kwok', 'sigs.k8s.io/kwok'),
  };
  const k8sBin = join(stack.cacheDir, `kubernetes-${versions.kubernetes}`);
  const pki = join(dir, 'pki');
  return {
    dir,
    versions,
    bins: {
      etcd: join(stack.cacheDir, `etcd-${versions.etcd}`, 'etcd'),
      kubeApiserver: join(k8sBin, 'kube-apiserver'),
      kubeControllerManager: join(k8sBin, 'kube-controller-manager'),
      kubeScheduler: join(k8sBin, 'kube-scheduler'),
      kubectl: join(k8sBin, 'kubectl'),
      kwok: join(stack.cacheDir, `kwok-${versions.kwok}`, 'kwok'),
    },
    etcd: {
      clientPort: portFromEnv(env, 'SLUICE_ETCD_PORT', 12379),
      peerPort: portFromEnv(env, 'SLUICE_ETCD_PEER_PORT', 12380),
      dataDir: join(dir, 'etcd'),
    },
    apiserver: { port: portFromEnv(env, 'SLUICE_KUBE_APISERVER_PORT', 16443), serviceClusterIpRange: '10.96.0.0/16' },
    controllerManager: { port: portFromEnv(env, 'SLUICE_KUBE_CONTROLLER_MANAGER_PORT', 10257) },
    scheduler: { port: portFromEnv(env, 'SLUICE_KUBE_SCHEDULER_PORT', 10259) },
    kwok: {
      port: portFromEnv(env, 'SLUICE_KWOK_PORT', 10247),
      nodes: Number(env.SLUICE_KWOK_NODES ?? 3),
      stagesFile: join(packageRoot(), 'tools', 'k8s', 'kwok', 'stages.yaml'),
    },
    serviceProxy: {
      port: portFromEnv(env, 'SLUICE_KUBE_SERVICE_PROXY_PORT', 10256),
      runDir: join(dir, 'service-proxy'),
      kubeconfig: join(dir, 'service-proxy.kubeconfig'),
    },
    pki: {
      dir: pki,
      caCert: join(pki, 'ca.crt'),
      caKey: join(pki, 'ca.key'),
      servingCert: join(pki, 'apiserver.crt'),
      servingKey: join(pki, 'apiserver.key'),
      saKey: join(pki, 'sa.key'),
      saPub: join(pki, 'sa.pub'),
      tokenFile: join(pki, 'tokens.csv'),
    },
    kubeconfig: join(dir, 'admin.kubeconfig'),
    componentKubeconfigs: {
      controllerManager: join(dir, 'controller-manager.kubeconfig'),
      scheduler: join(dir, 'scheduler.kubeconfig'),
      kwok: join(dir, 'kwok.kubeconfig'),
    },
  };
}

export function apiserverUrl(kube: KubeStackConfig): string {
  return `https://127.0.0.1:${kube.apiserver.port}`;
}

/** The binary, or a MissingDependencyError that says how to build it. */
export function requireBinary(path: string, what: string): string {
  if (!existsSync(path)) throw new MissingDependencyError(`${what} (${path})`, BOOTSTRAP_KUBERNETES_HINT);
  return path;
}

/** True when every control-plane binary has been built into the cache. */
export function kubernetesBinariesBuilt(kube: KubeStackConfig): boolean {
  return Object.values(kube.bins).every((path) => existsSync(path));
}
