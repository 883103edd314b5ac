import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

/**
 * Kubernetes API clients from a kubeconfig, shared by the kubernetes target and routers
 * (activities) and the embedded stack's control plane (dev).
 *
 * @kubernetes/client-node 1.x is ESM-only while Sluice is CommonJS: the module is loaded once with
 * a dynamic import (which module node16 keeps as a real `import()`), and only its types are
 * imported statically.
 */
export type K8s = typeof k8s;
export type { k8s };

let loaded: Promise<K8s> | undefined;

export function loadK8s(): Promise<K8s> {
  loaded ??= import('@kubernetes/client-node');
  return loaded;
}

/** Where to find the cluster; every field is optional and falls back to the environment. */
export interface KubeConnectionSettings {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export interface KubeClients {
  k8s: K8s;
  kc: k8s.KubeConfig;
  apps: k8s.AppsV1Api;
  core: k8s.CoreV1Api;
  objects: k8s.KubernetesObjectApi;
  namespace: string;
  /** Where the credentials came from, for logs and error messages (never the credentials). */
  source: string;
}

const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * Order: the spec's kubeconfig, then $SLUICE_KUBECONFIG, then $KUBECONFIG, then the pod's
 * service account when Sluice runs inside a cluster, then ~/.kube/config.
 */
function loadConfig(kc: k8s.KubeConfig, settings: KubeConnectionSettings, env: NodeJS.ProcessEnv): string {
  const file = settings.kubeconfig ?? env.SLUICE_KUBECONFIG ?? env.KUBECONFIG?.split(':').find((f) => f && existsSync(f));
  if (file) {
    kc.loadFromFile(file);
    return file;
  }
  if (env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_NAMESPACE)) {
    kc.loadFromCluster();
    return 'in-cluster service account';
  }
  const home = join(homedir(), '.kube', 'config');
  if (!existsSync(home)) {
    throw new Error('no Kubernetes credentials: set target.kubeconfig, $SLUICE_KUBECONFIG or $KUBECONFIG, or run Sluice in a pod');
  }
  kc.loadFromFile(home);
  return home;
}

function pickNamespace(kc: k8s.KubeConfig, settings: KubeConnectionSettings, env: NodeJS.ProcessEnv, source: string): string {
  if (settings.namespace) return settings.namespace;
  if (env.SLUICE_KUBE_NAMESPACE) return env.SLUICE_KUBE_NAMESPACE;
  const fromContext = kc.getContextObject(kc.getCurrentContext())?.namespace;
  if (fromContext) return fromContext;
  if (source === 'in-cluster service account') return readFileSync(IN_CLUSTER_NAMESPACE, 'utf8').trim();
  return 'default';
}

/** The TLS options of an agent client-node made, as a key: equal keys can share one connection pool. */
function tlsKey(agent: https.Agent): string {
  const o = agent.options;
  const hash = createHash('sha256');
  for (const part of [o.ca, o.cert, o.key, o.pfx, o.passphrase, o.servername, String(o.rejectUnauthorized)]) {
    for (const piece of [part].flat()) hash.update(String(piece ?? '')).update('\0');
  }
  return hash.digest('hex');
}

/**
 * client-node 1.x builds a new https.Agent for every request and every watch, so each API call
 * paid a TLS handshake (15–20 ms on loopback: most of the time of a scale step). Here each
 * request's fresh agent is swapped for one keep-alive agent with the same TLS options; options
 * change only when credentials do (an exec plugin's new certificate), and then a new pool starts.
 * Proxy and plain-HTTP agents are left as they are.
 */
function reuseConnections(kc: k8s.KubeConfig): void {
  let pool: { key: string; agent: https.Agent } | undefined;
  const shared = (fresh: unknown): unknown => {
    if (!(fresh instanceof https.Agent) || fresh.constructor !== https.Agent) return fresh;
    const key = tlsKey(fresh);
    if (pool?.key !== key) {
      const o = fresh.options;
      pool = {
        key,
        agent: new https.Agent({
          ca: o.ca,
          cert: o.cert,
          key: o.key,
          pfx: o.pfx,
          passphrase: o.passphrase,
          servername: o.servername,
          rejectUnauthorized: o.rejectUnauthorized,
          keepAlive: true,
        }),
      };
    }
    return pool.agent;
  };
  const authenticate = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (context) => {
    await authenticate(context);
    context.setAgent(shared(context.getAgent()) as https.Agent);
  };
  const fetchOptions = kc.applyToFetchOptions.bind(kc);
  kc.applyToFetchOptions = async (opts) => {
    const init = await fetchOptions(opts);
    return { ...init, agent: shared(init.agent) as typeof init.agent };
  };
}

const cache = new Map<string, Promise<KubeClients>>();

/** Clients for one cluster/context, built once per process and shared by every activity. */
export function connectKubernetes(settings: KubeConnectionSettings = {}, env: NodeJS.ProcessEnv = process.env): Promise<KubeClients> {
  const key = JSON.stringify([settings.kubeconfig, settings.context, settings.namespace, env.SLUICE_KUBECONFIG, env.KUBECONFIG]);
  let clients = cache.get(key);
  if (!clients) {
    clients = (async () => {
      const lib = await loadK8s();
      const kc = new lib.KubeConfig();
      const source = loadConfig(kc, settings, env);
      if (settings.context) kc.setCurrentContext(settings.context);
      reuseConnections(kc);
      return {
        k8s: lib,
        kc,
        apps: kc.makeApiClient(lib.AppsV1Api),
        core: kc.makeApiClient(lib.CoreV1Api),
        objects: lib.KubernetesObjectApi.makeApiClient(kc),
        namespace: pickNamespace(kc, settings, env, source),
        source,
      };
    })();
    clients.catch(() => cache.delete(key));
    cache.set(key, clients);
  }
  return clients;
}

/** The HTTP status of a failed API call (404, 409, ...), or undefined for other errors. */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Reads an object, or undefined when it does not exist. */
export async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    throw err;
  }
}

export const FIELD_MANAGER = 'sluice';

/** Server-side apply of one object with the `sluice` field manager; conflicts are forced. */
export async function serverSideApply<T extends k8s.KubernetesObject>(clients: KubeClients, object: T): Promise<T> {
  return clients.objects.patch(object, undefined, undefined, FIELD_MANAGER, true, clients.k8s.PatchStrategy.ServerSideApply);
}
