import type { AdapterConfig } from '../config';
import { gatewayHttpRouteAdapter } from './gateway-httproute';
import { haproxyAdapter } from './haproxy';
import { noneAdapter } from './none';
import { replicaRatioAdapter } from './replica-ratio';
import type { KubernetesTrafficRouter, Router, RouterAdapter, RouterFamily, RouterRegistry } from './router';
import { ErrorType, badInput } from '../../domain/errors';

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
  if (!Object.hasOwn(routers, kind)) throw badInput(ErrorType.UnknownAdapterKind, `unknown router kind "${kind}" (known: ${Object.keys(routers).join(', ')})`);
  return routers[kind]!;
}

/** Router kinds that serve a family of targets, in registry order. */
export function routerKindsFor(family: RouterFamily, routers: RouterRegistry = ROUTERS): string[] {
  return Object.values(routers)
    .filter((r) => r[family] !== undefined)
    .map((r) => r.kind);
}

function unsupported(kind: string, family: RouterFamily, routers: RouterRegistry): Error {
  return badInput(ErrorType.RouterUnsupported, `router kind "${kind}" does not work with ${family} targets (use ${routerKindsFor(family, routers).join(', ')})`);
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
