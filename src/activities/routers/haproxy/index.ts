import { z } from 'zod';
import { ADMIN_MAINT, adminStateOf, haproxyAction, haproxyCommand, serverStates } from '../../../lib/haproxy';
import { ensureInstance, findHaproxy, HaproxyConfigError, removeInstance, saveServerState, type HaproxyInstance } from '../../../lib/haproxy-instance';
import { sleepMs } from '../../targets/activity-context';
import { IpAddress, urlHost } from '../../../domain/address';
import { parseSettings } from '../../targets/settings';
import { proxyInstance, proxyName, renderProxy, sessionsOf } from './config';
import type { Address, Router, RouterAdapter, RouterScope, RouterSlot, SlotState } from '../router';
import { ErrorType, badInput } from '../../../domain/errors';

export const HaproxyRouterSettings = z.strictObject({
  /** Where clients reach the service: HAProxy binds host:listenPort for it. */
  listenPort: z.number().int().min(1024).max(65535),
  host: IpAddress.default('127.0.0.1'),
  /** How long a draining slot may keep in-flight requests before it is taken out anyway. */
  drainTimeoutMs: z.number().int().min(0).default(10000),
  timeouts: z
    .strictObject({ connect: z.string().default('2s'), client: z.string().default('30s'), server: z.string().default('30s') })
    .default({ connect: '2s', client: '30s', server: '30s' }),
});
export type HaproxyRouterSettings = z.infer<typeof HaproxyRouterSettings>;

/** Where the router keeps its HAProxy processes: given by the composition root, never guessed. */
export interface HaproxyRouterDeps {
  /** One directory per service + environment lives here (config, pid file, admin socket, state). */
  runDir: string;
  /** The haproxy executable; default: found on PATH or in Debian's /usr/sbin. */
  binary?: string;
}

/**
 * Canary weights through HAProxy's runtime API, with one HAProxy process per service and
 * environment (see src/lib/haproxy-instance.ts): servers `stable`, `canary`, `baseline` whose
 * address, weight and state change without a reload, and no other service's change ever reloads
 * this one's process.
 */
export class HaproxyRouter implements Router {
  readonly kind = 'haproxy';
  readonly splitsTraffic = true;
  private readonly settings: HaproxyRouterSettings;

  constructor(
    rawSettings: unknown,
    private readonly deps: HaproxyRouterDeps,
  ) {
    this.settings = parseSettings(HaproxyRouterSettings, rawSettings, 'haproxy router');
  }

  url(): string {
    return `http://${this.settings.host}:${this.settings.listenPort}`;
  }

  /** The HAProxy process of one service + environment (tests and benchmarks read its socket). */
  instance(scope: RouterScope): HaproxyInstance {
    return proxyInstance(this.deps.runDir, scope);
  }

  async ensure(scope: RouterScope): Promise<void> {
    const instance = this.instance(scope);
    const content = renderProxy(scope, instance, { host: this.settings.host, listenPort: this.settings.listenPort, timeouts: this.settings.timeouts });
    try {
      await ensureInstance(instance, content, this.deps.binary ?? findHaproxy());
    } catch (err) {
      if (!(err instanceof HaproxyConfigError)) throw err;
      const portTaken = /cannot bind|address already in use/i.test(err.message);
      throw badInput(portTaken ? ErrorType.PortInUse : ErrorType.InvalidTargetSettings, err.message);
    }
  }

  async route(scope: RouterScope, slots: Partial<Record<RouterSlot, { address?: Address; weight: number }>>): Promise<void> {
    const instance = this.instance(scope);
    const be = proxyName(scope);
    const commands: string[] = [];
    // Addresses before weights, and weights that drop before weights that rise: at no moment
    // does a slot take more traffic than in either the old or the new routing.
    const entries = Object.entries(slots) as [RouterSlot, { address?: Address; weight: number }][];
    for (const [slot, s] of entries) {
      if (s.address) commands.push(`set server ${be}/${slot} addr ${s.address.host} port ${s.address.port}`);
    }
    const current = new Map((await serverStates(instance.adminSocket, be)).map((s) => [s.server, s.weight]));
    const byDelta = [...entries].sort(([a, x], [b, y]) => x.weight - (current.get(a) ?? 0) - (y.weight - (current.get(b) ?? 0)));
    for (const [slot, s] of byDelta) {
      commands.push(`set server ${be}/${slot} weight ${clampWeight(s.weight)}`);
      if (s.weight > 0 || slot === 'stable') commands.push(`set server ${be}/${slot} state ready`);
    }
    await this.apply(instance, commands);
  }

  async drain(scope: RouterScope, slot: RouterSlot): Promise<void> {
    await drainServer(this.instance(scope), proxyName(scope), slot, this.settings.drainTimeoutMs);
  }

  async disable(scope: RouterScope, slot: RouterSlot): Promise<void> {
    const be = proxyName(scope);
    await this.apply(this.instance(scope), [`set server ${be}/${slot} weight 0`, `set server ${be}/${slot} state maint`]);
  }

  async slots(scope: RouterScope): Promise<SlotState[]> {
    const rows = await serverStates(this.instance(scope).adminSocket, proxyName(scope)).catch((err: Error) => {
      // No process, no proxy: nothing routes.
      if (/ENOENT|ECONNREFUSED/.test(err.message)) return [];
      throw err;
    });
    return rows.map((r) => ({
      slot: r.server as RouterSlot,
      address: { host: r.address, port: r.port },
      weight: r.weight,
      state: adminStateOf(r.adminState),
    }));
  }

  async remove(scope: RouterScope): Promise<void> {
    await removeInstance(this.instance(scope));
  }

  private apply(instance: HaproxyInstance, commands: string[]): Promise<void> {
    return applyCommands(instance, commands);
  }
}

/** Runtime commands, then the state file, so a restarted process comes back with this routing. */
export async function applyCommands(instance: HaproxyInstance, commands: string[]): Promise<void> {
  for (const c of commands) await haproxyAction(instance.adminSocket, c);
  await saveServerState(instance);
}

/** Puts a server in drain (no new requests) and waits until its sessions ended or the timeout passed. */
export async function drainServer(instance: HaproxyInstance, backend: string, server: string, timeoutMs: number): Promise<void> {
  const state = (await serverStates(instance.adminSocket, backend)).find((s) => s.server === server);
  if (!state || state.adminState & ADMIN_MAINT) return; // already out
  await applyCommands(instance, [`set server ${backend}/${server} state drain`]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const sessions = sessionsOf(await haproxyCommand(instance.adminSocket, 'show stat'), backend, server);
    if (!sessions) return;
    await sleepMs(50);
  }
}

/** A server's admin state as ready, drain or maint. */
function clampWeight(w: number): number {
  return Math.max(0, Math.min(256, Math.round(w)));
}

/** The HAProxy router as the registry lists it: loopback targets only, reached at host:listenPort. */
export const haproxyAdapter: RouterAdapter = {
  kind: 'haproxy',
  settings: HaproxyRouterSettings,
  frontendUrl: (settings) => {
    const s = HaproxyRouterSettings.parse(settings);
    return `http://${urlHost(s.host)}:${s.listenPort}/`;
  },
  loopback: (settings, config) => new HaproxyRouter(settings, config.haproxy),
};
