import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { findHaproxy } from '../../lib/haproxy-instance';
import { connectKubernetes, type k8s } from '../../lib/kubernetes';
import { proxiedPorts, type ProxiedPort } from './endpoints';
import { programPort, removeOtherPorts } from './haproxy';

export interface ServiceProxyOptions {
  kubeconfig: string;
  /** Where each proxied port's HAProxy keeps its configuration, pid and admin socket. */
  runDir: string;
  /** host:port of /healthz (also lists what is served). */
  listen: { host: string; port: number };
  logger: Logger;
}

/** What /healthz answers: the ports served and their ready pods, as of the last sync. */
export interface ServiceProxyStatus {
  service: 'sluice-kube-service-proxy';
  synced: boolean;
  ports: (ProxiedPort & { url: string })[];
  errors: string[];
}

/** A full resync this often as well, so a proxy process that died is started again without an event. */
const RESYNC_MS = 10000;
/** How long a failed watch waits before it lists and watches again. */
const RESTART_MS = 1000;

/**
 * The local stack's stand-in for kube-proxy (NodePort Services only): watches Services and Pods
 * and keeps one HAProxy per NodePort port on 127.0.0.1, balancing connections over the ready
 * pods behind it. Every change is applied through HAProxy's runtime API, within one sync of the
 * watch event.
 */
export async function runServiceProxy(options: ServiceProxyOptions): Promise<{ address: string; close(): Promise<void> }> {
  const { logger } = options;
  const clients = await connectKubernetes({ kubeconfig: options.kubeconfig });
  const binary = findHaproxy();
  const services = clients.k8s.makeInformer<k8s.V1Service>(clients.kc, '/api/v1/services', () => clients.core.listServiceForAllNamespaces());
  const pods = clients.k8s.makeInformer<k8s.V1Pod>(clients.kc, '/api/v1/pods', () => clients.core.listPodForAllNamespaces());
  const status: ServiceProxyStatus = { service: 'sluice-kube-service-proxy', synced: false, ports: [], errors: [] };
  let closed = false;

  let running: Promise<void> | undefined;
  let again = false;
  const syncOnce = async () => {
    const desired = proxiedPorts(services.list(), pods.list());
    const errors: string[] = [];
    for (const port of desired) {
      try {
        await programPort(options.runDir, port, binary);
      } catch (err) {
        errors.push(`${port.key}: ${(err as Error).message}`);
      }
    }
    const removed = await removeOtherPorts(options.runDir, desired).catch((err: Error) => {
      errors.push(`removing proxies of Services gone: ${err.message}`);
      return [];
    });
    for (const port of desired) {
      const before = status.ports.find((p) => p.key === port.key);
      const now = port.endpoints.map((e) => `${e.host}:${e.port}`).join(',');
      if (!before || before.endpoints.map((e) => `${e.host}:${e.port}`).join(',') !== now) {
        logger.info({ port: port.key, nodePort: port.nodePort, endpoints: port.endpoints.map((e) => `${e.host}:${e.port}`) }, 'endpoints');
      }
    }
    for (const name of removed) logger.info({ port: name }, 'proxy removed');
    for (const error of errors) if (!status.errors.includes(error)) logger.error({ error }, 'sync failed');
    status.ports = desired.map((p) => ({ ...p, url: `http://127.0.0.1:${p.nodePort}` }));
    status.errors = errors;
  };
  // One sync at a time; events during a sync make one more, never a queue of them.
  const sync = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await syncOnce();
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const requestSync = () => {
    if (!closed && status.synced) void sync().catch((err: Error) => logger.error({ error: err.message }, 'sync failed'));
  };

  const watch = <T extends k8s.KubernetesObject>(what: string, informer: k8s.Informer<T>) => {
    informer.on('add', requestSync);
    informer.on('update', requestSync);
    informer.on('delete', requestSync);
    // A watch that fails (the API server restarted, a resourceVersion too old) lists and watches again.
    const restart = (err: unknown) => {
      if (closed) return;
      logger.warn({ watch: what, error: (err as Error)?.message ?? String(err) }, 'watch failed; listing again');
      setTimeout(() => void informer.start().catch(restart), RESTART_MS).unref();
    };
    informer.on('error', restart);
    return informer.start();
  };
  await Promise.all([watch('services', services), watch('pods', pods)]);
  await sync();
  status.synced = true;
  const resync = setInterval(requestSync, RESYNC_MS);

  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(status.synced ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(status));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, resolve);
  });
  const bound = server.address() as AddressInfo;
  logger.info({ healthz: `http://${bound.address}:${bound.port}/healthz`, runDir: options.runDir }, 'service proxy running');

  return {
    address: `${bound.address}:${bound.port}`,
    async close() {
      closed = true;
      clearInterval(resync);
      await Promise.all([services.stop(), pods.stop()]);
      await running;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
