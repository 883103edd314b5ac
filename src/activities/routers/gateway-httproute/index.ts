import { z } from 'zod';
import { serverSideApply, type KubeClients } from '../../targets/kubernetes/client';
import { LABEL, baseName, serviceManifest, type Scope } from '../../targets/kubernetes/manifests';
import type { KubernetesRouterContext, KubernetesTrafficRouter, RouterAdapter } from '../router';

/**
 * Traffic by Gateway API HTTPRoute backend weights: a stable and a canary Service, each
 * selecting one Deployment's pods, behind one HTTPRoute whose backendRefs carry the weights the
 * gateway implementation enforces. Both Deployments keep their full replica count.
 */
export const GatewayRouterSettings = z.strictObject({
  /** The Gateway the route attaches to (parentRefs). */
  gateway: z.string().min(1).default('sluice'),
  gatewayNamespace: z.string().min(1).optional(),
  hostnames: z.array(z.string().min(1)).default([]),
  pathPrefix: z.string().startsWith('/').default('/'),
});
export type GatewayRouterSettings = z.infer<typeof GatewayRouterSettings>;

export const HTTPROUTE_API_VERSION = 'gateway.networking.k8s.io/v1';

export function stableServiceName(scope: Pick<Scope, 'service' | 'environment'>): string {
  return `${baseName(scope)}-stable`;
}
export function canaryServiceName(scope: Pick<Scope, 'service' | 'environment'>): string {
  return `${baseName(scope)}-canary`;
}

export interface HttpRouteObject {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: {
    parentRefs: { name: string; namespace?: string }[];
    hostnames?: string[];
    rules: { matches: { path: { type: string; value: string } }[]; backendRefs: { name: string; port: number; weight: number }[] }[];
  };
}

export function httpRouteManifest(scope: Scope, settings: GatewayRouterSettings, weight: number): HttpRouteObject {
  const canary = Math.min(100, Math.max(0, weight));
  return {
    apiVersion: HTTPROUTE_API_VERSION,
    kind: 'HTTPRoute',
    metadata: {
      name: baseName(scope),
      namespace: scope.namespace,
      labels: { [LABEL.managedBy]: 'sluice', [LABEL.service]: scope.service, [LABEL.environment]: scope.environment },
    },
    spec: {
      parentRefs: [{ name: settings.gateway, ...(settings.gatewayNamespace ? { namespace: settings.gatewayNamespace } : {}) }],
      ...(settings.hostnames.length ? { hostnames: settings.hostnames } : {}),
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: settings.pathPrefix } }],
          backendRefs: [
            { name: stableServiceName(scope), port: 80, weight: 100 - canary },
            { name: canaryServiceName(scope), port: 80, weight: canary },
          ],
        },
      ],
    },
  };
}

/** The weights an HTTPRoute currently sends to the stable and canary Services. */
export async function readRouteWeights(clients: KubeClients, scope: Scope): Promise<{ stable: number; canary: number }> {
  const route = (await clients.objects.read({
    apiVersion: HTTPROUTE_API_VERSION,
    kind: 'HTTPRoute',
    metadata: { name: baseName(scope), namespace: scope.namespace },
  })) as unknown as HttpRouteObject;
  const refs = route.spec.rules[0]?.backendRefs ?? [];
  const weightOf = (name: string) => refs.find((r) => r.name === name)?.weight ?? 0;
  return { stable: weightOf(stableServiceName(scope)), canary: weightOf(canaryServiceName(scope)) };
}

export function createGatewayHttpRouteRouter(rawSettings: unknown): KubernetesTrafficRouter {
  const settings = GatewayRouterSettings.parse(rawSettings ?? {});
  return {
    kind: 'gateway-httproute',
    replicasAt: (total) => ({ stable: total, canary: total }),
    async prepare(ctx: KubernetesRouterContext) {
      await serverSideApply(ctx.clients, serviceManifest(ctx.scope, stableServiceName(ctx.scope), { [LABEL.slot]: ctx.stableSlot }));
      await serverSideApply(ctx.clients, serviceManifest(ctx.scope, canaryServiceName(ctx.scope), { [LABEL.slot]: 'canary' }));
    },
    async setWeight(ctx: KubernetesRouterContext, weight: number) {
      await serverSideApply(ctx.clients, httpRouteManifest(ctx.scope, settings, weight) as never);
    },
  };
}

export const gatewayHttpRouteAdapter: RouterAdapter = {
  kind: 'gateway-httproute',
  settings: GatewayRouterSettings,
  kubernetes: (settings) => createGatewayHttpRouteRouter(settings),
};
