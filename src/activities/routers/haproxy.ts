import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { haproxyFiles } from '../../dev/components/haproxy';
import { loadStackConfig, type StackConfig } from '../../dev/config';
import {
  applyFragment,
  backendNames,
  haproxyAction,
  haproxyCommand,
  removeFragment,
  serverStateFile,
  serverStates,
  workerPid,
  type HaproxyFiles,
} from '../../lib/haproxy';
import { sleepMs } from '../targets/activity-context';
import { LoopbackHost, parseSettings } from '../targets/settings';
import { fragmentName, proxyName, renderFragment, sessionsOf } from './haproxy-config';
import type { Address, Router, RouterScope, RouterSlot, SlotState } from './router';

export const HaproxyRouterSettings = z.strictObject({
  /** Where clients reach the service: HAProxy binds host:listenPort for it. */
  listenPort: z.number().int().min(1024).max(65535),
  host: LoopbackHost.default('127.0.0.1'),
  /** How long a draining slot may keep in-flight requests before it is taken out anyway. */
  drainTimeoutMs: z.number().int().min(0).default(10000),
  timeouts: z
    .strictObject({ connect: z.string().default('2s'), client: z.string().default('30s'), server: z.string().default('30s') })
    .default({ connect: '2s', client: '30s', server: '30s' }),
});
export type HaproxyRouterSettings = z.infer<typeof HaproxyRouterSettings>;

/** srv_admin_state bits (HAProxy's SRV_ADMF_*): any maintenance flag, any drain flag. */
const ADMIN_MAINT = 0x01 | 0x02 | 0x20; // not 0x04 (CMAINT): it only records "disabled" in the config
const ADMIN_DRAIN = 0x08 | 0x10;

/**
 * Canary weights through HAProxy's runtime API: one frontend + backend per service and
 * environment (a conf.d fragment, written once), servers `stable`, `canary`, `baseline` whose
 * address, weight and state change without a reload.
 */
export class HaproxyRouter implements Router {
  readonly kind = 'haproxy';
  readonly splitsTraffic = true;
  private readonly settings: HaproxyRouterSettings;
  private readonly files: HaproxyFiles;

  constructor(rawSettings: unknown, stack: StackConfig = loadStackConfig()) {
    this.settings = parseSettings(HaproxyRouterSettings, rawSettings, 'haproxy router');
    this.files = haproxyFiles(stack);
  }

  url(): string {
    return `http://${this.settings.host}:${this.settings.listenPort}`;
  }

  async ensure(scope: RouterScope): Promise<void> {
    const stateFile = serverStateFile(this.files);
    const content = renderFragment(scope, { host: this.settings.host, listenPort: this.settings.listenPort, stateFile, timeouts: this.settings.timeouts });
    const path = join(this.files.confDir, `${fragmentName(scope)}.cfg`);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    const loaded = (await whileReloading(() => backendNames(this.files.adminSocket))).includes(proxyName(scope));
    if (existing === content && loaded) return;
    // The state file must exist for the fragment's `server-state-file-name` (an empty one is fine).
    await writeFile(stateFile, '', { flag: 'a' });
    await whileReloading(() => applyFragment(this.files, fragmentName(scope), content, proxyName(scope)));
  }

  async route(scope: RouterScope, slots: Partial<Record<RouterSlot, { address?: Address; weight: number }>>): Promise<void> {
    const be = proxyName(scope);
    const commands: string[] = [];
    // Addresses before weights, and weights that drop before weights that rise: at no moment
    // does a slot take more traffic than in either the old or the new routing.
    const entries = Object.entries(slots) as [RouterSlot, { address?: Address; weight: number }][];
    for (const [slot, s] of entries) {
      if (s.address) commands.push(`set server ${be}/${slot} addr ${s.address.host} port ${s.address.port}`);
    }
    const current = new Map((await whileReloading(() => serverStates(this.files.adminSocket, be))).map((s) => [s.server, s.weight]));
    const byDelta = [...entries].sort(([a, x], [b, y]) => x.weight - (current.get(a) ?? 0) - (y.weight - (current.get(b) ?? 0)));
    for (const [slot, s] of byDelta) {
      commands.push(`set server ${be}/${slot} weight ${clampWeight(s.weight)}`);
      if (s.weight > 0 || slot === 'stable') commands.push(`set server ${be}/${slot} state ready`);
    }
    await this.runStable(commands);
  }

  async drain(scope: RouterScope, slot: RouterSlot): Promise<void> {
    const be = proxyName(scope);
    const state = (await whileReloading(() => serverStates(this.files.adminSocket, be))).find((s) => s.server === slot);
    if (!state || state.adminState & ADMIN_MAINT) return; // already out
    await this.runStable([`set server ${be}/${slot} state drain`]);
    const deadline = Date.now() + this.settings.drainTimeoutMs;
    while (Date.now() < deadline) {
      const sessions = sessionsOf(await whileReloading(() => haproxyCommand(this.files.adminSocket, 'show stat')), be, slot);
      if (!sessions) return;
      await sleepMs(50);
    }
  }

  async disable(scope: RouterScope, slot: RouterSlot): Promise<void> {
    const be = proxyName(scope);
    await this.runStable([`set server ${be}/${slot} weight 0`, `set server ${be}/${slot} state maint`]);
  }

  async slots(scope: RouterScope): Promise<SlotState[]> {
    const rows = await whileReloading(() => serverStates(this.files.adminSocket, proxyName(scope)));
    return rows.map((r) => ({
      slot: r.server as RouterSlot,
      address: { host: r.address, port: r.port },
      weight: r.weight,
      state: r.adminState & ADMIN_MAINT ? 'maint' : r.adminState & ADMIN_DRAIN ? 'drain' : 'ready',
    }));
  }

  async remove(scope: RouterScope): Promise<void> {
    const path = join(this.files.confDir, `${fragmentName(scope)}.cfg`);
    if ((await readFile(path, 'utf8').catch(() => undefined)) === undefined) return;
    await whileReloading(() => removeFragment(this.files, fragmentName(scope)));
  }

  /**
   * Runs runtime commands against one worker generation. A reload by anyone (another service's
   * fragment) between the state dump and the new worker taking over would lose them, so when
   * the worker changed underneath, they are applied again to the new one.
   */
  private async runStable(commands: string[]): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const same = await whileReloading(async () => {
        const before = await workerPid(this.files.masterSocket);
        for (const c of commands) await haproxyAction(this.files.adminSocket, c);
        return before === (await workerPid(this.files.masterSocket));
      });
      if (same) return;
      await sleepMs(100);
    }
  }
}

/**
 * The master re-executes itself on every reload (anyone's) and the sockets refuse connections
 * for a moment: socket errors are retried for a few seconds instead of failing the activity.
 */
export async function whileReloading<T>(fn: () => Promise<T>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const transient = /ECONNREFUSED|ENOENT|ECONNRESET|EPIPE|did not answer/.test((err as Error).message);
      if (!transient || Date.now() > deadline) throw err;
      await sleepMs(50);
    }
  }
}

function clampWeight(w: number): number {
  return Math.max(0, Math.min(256, Math.round(w)));
}
