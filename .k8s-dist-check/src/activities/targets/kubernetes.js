"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.kubernetesRouterFor = kubernetesRouterFor;
exports.createKubernetesTarget = createKubernetesTarget;
const activity_1 = require("@temporalio/activity");
const gateway_httproute_1 = require("../routers/gateway-httproute");
const replica_ratio_1 = require("../routers/replica-ratio");
const kubernetes_client_1 = require("./kubernetes-client");
const kubernetes_history_1 = require("./kubernetes-history");
const kubernetes_manifests_1 = require("./kubernetes-manifests");
const kubernetes_rollout_1 = require("./kubernetes-rollout");
const kubernetes_schema_1 = require("./kubernetes-schema");
const kubernetes_state_1 = require("./kubernetes-state");
const ACTIVE_SERVICE_SUFFIX = '';
const PREVIEW_SERVICE_SUFFIX = '-preview';
/** Router kinds a Kubernetes canary accepts; `none` means the replica ratio, as in Argo Rollouts. */
function kubernetesRouterFor(router) {
    switch (router?.kind ?? 'none') {
        case 'none':
        case 'replica-ratio':
            return replica_ratio_1.replicaRatioRouter;
        case 'gateway-httproute':
            return (0, gateway_httproute_1.createGatewayHttpRouteRouter)(router?.settings);
        default:
            throw new Error(`router kind "${router?.kind}" does not work with the kubernetes target (use replica-ratio or gateway-httproute)`);
    }
}
function callerWorkflowId() {
    try {
        return activity_1.Context.current().info.workflowExecution?.workflowId;
    }
    catch {
        return undefined;
    }
}
function createKubernetesTarget(deps = {}) {
    async function open(ref) {
        const settings = (0, kubernetes_schema_1.parseKubernetesSettings)(ref.target.settings);
        const clients = await (0, kubernetes_client_1.connectKubernetes)(settings, deps.env ?? process.env);
        const scope = {
            service: ref.service,
            environment: ref.environment,
            namespace: clients.namespace,
            settings,
            workflowId: ref.workflowId ?? callerWorkflowId(),
        };
        return { clients, scope, router: kubernetesRouterFor(ref.router) };
    }
    function info(ctx, role, release, slot) {
        const deployment = (0, kubernetes_manifests_1.deploymentName)(ctx.scope, slot);
        return { role, release, deployment, namespace: ctx.scope.namespace, url: `kubernetes://${ctx.scope.namespace}/deployments/${deployment}` };
    }
    async function stableSlotOf(ctx) {
        const stable = await (0, kubernetes_state_1.stableDeployment)(ctx);
        return stable ? (0, kubernetes_state_1.slotOf)(stable) : 'main';
    }
    function routerContext(ctx, stableSlot) {
        return { clients: ctx.clients, scope: ctx.scope, stableSlot, scale: (slot, replicas) => (0, kubernetes_state_1.scaleSlot)(ctx, slot, replicas) };
    }
    /** The active Service of a blue-green environment points at one slot. */
    async function pointService(ctx, suffix, slot) {
        await (0, kubernetes_client_1.serverSideApply)(ctx.clients, (0, kubernetes_manifests_1.serviceManifest)(ctx.scope, `${(0, kubernetes_manifests_1.baseName)(ctx.scope)}${suffix}`, { [kubernetes_manifests_1.LABEL.slot]: slot }));
    }
    /** The canary leaves: stable back to its full count and all traffic, canary at 0 pods. */
    async function restoreStable(ctx) {
        const canary = await (0, kubernetes_state_1.readDeployment)(ctx, 'canary');
        if (!canary)
            return;
        const rc = routerContext(ctx, await stableSlotOf(ctx));
        await ctx.router.prepare(rc);
        await ctx.router.setWeight(rc, 0);
        await (0, kubernetes_state_1.scaleSlot)(ctx, 'canary', 0);
    }
    return {
        /** The release the stable Deployment's pod template runs, or null before the first release. */
        async currentRelease(ref) {
            const ctx = await open(ref);
            const stable = await (0, kubernetes_state_1.stableDeployment)(ctx);
            return stable ? (0, kubernetes_state_1.templateRelease)(stable) : null;
        },
        /** Starts `release` beside the stable: a canary at weight 0, or a preview on the idle slot. */
        async deployCandidate(ref) {
            const ctx = await open(ref);
            const total = ctx.scope.settings.replicas;
            if (ref.role === 'preview') {
                const stableSlot = await stableSlotOf(ctx);
                const slot = stableSlot === 'blue' ? 'green' : 'blue';
                await (0, kubernetes_state_1.applySlot)(ctx, slot, 'preview', ref.release, total);
                await pointService(ctx, PREVIEW_SERVICE_SUFFIX, slot);
                return info(ctx, 'preview', ref.release, slot);
            }
            if (ref.role === 'baseline') {
                await (0, kubernetes_state_1.applySlot)(ctx, 'baseline', 'baseline', ref.release, 1);
                return info(ctx, 'baseline', ref.release, 'baseline');
            }
            const stable = await (0, kubernetes_state_1.stableDeployment)(ctx);
            const rc = routerContext(ctx, stable ? (0, kubernetes_state_1.slotOf)(stable) : 'main');
            // With nothing stable yet (a first release) the canary is all there is: full size.
            await (0, kubernetes_state_1.applySlot)(ctx, 'canary', 'canary', ref.release, stable ? ctx.router.replicasAt(total, 0).canary : total);
            await ctx.router.prepare(rc);
            if (stable)
                await ctx.router.setWeight(rc, 0);
            return info(ctx, 'canary', ref.release, 'canary');
        },
        /** `weight`% to the canary through the router. */
        async setTrafficWeight(ref) {
            const ctx = await open(ref);
            const rc = routerContext(ctx, await stableSlotOf(ctx));
            await ctx.router.prepare(rc);
            await ctx.router.setWeight(rc, ref.weight);
        },
        /**
         * Canary: the stable Deployment takes the canary's release (a rolling update), then the canary
         * goes to 0. Preview: the active Service switches to the preview slot, instantly; the old slot
         * stays up, labelled `previous`, until retireRelease after the scale-down delay.
         */
        async promoteCandidate(ref) {
            const ctx = await open(ref);
            const total = ctx.scope.settings.replicas;
            if (ref.role === 'preview') {
                const preview = (await (0, kubernetes_state_1.listDeployments)(ctx)).items.find((d) => (0, kubernetes_state_1.roleOf)(d) !== 'stable' && (0, kubernetes_state_1.templateRelease)(d)?.version === ref.release.version && (0, kubernetes_state_1.slotOf)(d) !== 'canary');
                const stable = await (0, kubernetes_state_1.stableDeployment)(ctx);
                const slot = preview ? (0, kubernetes_state_1.slotOf)(preview) : stable && (0, kubernetes_state_1.templateRelease)(stable)?.version === ref.release.version ? (0, kubernetes_state_1.slotOf)(stable) : undefined;
                if (!slot)
                    throw new Error(`no preview of ${ref.release.version} to promote in ${ctx.scope.namespace}`);
                await (0, kubernetes_state_1.scaleSlot)(ctx, slot, total);
                await pointService(ctx, ACTIVE_SERVICE_SUFFIX, slot);
                await (0, kubernetes_state_1.setRole)(ctx, slot, 'stable', (0, kubernetes_state_1.scaleDownAnnotation)(null));
                if (stable && (0, kubernetes_state_1.slotOf)(stable) !== slot)
                    await (0, kubernetes_state_1.setRole)(ctx, (0, kubernetes_state_1.slotOf)(stable), 'previous', (0, kubernetes_state_1.scaleDownAnnotation)(new Date()));
                return info(ctx, 'stable', ref.release, slot);
            }
            const stableSlot = await stableSlotOf(ctx);
            await (0, kubernetes_state_1.applySlot)(ctx, stableSlot, 'stable', ref.release, total);
            await restoreStable(ctx);
            return info(ctx, 'stable', ref.release, stableSlot);
        },
        /** Takes the candidate out: traffic back to stable, candidate scaled to 0 (kept for history). */
        async removeCandidate(ref) {
            const ctx = await open(ref);
            if (ref.role === 'canary')
                return restoreStable(ctx);
            if (ref.role === 'baseline')
                return (0, kubernetes_state_1.scaleSlot)(ctx, 'baseline', 0);
            for (const d of (await (0, kubernetes_state_1.listDeployments)(ctx)).items) {
                if ((0, kubernetes_state_1.roleOf)(d) === 'preview')
                    await (0, kubernetes_state_1.scaleSlot)(ctx, (0, kubernetes_state_1.slotOf)(d), 0);
            }
        },
        /**
         * Back to `release` (or, without one, the previous revision): a warm blue-green slot that
         * still holds it takes the active Service back; otherwise the stable Deployment gets the pod
         * template of the ReplicaSet that ran it, which the controller scales back up.
         */
        async rollbackToRelease(ref) {
            const ctx = await open(ref);
            const total = ctx.scope.settings.replicas;
            await restoreStable(ctx);
            const deployments = (await (0, kubernetes_state_1.listDeployments)(ctx)).items;
            const stable = deployments.find((d) => (0, kubernetes_state_1.roleOf)(d) === 'stable');
            const warm = ref.release
                ? deployments.find((d) => (0, kubernetes_state_1.roleOf)(d) === 'previous' && (0, kubernetes_state_1.templateRelease)(d)?.version === ref.release.version)
                : deployments.find((d) => (0, kubernetes_state_1.roleOf)(d) === 'previous');
            if (warm) {
                const slot = (0, kubernetes_state_1.slotOf)(warm);
                await (0, kubernetes_state_1.scaleSlot)(ctx, slot, total);
                await pointService(ctx, ACTIVE_SERVICE_SUFFIX, slot);
                await (0, kubernetes_state_1.setRole)(ctx, slot, 'stable', (0, kubernetes_state_1.scaleDownAnnotation)(null));
                if (stable)
                    await (0, kubernetes_state_1.setRole)(ctx, (0, kubernetes_state_1.slotOf)(stable), 'previous', (0, kubernetes_state_1.scaleDownAnnotation)(new Date()));
                return info(ctx, 'stable', (0, kubernetes_state_1.templateRelease)(warm), slot);
            }
            if (!stable) {
                if (!ref.release)
                    throw new Error(`nothing to roll back: ${(0, kubernetes_manifests_1.baseName)(ctx.scope)} has no stable Deployment`);
                await (0, kubernetes_state_1.applySlot)(ctx, 'main', 'stable', ref.release, total);
                return info(ctx, 'stable', ref.release, 'main');
            }
            const slot = (0, kubernetes_state_1.slotOf)(stable);
            const current = (0, kubernetes_state_1.templateRelease)(stable);
            if (ref.release && current && (0, kubernetes_manifests_1.releaseLabel)(current) === (0, kubernetes_manifests_1.releaseLabel)(ref.release)) {
                await (0, kubernetes_state_1.waitForSlot)(ctx, slot);
                return info(ctx, 'stable', current, slot);
            }
            const target = (0, kubernetes_history_1.pickRollbackReplicaSet)(stable, await (0, kubernetes_history_1.ownedReplicaSets)(ctx.clients, stable), ref.release);
            const template = (0, kubernetes_history_1.deploymentTemplateOf)(target);
            const release = templateReleaseOf(template) ?? ref.release;
            if (!release)
                throw new Error(`replica set ${target.metadata?.name} carries no sluice release annotation`);
            await (0, kubernetes_state_1.applySlot)(ctx, slot, 'stable', release, total, template);
            return info(ctx, 'stable', release, slot);
        },
        /** Scales down every non-stable Deployment running `release` (the old blue-green slot, a canary). */
        async retireRelease(ref) {
            const ctx = await open(ref);
            for (const d of (await (0, kubernetes_state_1.listDeployments)(ctx)).items) {
                if ((0, kubernetes_state_1.roleOf)(d) !== 'stable' && (0, kubernetes_state_1.templateRelease)(d)?.version === ref.release.version)
                    await (0, kubernetes_state_1.scaleSlot)(ctx, (0, kubernetes_state_1.slotOf)(d), 0);
            }
        },
        /**
         * Rolling release: the stable Deployment's image moves to the digest-pinned release. A missed
         * progress deadline throws KubernetesProgressDeadlineExceeded (non-retryable) for the saga.
         */
        async rollOut(ref) {
            const ctx = await open(ref);
            const slot = await stableSlotOf(ctx);
            await (0, kubernetes_state_1.applySlot)(ctx, slot, 'stable', ref.release, ctx.scope.settings.replicas);
            return info(ctx, 'stable', ref.release, slot);
        },
        /** `kubectl rollout status` of the stable Deployment, without waiting. */
        async rolloutStatus(ref) {
            const ctx = await open(ref);
            const stable = await (0, kubernetes_state_1.stableDeployment)(ctx);
            if (!stable)
                return { done: false, failed: false, message: 'no stable deployment', release: null };
            return { ...(0, kubernetes_rollout_1.deploymentRolloutStatus)(stable), release: (0, kubernetes_state_1.templateRelease)(stable) };
        },
    };
}
function templateReleaseOf(template) {
    const raw = template.metadata?.annotations?.['sluice.dev/release'];
    try {
        return raw ? JSON.parse(raw) : null;
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=kubernetes.js.map