import { haproxyInstance, instanceGlobals, type HaproxyInstance } from '../../../lib/haproxy-instance';
import type { RouterScope } from '../router';

/** The proxy (frontend and backend) name of one service + environment; also names its instance. */
export function proxyName(scope: RouterScope): string {
  return `sluice_${scope.service}_${scope.environment}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

/** The HAProxy process that serves one service + environment, under the router's run directory. */
export function proxyInstance(runDir: string, scope: RouterScope): HaproxyInstance {
  return haproxyInstance(runDir, proxyName(scope));
}

export interface ProxyOptions {
  host: string;
  listenPort: number;
  timeouts: { connect: string; client: string; server: string };
  /**
   * The backend's servers: the router slots (stable at weight 100, the others at 0) by default;
   * a fleet names one server per host instead, each at weight 100 (src/activities/fleet).
   */
  servers?: readonly string[];
}

const SLOT_SERVERS = ['stable', 'canary', 'baseline'];

/**
 * The whole configuration of one service's HAProxy process. It is written once; everything that
 * changes during a release (addresses, weights, states) goes through the runtime API and is
 * carried across restarts by the instance's server-state file. Servers start in maintenance at a
 * placeholder address, so a fresh proxy sends nothing anywhere until the deploy activities point
 * a slot at a ready instance.
 */
export function renderProxy(scope: RouterScope, instance: HaproxyInstance, o: ProxyOptions): string {
  const name = proxyName(scope);
  return [
    `# Managed by Sluice for ${scope.service}/${scope.environment}; runtime state via the admin socket.`,
    ...instanceGlobals(instance),
    'defaults',
    '  mode http',
    `  timeout connect ${o.timeouts.connect}`,
    `  timeout client ${o.timeouts.client}`,
    `  timeout server ${o.timeouts.server}`,
    '',
    `frontend ${name}`,
    `  bind ${o.host}:${o.listenPort}`,
    `  default_backend ${name}`,
    '',
    `backend ${name}`,
    '  balance roundrobin',
    // A request whose server went away (stopped instance, refused connection, closed keep-alive
    // connection) is sent again, to another server: this is what makes swaps lossless.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout',
    '  load-server-state-from-file global',
    ...(o.servers ?? SLOT_SERVERS).map((s) => `  server ${s} 127.0.0.1:1 weight ${o.servers || s === 'stable' ? 100 : 0} disabled`),
    '',
  ].join('\n');
}

/** `show stat` CSV → current sessions (scur) of one server. */
export function sessionsOf(csv: string, backend: string, server: string): number | undefined {
  const lines = csv.split('\n');
  const header = (lines[0] ?? '').replace(/^# /, '').split(',');
  const scur = header.indexOf('scur');
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f[0] === backend && f[1] === server) return Number(f[scur] ?? 0);
  }
  return undefined;
}
