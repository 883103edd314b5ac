"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.replicaRatioRouter = void 0;
exports.replicaRatioSplit = replicaRatioSplit;
const kubernetes_client_1 = require("../targets/kubernetes-client");
const kubernetes_manifests_1 = require("../targets/kubernetes-manifests");
/**
 * Traffic by replica count, no mesh or gateway needed (what Argo Rollouts does for a canary
 * without a traffic router): one Service selects the pods of both Deployments, so each gets a
 * share of connections in proportion to its ready pods. The canary runs ceil(total * weight%)
 * pods and the stable the rest, so the total stays put.
 */
function replicaRatioSplit(total, weight) {
    const w = Math.min(100, Math.max(0, weight));
    const canary = Math.ceil((total * w) / 100);
    return { canary, stable: Math.max(0, total - canary) };
}
exports.replicaRatioRouter = {
    kind: 'replica-ratio',
    replicasAt: replicaRatioSplit,
    async prepare(ctx) {
        // The one Service both tracks sit behind: it selects by service and environment only.
        await (0, kubernetes_client_1.serverSideApply)(ctx.clients, (0, kubernetes_manifests_1.serviceManifest)(ctx.scope, (0, kubernetes_manifests_1.baseName)(ctx.scope), {}));
    },
    async setWeight(ctx, weight) {
        const { stable, canary } = replicaRatioSplit(ctx.scope.settings.replicas, weight);
        // Grow the side that gains first, so the total never dips below what is serving now.
        if (canary > 0) {
            await ctx.scale('canary', canary);
            await ctx.scale(ctx.stableSlot, stable);
        }
        else {
            await ctx.scale(ctx.stableSlot, stable);
            await ctx.scale('canary', canary);
        }
    },
};
//# sourceMappingURL=replica-ratio.js.map