"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ANNOTATION = exports.LABEL = void 0;
exports.baseName = baseName;
exports.deploymentName = deploymentName;
exports.releaseLabel = releaseLabel;
exports.scopeSelector = scopeSelector;
exports.selectorString = selectorString;
exports.pinnedImage = pinnedImage;
exports.releaseFromAnnotations = releaseFromAnnotations;
exports.podTemplate = podTemplate;
exports.deploymentManifest = deploymentManifest;
exports.serviceManifest = serviceManifest;
const node_crypto_1 = require("node:crypto");
const kubernetes_schema_1 = require("./kubernetes-schema");
/**
 * Names, labels and object builders. Everything Sluice creates carries the service, environment,
 * role and release as labels, and the full release plus the workflow id as annotations, so the
 * target's state is read back from the cluster after a crash, never from memory.
 */
exports.LABEL = {
    service: 'sluice.dev/service',
    environment: 'sluice.dev/environment',
    /** stable | canary | preview | previous: on Deployments only (changes without a rollout). */
    role: 'sluice.dev/role',
    /** main | canary | blue | green: the Deployment's fixed slot, in its selector and pod labels. */
    slot: 'sluice.dev/slot',
    release: 'sluice.dev/release',
    managedBy: 'app.kubernetes.io/managed-by',
    name: 'app.kubernetes.io/name',
};
exports.ANNOTATION = {
    release: 'sluice.dev/release',
    version: 'sluice.dev/version',
    imageRef: 'sluice.dev/image-ref',
    workflowId: 'sluice.dev/workflow-id',
    /** On a blue-green Deployment that lost the active role: when retireRelease may scale it down. */
    scaleDownAt: 'sluice.dev/scale-down-at',
};
/** `<service>-<environment>`, shortened with a hash so `-canary` and pod suffixes still fit 63. */
function baseName(scope) {
    const full = `${scope.service}-${scope.environment}`;
    if (full.length <= 40)
        return full;
    const hash = (0, node_crypto_1.createHash)('sha256').update(full).digest('hex').slice(0, 8);
    return `${full.slice(0, 31).replace(/-+$/, '')}-${hash}`;
}
function deploymentName(scope, slot) {
    return slot === 'main' ? baseName(scope) : `${baseName(scope)}-${slot}`;
}
/** A label value (63 chars of [A-Za-z0-9._-]) that names the release: its image tag. */
function releaseLabel(release) {
    const tag = release.imageTag.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
    return tag.length <= 63 ? tag : tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}
function scopeSelector(scope) {
    return { [exports.LABEL.service]: scope.service, [exports.LABEL.environment]: scope.environment };
}
function selectorString(labels) {
    return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}
function commonLabels(scope) {
    return { ...scope.settings.labels, [exports.LABEL.name]: scope.service, [exports.LABEL.managedBy]: 'sluice', ...scopeSelector(scope) };
}
/** The image a pod runs: the digest-pinned reference, never a mutable tag. */
function pinnedImage(release) {
    if (!release.imageRef || !/@sha256:[0-9a-f]{64}$/.test(release.imageRef)) {
        throw (0, kubernetes_schema_1.kubernetesFailure)(kubernetes_schema_1.KubernetesErrorType.ImageNotPinned, `release ${release.version} of ${release.service} has no digest-pinned imageRef (repo@sha256:...)`);
    }
    return release.imageRef;
}
function releaseFromAnnotations(annotations) {
    const raw = annotations?.[exports.ANNOTATION.release];
    if (!raw)
        return null;
    try {
        const value = JSON.parse(raw);
        return typeof value.service === 'string' && typeof value.version === 'string' ? value : null;
    }
    catch {
        return null;
    }
}
function releaseAnnotations(release) {
    return {
        [exports.ANNOTATION.release]: JSON.stringify(release),
        [exports.ANNOTATION.version]: release.version,
        ...(release.imageRef ? { [exports.ANNOTATION.imageRef]: release.imageRef } : {}),
    };
}
/**
 * The pod template for a release in a slot. It holds nothing that changes between two deploys of
 * the same release (no workflow id, no timestamps), so rolling back to a release the Deployment
 * still has a ReplicaSet for scales that ReplicaSet up instead of creating a new one.
 */
function podTemplate(scope, slot, release) {
    const { settings } = scope;
    return {
        metadata: {
            labels: { ...commonLabels(scope), [exports.LABEL.slot]: slot, [exports.LABEL.release]: releaseLabel(release) },
            annotations: releaseAnnotations(release),
        },
        spec: {
            containers: [
                {
                    name: settings.containerName,
                    image: pinnedImage(release),
                    ports: [{ name: 'http', containerPort: settings.containerPort }],
                    env: Object.entries({ ADDR: `0.0.0.0:${settings.containerPort}`, ...settings.env }).map(([name, value]) => ({ name, value })),
                    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2 },
                    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                },
            ],
        },
    };
}
function deploymentManifest(scope, slot, role, release, replicas, template = podTemplate(scope, slot, release)) {
    const { settings } = scope;
    return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
            name: deploymentName(scope, slot),
            namespace: scope.namespace,
            labels: { ...commonLabels(scope), [exports.LABEL.slot]: slot, [exports.LABEL.role]: role, [exports.LABEL.release]: releaseLabel(release) },
            annotations: { ...releaseAnnotations(release), ...(scope.workflowId ? { [exports.ANNOTATION.workflowId]: scope.workflowId } : {}) },
        },
        spec: {
            replicas,
            selector: { matchLabels: { ...scopeSelector(scope), [exports.LABEL.slot]: slot } },
            progressDeadlineSeconds: settings.progressDeadlineSeconds,
            minReadySeconds: settings.minReadySeconds,
            revisionHistoryLimit: settings.revisionHistoryLimit,
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
            template,
        },
    };
}
/** A ClusterIP Service (API object only in the local stack) selecting some of the scope's pods. */
function serviceManifest(scope, name, selector, extraLabels = {}) {
    return {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: scope.namespace, labels: { ...commonLabels(scope), ...extraLabels } },
        spec: {
            selector: { ...scopeSelector(scope), ...selector },
            ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
    };
}
//# sourceMappingURL=kubernetes-manifests.js.map