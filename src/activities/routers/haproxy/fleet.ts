/**
 * The HAProxy router in front of a fleet: the same one process per service and environment as
 * HaproxyRouter, but its backend has one server per host (`host_<name>`, src/domain/fleet.ts)
 * instead of the stable/canary/baseline slots. Hosts are drained and made ready through the
 * runtime API, so a release across hosts never reloads the proxy.
 */
import { adminStateOf, serverStates } from '../../../lib/haproxy';
import { ensureInstance, findHaproxy, HaproxyConfigError } from '../../../lib/haproxy-instance';
import { hostServerName } from '../../../domain/fleet-names';
import { ErrorType, badInput } from '../../../domain/errors';
import { parseSettings } from '../../targets/settings';
import type { RouterScope } from '../router';
import { proxyInstance, proxyName, renderProxy } from './config';
import { applyCommands, drainServer, HaproxyRouterSettings, type HaproxyRouterDeps } from './index';

export interface HostServer {
  host: string;
  address: string;
  port: number;
  weight: number;
  state: 'ready' | 'drain' | 'maint';
}

const HOST_PREFIX = hostServerName('');

export class HaproxyFleetRouter {
  private readonly settings: HaproxyRouterSettings;

  constructor(
    rawSettings: unknown,
    private readonly deps: HaproxyRouterDeps,
  ) {
    this.settings = parseSettings(HaproxyRouterSettings, rawSettings, 'haproxy router');
  }

  private instance(scope: RouterScope) {
    return proxyInstance(this.deps.runDir, scope);
  }

  /** The proxy with a server per host; a host added later changes the config and reloads it once. */
  async ensure(scope: RouterScope, hosts: readonly string[]): Promise<void> {
    const content = renderProxy(scope, this.instance(scope), {
      host: this.settings.host,
      listenPort: this.settings.listenPort,
      timeouts: this.settings.timeouts,
      servers: hosts.map(hostServerName),
    });
    try {
      await ensureInstance(this.instance(scope), content, this.deps.binary ?? findHaproxy());
    } catch (err) {
      if (!(err instanceof HaproxyConfigError)) throw err;
      throw badInput(/cannot bind|address already in use/i.test(err.message) ? ErrorType.PortInUse : ErrorType.InvalidTargetSettings, err.message);
    }
  }

  drain(scope: RouterScope, host: string): Promise<void> {
    return drainServer(this.instance(scope), proxyName(scope), hostServerName(host), this.settings.drainTimeoutMs);
  }

  /** Address first, then weight and state: the host takes requests only at its new address. */
  ready(scope: RouterScope, host: string, address: { host: string; port: number }, weight: number): Promise<void> {
    const server = `${proxyName(scope)}/${hostServerName(host)}`;
    return applyCommands(this.instance(scope), [
      `set server ${server} addr ${address.host} port ${address.port}`,
      `set server ${server} weight ${Math.max(0, Math.min(256, Math.round(weight)))}`,
      `set server ${server} state ready`,
    ]);
  }

  async hosts(scope: RouterScope): Promise<HostServer[]> {
    const rows = await serverStates(this.instance(scope).adminSocket, proxyName(scope)).catch((err: Error) => {
      if (/ENOENT|ECONNREFUSED/.test(err.message)) return [];
      throw err;
    });
    return rows
      .filter((r) => r.server.startsWith(HOST_PREFIX))
      .map((r) => ({ host: r.server.slice(HOST_PREFIX.length), address: r.address, port: r.port, weight: r.weight, state: adminStateOf(r.adminState) }));
  }
}
