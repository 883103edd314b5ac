import { adminStateOf, haproxyAction, serverStates } from '../../lib/haproxy';
import { ensureInstance, haproxyInstance, instanceGlobals, listInstances, removeInstance, type HaproxyInstance } from '../../lib/haproxy-instance';
import type { Endpoint, ProxiedPort } from './endpoints';

/**
 * One HAProxy process per proxied port, as the routers run one per service: a Service added or
 * removed starts or stops its own process and never reloads another's. Pods coming and going
 * only move servers in and out of maintenance through the runtime API; the configuration (and
 * so the process) changes only when the node port changes or the pods outgrow the server slots.
 */
const BACKEND = 'endpoints';
const MIN_SERVERS = 8;

export function proxyInstanceOf(runDir: string, port: Pick<ProxiedPort, 'key'>): HaproxyInstance {
  return haproxyInstance(runDir, port.key);
}

/** Server slots for `endpoints` pods: at least 8, doubled as needed, so growth seldom restarts. */
export function serverSlots(endpoints: number): number {
  let slots = MIN_SERVERS;
  while (slots < endpoints) slots *= 2;
  return slots;
}

/**
 * TCP, as kube-proxy: each connection goes to the next ready pod, so connections split in
 * proportion to the ready pods of each track. Servers start in maintenance at a placeholder.
 */
export function renderServiceProxy(instance: HaproxyInstance, port: ProxiedPort, slots: number): string {
  return [
    `# Managed by the Sluice stack's kube-service-proxy for ${port.key} (node port ${port.nodePort}).`,
    ...instanceGlobals(instance),
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '',
    'frontend nodeport',
    `  bind 127.0.0.1:${port.nodePort}`,
    `  default_backend ${BACKEND}`,
    '',
    `backend ${BACKEND}`,
    '  balance roundrobin',
    // A replacement process (more slots, another node port) starts where this one left off.
    '  load-server-state-from-file global',
    ...Array.from({ length: slots }, (_, i) => `  server ep${i} 127.0.0.1:1 disabled`),
    '',
  ].join('\n');
}

const addressOf = (e: Pick<Endpoint, 'host' | 'port'>) => `${e.host}:${e.port}`;

/**
 * Runtime commands that make the backend serve exactly `endpoints`: a server already at a wanted
 * address stays as it is (its connections are untouched), new pods take free servers, and servers
 * of pods that left go to maintenance.
 */
export function commandsFor(current: readonly { server: string; address: string; port: number; state: 'ready' | 'drain' | 'maint' }[], endpoints: readonly Endpoint[]): string[] {
  const wanted = new Map(endpoints.map((e) => [addressOf(e), e]));
  const commands: string[] = [];
  const free: string[] = [];
  for (const row of current) {
    const address = addressOf({ host: row.address, port: row.port });
    if (row.state === 'ready' && wanted.has(address)) {
      wanted.delete(address);
      continue;
    }
    if (row.state !== 'maint') commands.push(`set server ${BACKEND}/${row.server} state maint`);
    free.push(row.server);
  }
  for (const endpoint of wanted.values()) {
    const server = free.shift();
    if (!server) break; // the caller sized the slots; never reached
    // Address first: the server takes connections only once it points at the pod.
    commands.push(`set server ${BACKEND}/${server} addr ${endpoint.host} port ${endpoint.port}`, `set server ${BACKEND}/${server} state ready`);
  }
  return commands;
}

/** Makes the port's process run and serve its ready pods. */
export async function programPort(runDir: string, port: ProxiedPort, binary: string): Promise<void> {
  const instance = proxyInstanceOf(runDir, port);
  await ensureInstance(instance, renderServiceProxy(instance, port, serverSlots(port.endpoints.length)), binary);
  const rows = (await serverStates(instance.adminSocket, BACKEND)).map((r) => ({ server: r.server, address: r.address, port: r.port, state: adminStateOf(r.adminState) }));
  for (const command of commandsFor(rows, port.endpoints)) await haproxyAction(instance.adminSocket, command);
}

/** Stops every process under `runDir` that serves none of `keep` (Services or ports gone). */
export async function removeOtherPorts(runDir: string, keep: readonly ProxiedPort[]): Promise<string[]> {
  const wanted = new Set(keep.map((p) => proxyInstanceOf(runDir, p).dir));
  const removed: string[] = [];
  for (const instance of await listInstances(runDir)) {
    if (wanted.has(instance.dir)) continue;
    await removeInstance(instance);
    removed.push(instance.name);
  }
  return removed;
}
