import type { k8s } from '../../lib/kubernetes';

/**
 * What the local stack's service proxy serves, worked out from Services and Pods alone. It plays
 * kube-proxy's part for NodePort Services, with one difference the stack forces on it: the API
 * server refuses loopback addresses in EndpointSlices ("may not be in the loopback range"), and
 * every real node here is a loopback address, so the endpoints come from the Services' selectors
 * and the pods' readiness, as the EndpointSlice controller would compute them.
 */
export interface Endpoint {
  host: string;
  port: number;
  /** namespace/name of the pod, for status and logs. */
  pod: string;
}

export interface ProxiedPort {
  /** namespace/service:port, unique per proxied port. */
  key: string;
  namespace: string;
  service: string;
  portName: string;
  /** Where the proxy listens for this port: the node port on loopback. */
  nodePort: number;
  /** Ready pods, sorted, so the same set always gives the same list. */
  endpoints: Endpoint[];
}

/** Ready as the EndpointSlice controller counts it: the Ready condition, and not on its way out. */
export function podIsReady(pod: k8s.V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Where the pod takes connections: the node's address for a host-network pod, else its own. */
function podAddress(pod: k8s.V1Pod): string | undefined {
  return pod.spec?.hostNetwork ? pod.status?.hostIP : pod.status?.podIP;
}

function selects(selector: Record<string, string>, pod: k8s.V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The pod's port for a Service port's targetPort: a number as is, a name from the pod's containers. */
export function resolveTargetPort(pod: k8s.V1Pod, port: k8s.V1ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    const found = (container.ports ?? []).find((p) => p.name === target);
    if (found) return found.containerPort;
  }
  return undefined;
}

/**
 * Every port of every NodePort Service with a selector, with the ready pods behind it. A Service
 * without a selector has its endpoints managed by someone else, and ClusterIP addresses are never
 * reachable here, so both are left out.
 */
export function proxiedPorts(services: readonly k8s.V1Service[], pods: readonly k8s.V1Pod[]): ProxiedPort[] {
  const out: ProxiedPort[] = [];
  for (const service of services) {
    const selector = service.spec?.selector;
    const namespace = service.metadata?.namespace ?? 'default';
    const name = service.metadata?.name ?? '';
    if (service.spec?.type !== 'NodePort' || !selector || Object.keys(selector).length === 0) continue;
    const members = pods.filter((p) => (p.metadata?.namespace ?? 'default') === namespace && selects(selector, p) && podIsReady(p) && podAddress(p));
    for (const port of service.spec.ports ?? []) {
      if (!port.nodePort || (port.protocol ?? 'TCP') !== 'TCP') continue;
      const endpoints: Endpoint[] = [];
      for (const pod of members) {
        const target = resolveTargetPort(pod, port);
        if (target !== undefined) endpoints.push({ host: podAddress(pod)!, port: target, pod: `${namespace}/${pod.metadata?.name ?? ''}` });
      }
      endpoints.sort((a, b) => `${a.host}:${a.port}`.localeCompare(`${b.host}:${b.port}`));
      const portName = port.name ?? String(port.port);
      out.push({ key: `${namespace}/${name}:${portName}`, namespace, service: name, portName, nodePort: port.nodePort, endpoints });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}
