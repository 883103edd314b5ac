"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.listDeployments = listDeployments;
exports.slotOf = slotOf;
exports.roleOf = roleOf;
exports.templateRelease = templateRelease;
exports.stableDeployment = stableDeployment;
exports.readDeployment = readDeployment;
exports.rolloutTimeoutMs = rolloutTimeoutMs;
exports.waitForSlot = waitForSlot;
exports.applySlot = applySlot;
exports.scaleSlot = scaleSlot;
exports.setRole = setRole;
exports.scaleDownAnnotation = scaleDownAnnotation;
const kubernetes_client_1 = require("./kubernetes-client");
const kubernetes_manifests_1 = require("./kubernetes-manifests");
const kubernetes_rollout_1 = require("./kubernetes-rollout");
function listDeployments(ctx) {
    return ctx.clients.apps.listNamespacedDeployment({ namespace: ctx.scope.namespace, labelSelector: (0, kubernetes_manifests_1.selectorString)((0, kubernetes_manifests_1.scopeSelector)(ctx.scope)) });
}
function slotOf(d) {
    return (d.metadata?.labels?.[kubernetes_manifests_1.LABEL.slot] ?? 'main');
}
function roleOf(d) {
    return d.metadata?.labels?.[kubernetes_manifests_1.LABEL.role];
}
/** The release a Deployment's pod template runs (what is live, whatever the metadata says). */
function templateRelease(d) {
    return (0, kubernetes_manifests_1.releaseFromAnnotations)(d.spec?.template?.metadata?.annotations);
}
async function stableDeployment(ctx) {
    const list = await listDeployments(ctx);
    return list.items.find((d) => roleOf(d) === 'stable');
}
function readDeployment(ctx, slot) {
    return (0, kubernetes_client_1.readOrUndefined)(() => ctx.clients.apps.readNamespacedDeployment({ name: (0, kubernetes_manifests_1.deploymentName)(ctx.scope, slot), namespace: ctx.scope.namespace }));
}
function rolloutTimeoutMs(ctx) {
    return ctx.scope.settings.rolloutTimeoutSeconds * 1000;
}
/** Waits for a Deployment the way `kubectl rollout status` does (heartbeating). */
function waitForSlot(ctx, slot) {
    return (0, kubernetes_rollout_1.waitForRollout)(ctx.clients, ctx.scope.namespace, (0, kubernetes_manifests_1.deploymentName)(ctx.scope, slot), { timeoutMs: rolloutTimeoutMs(ctx) });
}
/** Server-side applies a slot's Deployment (field manager `sluice`) and waits for its rollout. */
async function applySlot(ctx, slot, role, release, replicas, template) {
    await (0, kubernetes_client_1.serverSideApply)(ctx.clients, (0, kubernetes_manifests_1.deploymentManifest)(ctx.scope, slot, role, release, replicas, template));
    return waitForSlot(ctx, slot);
}
async function mergePatch(ctx, slot, patch) {
    const body = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        ...patch,
        metadata: { ...patch.metadata, name: (0, kubernetes_manifests_1.deploymentName)(ctx.scope, slot), namespace: ctx.scope.namespace },
    };
    await ctx.clients.objects.patch(body, undefined, undefined, kubernetes_client_1.FIELD_MANAGER, undefined, ctx.clients.k8s.PatchStrategy.MergePatch);
}
/**
 * Scales a slot and waits until it has settled. A slot that does not exist is left alone: before
 * the first release there is no stable Deployment for a router to scale.
 */
async function scaleSlot(ctx, slot, replicas) {
    const current = await readDeployment(ctx, slot);
    if (!current)
        return;
    if (current.spec?.replicas !== replicas)
        await mergePatch(ctx, slot, { spec: { replicas } });
    await waitForSlot(ctx, slot);
}
/** Moves the role label (and optional annotations) on a Deployment; pods are not touched. */
async function setRole(ctx, slot, role, annotations = {}) {
    await mergePatch(ctx, slot, { metadata: { labels: { [kubernetes_manifests_1.LABEL.role]: role }, annotations: annotations } });
}
function scaleDownAnnotation(at) {
    return { [kubernetes_manifests_1.ANNOTATION.scaleDownAt]: at ? at.toISOString() : null };
}
//# sourceMappingURL=kubernetes-state.js.map