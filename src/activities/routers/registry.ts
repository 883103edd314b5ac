import { dirname } from 'node:path';
import type { HaproxyFiles } from '../../lib/haproxy';
import { TargetErrorType, targetFailure } from '../targets/errors';
import type { AdapterConfig } from '../config';
import { gatewayHttpRouteAdapter } from './gateway-httproute';
import { HaproxyRouter, HaproxyRouterSettings } from './haproxy';
import { noneAdapter } from './none';
import { replicaRatioAdapter } from './replica-ratio';
import type { KubernetesTrafficRouter, Router, RouterAdapter, RouterFamily, RouterRegistry } from './router';

/**
 * Today's HaproxyRouter takes the whole stack config but reads only the HAProxy paths from it
 * (dev/components/haproxy.ts haproxyFiles); this rebuilds that much from the injected addresses.
 * TODO(haproxy rewrite): the router takes HaproxyFiles itself and moves, with this adapter, to
 * routers/haproxy/index.ts; then this shim goes and the registry only imports it.
 */
function haproxyStack(files: HaproxyFiles): NonNullable<ConstructorParameters<typeof HaproxyRouter>[1]> {
  const shape = { stateDir: dirname(dirname(files.mainConfig)), haproxy: { confDir: files.confDir, masterSocket: files.masterSocket, adminSocket: files.adminSocket } };
  return shape as unknown as NonNullable<ConstructorParameters<typeof HaproxyRouter>[1]>;
}


const haproxyAdapter: RouterAdapter = {
  kind: 'haproxy',
  settings: HaproxyRouterSettings,
  frontendUrl: (settings) => {
    const s = HaproxyRouterSettings.parse(settings);
    return `http://${s.host}:${s.listenPort}/`;
  },
  loopback: (settings, config) => new HaproxyRouter(settings, haproxyStack(config.haproxy)),
};

/**
 * Every traffic router, by kind: one folder per router under src/activities/routers (see
 * docs/adapters.md). The order is the order people read in messages ("takes haproxy or none").
 */
export const ROUTERS = {
  haproxy: haproxyAdapter,
  'replica-ratio': replicaRatioAdapter,
  'gateway-httproute': gatewayHttpRouteAdapter,
  none: noneAdapter,
} as const satisfies Record<string, RouterAdapter>;

export type { RouterRegistry };

export function routerAdapter(kind: string, routers: RouterRegistry = ROUTERS): RouterAdapter {
  if (!Object.hasOwn(routers, kind)) throw targetFailure(TargetErrorType.UnknownKind, `unknown router kind "${kind}" (known: ${Object.keys(routers).join(', ')})`);
  return routers[kind]!;
}

/** Router kinds that serve a family of targets, in registry order. */
export function routerKindsFor(family: RouterFamily, routers: RouterRegistry = ROUTERS): string[] {
  return Object.values(routers)
    .filter((r) => r[family] !== undefined)
    .map((r) => r.kind);
}

function unsupported(kind: string, family: RouterFamily, routers: RouterRegistry): Error {
  return targetFailure(TargetErrorType.RouterUnsupported, `router kind "${kind}" does not work with ${family} targets (use ${routerKindsFor(family, routers).join(', ')})`);
}

/** A router for loopback targets (docker, process). */
export function createRouter(kind: string, settings: Record<string, unknown> | undefined, config: AdapterConfig, routers: RouterRegistry = ROUTERS): Router {
  const adapter = routerAdapter(kind, routers);
  if (!adapter.loopback) throw unsupported(kind, 'loopback', routers);
  return adapter.loopback(settings ?? {}, config);
}

/** A router for the Kubernetes target. */
export function createKubernetesRouter(kind: string, settings: Record<string, unknown> | undefined, routers: RouterRegistry = ROUTERS): KubernetesTrafficRouter {
  const adapter = routerAdapter(kind, routers);
  if (!adapter.kubernetes) throw unsupported(kind, 'kubernetes', routers);
  return adapter.kubernetes(settings ?? {});
}
