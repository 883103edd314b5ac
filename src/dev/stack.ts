import { existsSync, readFileSync } from 'node:fs';
import type { StackConfig, TemporalMode } from './config';
import { logFile, pidFile, type Component } from './component';
import { alertReceiverComponent } from './components/alert-receiver';
import { alertmanagerComponent } from './components/alertmanager';
import { configEtcdComponent } from './components/config-etcd';
import { dockerdComponent } from './components/dockerd';
import { haproxyComponent } from './components/haproxy';
import { prometheusComponent } from './components/prometheus';
import { registryComponent } from './components/registry';
import { secureRegistryComponent } from './components/registry-secure';
import { supervisordComponent } from './components/supervisord';
import { KUBE_NODE_COMPONENTS, KUBERNETES_COMPONENTS, kubeNodeComponents } from './components/kube-stack';
import { containerdName } from './components/kube-node-containerd';
import { loadKubeNodeConfig } from './components/kube-node-config';
import { temporalComponent } from './components/temporal';
import { TEMPORAL_CLUSTER_COMPONENTS } from './components/temporal-cluster';
import { tcpOpen, waitFor } from './probe';
import { isAlive, livePid, stopDaemon } from './process';

/** Start order; `down` stops in reverse. */
export const COMPONENTS: readonly Component[] = [
  temporalComponent,
  dockerdComponent,
  registryComponent,
  prometheusComponent,
  alertmanagerComponent,
  haproxyComponent,
  alertReceiverComponent,
];

export type Ownership = 'started' | 'reused-own' | 'reused-external';

export interface ComponentStatus {
  name: string;
  healthy: boolean;
  /** Pid when this stack started it (and it is still alive). */
  pid?: number;
  managed: boolean;
  url: string;
  log: string;
}

function tailOfLog(path: string, lines = 15): string {
  if (!existsSync(path)) return '(no log yet)';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Started only when named (`dev up --only supervisord,config-etcd,registry-secure`): the process
 * target's supervisord, the config centre, the registry that wants credentials and TLS.
 */
export const OPTIONAL_COMPONENTS: readonly Component[] = [supervisordComponent, configEtcdComponent, secureRegistryComponent];

/**
 * Every component this stack knows: the Temporal cluster (first, so `dev down` stops its
 * PostgreSQL after its services), the core ones, the optional Kubernetes control plane and its
 * real nodes, the optional others.
 */
export const ALL_COMPONENTS: readonly Component[] = [...TEMPORAL_CLUSTER_COMPONENTS, ...COMPONENTS, ...KUBERNETES_COMPONENTS, ...KUBE_NODE_COMPONENTS, ...OPTIONAL_COMPONENTS];

export interface StackSelection {
  kubernetes?: boolean;
  /** How many real nodes to run with the control plane (0 = none; the CLI's default is DEFAULT_KUBE_NODES); only with `kubernetes`. */
  kubeNodes?: number;
  /** The dev server (default) or the cluster on PostgreSQL, which takes its place and its ports. */
  temporal?: TemporalMode;
}

/** The core components, with the cluster's in the dev server's place when asked for. */
function coreComponents(temporal: TemporalMode = 'dev'): Component[] {
  return temporal === 'cluster' ? [...TEMPORAL_CLUSTER_COMPONENTS, ...COMPONENTS.filter((c) => c !== temporalComponent)] : [...COMPONENTS];
}

/** `names` may say `temporal` for whichever Temporal the selection runs (the cluster's components, for a cluster). */
export function selectComponents(names?: string[], opts: StackSelection = {}): Component[] {
  if (!names || names.length === 0) return [...coreComponents(opts.temporal), ...(opts.kubernetes ? [...KUBERNETES_COMPONENTS, ...kubeNodeComponents(opts.kubeNodes ?? 0)] : [])];
  const known = new Map(ALL_COMPONENTS.map((c) => [c.name, c]));
  return names.flatMap((name) => {
    if (name === 'temporal' && opts.temporal === 'cluster') return [...TEMPORAL_CLUSTER_COMPONENTS];
    const component = known.get(name);
    if (!component) throw new Error(`unknown component "${name}"; known: ${[...known.keys()].join(', ')}`);
    return [component];
  });
}

/** The cluster when this state dir runs any part of it or its last `dev up` chose it, else the dev server. */
export function temporalModeInUse(config: StackConfig): TemporalMode {
  return config.temporal.mode === 'cluster' || TEMPORAL_CLUSTER_COMPONENTS.some((c) => livePid(pidFile(config, c.name)) !== undefined) ? 'cluster' : 'dev';
}

async function bringUp(config: StackConfig, component: Component): Promise<Ownership> {
  const ownPid = livePid(pidFile(config, component.name));
  let ownership: Ownership;
  if (await component.healthy(config)) {
    ownership = ownPid ? 'reused-own' : 'reused-external';
  } else if (ownPid) {
    // Ours and still starting (or hung): wait rather than start a second copy.
    ownership = 'reused-own';
  } else {
    for (const port of component.ports(config)) {
      if (await tcpOpen('127.0.0.1', port)) {
        throw new Error(
          `${component.name}: port 127.0.0.1:${port} is already taken by a process that is not a healthy ${component.name}; ` +
            'stop it or choose another port (see src/dev/config.ts for the SLUICE_*_PORT variables)',
        );
      }
    }
    await component.start(config);
    ownership = 'started';
  }
  const log = logFile(config, component.name);
  const pid = livePid(pidFile(config, component.name));
  // A daemon that exits while starting (a kubelet whose runtime was not ready yet, CI) will never
  // become healthy: say so at once, with the lines it wrote, instead of after readyTimeoutMs.
  const exited = () => (pid !== undefined && !isAlive(pid) ? `exited (pid ${pid}) before it became ready` : undefined);
  await waitFor(
    component.name,
    () => component.healthy(config),
    component.readyTimeoutMs,
    () => `last lines of ${log}:\n${tailOfLog(log)}`,
    exited,
  );
  await component.ensureConfigured?.(config);
  return ownership;
}

/** Starts every selected component that is not already healthy; safe to run again at any time. */
export async function stackUp(config: StackConfig, components: Component[] = [...COMPONENTS]): Promise<Map<string, Ownership>> {
  // Independent daemons: start them side by side, then report every failure, not just the first.
  const results = await Promise.allSettled(components.map((c) => bringUp(config, c)));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${components[i]!.name}: ${(r.reason as Error).message}`] : []));
  if (failures.length > 0) throw new Error(`the stack did not come up:\n${failures.join('\n')}`);
  return new Map(results.map((r, i) => [components[i]!.name, (r as PromiseFulfilledResult<Ownership>).value]));
}

/**
 * Writes what the selected components read (configuration files, directories, the receiver's
 * token) into the state dir and starts nothing: docker-compose.yml runs these components in
 * containers that read the same files. Returns the names of the components it prepared.
 */
export function stackPrepare(config: StackConfig, components: readonly Component[] = COMPONENTS): string[] {
  const prepared = components.filter((c) => c.prepare !== undefined);
  for (const component of prepared) component.prepare!(config);
  return prepared.map((c) => c.name);
}

/** Stops what this stack started, newest first; components it merely reused are left alone. */
export async function stackDown(config: StackConfig, components: Component[] = [...ALL_COMPONENTS]): Promise<string[]> {
  const stopped: string[] = [];
  for (const component of [...components].reverse()) {
    if (await stopDaemon(pidFile(config, component.name))) stopped.push(component.name);
    await component.afterStop?.(config);
  }
  return stopped;
}

/** True while a real node's kubelet or containerd runs. */
function kubeNodeRunning(config: StackConfig, index: number): boolean {
  const node = loadKubeNodeConfig(config, index);
  return livePid(pidFile(config, node.name)) !== undefined || livePid(pidFile(config, containerdName(node))) !== undefined;
}

/**
 * The core components (with the Temporal this state dir runs), plus the Kubernetes ones (and the
 * real nodes that run) when asked for or when this state dir runs them.
 */
export function componentsInUse(config: StackConfig, opts: StackSelection = {}): Component[] {
  const kubernetesRunning = KUBERNETES_COMPONENTS.some((c) => livePid(pidFile(config, c.name)) !== undefined);
  const optional = OPTIONAL_COMPONENTS.filter((c) => livePid(pidFile(config, c.name)) !== undefined);
  const nodes = KUBE_NODE_COMPONENTS.filter((_, i) => i < (opts.kubeNodes ?? 0) || kubeNodeRunning(config, i));
  return [...selectComponents(undefined, { kubernetes: opts.kubernetes || kubernetesRunning, temporal: opts.temporal ?? temporalModeInUse(config) }), ...nodes, ...optional];
}

export async function stackStatus(config: StackConfig, components: Component[] = componentsInUse(config)): Promise<ComponentStatus[]> {
  return Promise.all(
    components.map(async (component) => {
      const pid = livePid(pidFile(config, component.name));
      return {
        name: component.name,
        healthy: await component.healthy(config),
        pid,
        managed: pid !== undefined,
        url: component.url(config),
        log: logFile(config, component.name),
      };
    }),
  );
}
