import type { RouterScope } from './router';

/** Names HAProxy accepts for proxies and config fragments, one per service + environment. */
export function proxyName(scope: RouterScope): string {
  return `sluice_${scope.service}_${scope.environment}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

export function fragmentName(scope: RouterScope): string {
  return `sluice-${scope.service}-${scope.environment}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

export interface FragmentOptions {
  host: string;
  listenPort: number;
  stateFile: string;
  timeouts: { connect: string; client: string; server: string };
}

/**
 * The proxy is written once; everything that changes during a release (addresses, weights,
 * states) goes through the runtime API and is carried across reloads by the server-state file.
 * Servers start in maintenance at a placeholder address, so a fresh proxy sends nothing anywhere
 * until the deploy activities point a slot at a ready instance.
 */
export function renderFragment(scope: RouterScope, o: FragmentOptions): string {
  const name = proxyName(scope);
  return [
    `# Managed by Sluice for ${scope.service}/${scope.environment}; runtime state via the admin socket.`,
    `frontend ${name}`,
    '  mode http',
    `  bind ${o.host}:${o.listenPort}`,
    `  timeout client ${o.timeouts.client}`,
    `  default_backend ${name}`,
    '',
    `backend ${name}`,
    '  mode http',
    '  balance roundrobin',
    `  timeout connect ${o.timeouts.connect}`,
    `  timeout server ${o.timeouts.server}`,
    // A request whose server went away (stopped instance, refused connection, closed keep-alive
    // connection) is sent again, to another server: this is what makes swaps lossless.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout',
    '  load-server-state-from-file local',
    `  server-state-file-name ${o.stateFile}`,
    '  server stable 127.0.0.1:1 weight 100 disabled',
    '  server canary 127.0.0.1:1 weight 0 disabled',
    '  server baseline 127.0.0.1:1 weight 0 disabled',
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
