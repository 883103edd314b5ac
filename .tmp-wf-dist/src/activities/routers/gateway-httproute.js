"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.HTTPROUTE_API_VERSION = exports.GatewayRouterSettings = void 0;
exports.stableServiceName = stableServiceName;
exports.canaryServiceName = canaryServiceName;
exports.httpRouteManifest = httpRouteManifest;
exports.readRouteWeights = readRouteWeights;
exports.createGatewayHttpRouteRouter = createGatewayHttpRouteRouter;
const zod_1 = require("zod");
const kubernetes_client_1 = require("../targets/kubernetes-client");
const kubernetes_manifests_1 = require("../targets/kubernetes-manifests");
/**
 * Traffic by Gateway API HTTPRoute backend weights: a stable and a canary Service, each
 * selecting one Deployment's pods, behind one HTTPRoute whose backendRefs carry the weights the
 * gateway implementation enforces. Both Deployments keep their full replica count.
 */
exports.GatewayRouterSettings = zod_1.z.strictObject({
    /** The Gateway the route attaches to (parentRefs). */
    gateway: zod_1.z.string().min(1).default('sluice'),
    gatewayNamespace: zod_1.z.string().min(1).optional(),
    hostnames: zod_1.z.array(zod_1.z.string().min(1)).default([]),
    pathPrefix: zod_1.z.string().startsWith('/').default('/'),
});
exports.HTTPROUTE_API_VERSION = 'gateway.networking.k8s.io/v1';
function stableServiceName(scope) {
    return `${(0, kubernetes_manifests_1.baseName)(scope)}-stable`;
}
function canaryServiceName(scope) {
    return `${(0, kubernetes_manifests_1.baseName)(scope)}-canary`;
}
function httpRouteManifest(scope, settings, weight) {
    const canary = Math.min(100, Math.max(0, weight));
    return {
        apiVersion: exports.HTTPROUTE_API_VERSION,
        kind: 'HTTPRoute',
        metadata: {
            name: (0, kubernetes_manifests_1.baseName)(scope),
            namespace: scope.namespace,
            labels: { [kubernetes_manifests_1.LABEL.managedBy]: 'sluice', [kubernetes_manifests_1.LABEL.service]: scope.service, [kubernetes_manifests_1.LABEL.environment]: scope.environment },
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
async function readRouteWeights(clients, scope) {
    const route = (await clients.objects.read({
        apiVersion: exports.HTTPROUTE_API_VERSION,
        kind: 'HTTPRoute',
        metadata: { name: (0, kubernetes_manifests_1.baseName)(scope), namespace: scope.namespace },
    }));
    const refs = route.spec.rules[0]?.backendRefs ?? [];
    const weightOf = (name) => refs.find((r) => r.name === name)?.weight ?? 0;
    return { stable: weightOf(stableServiceName(scope)), canary: weightOf(canaryServiceName(scope)) };
}
function createGatewayHttpRouteRouter(rawSettings) {
    const settings = exports.GatewayRouterSettings.parse(rawSettings ?? {});
    return {
        kind: 'gateway-httproute',
        replicasAt: (total) => ({ stable: total, canary: total }),
        async prepare(ctx) {
            await (0, kubernetes_client_1.serverSideApply)(ctx.clients, (0, kubernetes_manifests_1.serviceManifest)(ctx.scope, stableServiceName(ctx.scope), { [kubernetes_manifests_1.LABEL.slot]: ctx.stableSlot }));
            await (0, kubernetes_client_1.serverSideApply)(ctx.clients, (0, kubernetes_manifests_1.serviceManifest)(ctx.scope, canaryServiceName(ctx.scope), { [kubernetes_manifests_1.LABEL.slot]: 'canary' }));
        },
        async setWeight(ctx, weight) {
            await (0, kubernetes_client_1.serverSideApply)(ctx.clients, httpRouteManifest(ctx.scope, settings, weight));
        },
    };
}
//# sourceMappingURL=gateway-httproute.js.map