"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.REVISION_ANNOTATION = void 0;
exports.revisionOf = revisionOf;
exports.ownedReplicaSets = ownedReplicaSets;
exports.deploymentTemplateOf = deploymentTemplateOf;
exports.pickRollbackReplicaSet = pickRollbackReplicaSet;
const kubernetes_manifests_1 = require("./kubernetes-manifests");
const kubernetes_schema_1 = require("./kubernetes-schema");
/** The Deployment controller's revision annotation on Deployments and their ReplicaSets. */
exports.REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Added by the controller to every ReplicaSet's template; never part of a Deployment's template. */
const POD_TEMPLATE_HASH = 'pod-template-hash';
function revisionOf(object) {
    return Number(object.metadata?.annotations?.[exports.REVISION_ANNOTATION] ?? 0) || 0;
}
/** The Deployment's ReplicaSets (by owner reference), newest revision first. */
async function ownedReplicaSets(clients, deployment) {
    const namespace = deployment.metadata.namespace;
    const uid = deployment.metadata.uid;
    const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const list = await clients.apps.listNamespacedReplicaSet({ namespace, labelSelector: selector });
    return list.items
        .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === uid && o.controller))
        .sort((a, b) => revisionOf(b) - revisionOf(a));
}
/** A ReplicaSet's pod template as a Deployment would hold it (what `kubectl rollout undo` copies). */
function deploymentTemplateOf(rs) {
    const template = structuredClone(rs.spec.template);
    if (template.metadata?.labels)
        delete template.metadata.labels[POD_TEMPLATE_HASH];
    // The serializer's instances carry undefined fields; a plain JSON copy is what the API expects.
    return JSON.parse(JSON.stringify(template));
}
/**
 * Which ReplicaSet a rollback returns to: the one holding `release` (a named retained version),
 * or, without one, the newest revision older than the Deployment's current one (`rollout undo`).
 */
function pickRollbackReplicaSet(deployment, replicaSets, release) {
    const name = deployment.metadata?.name ?? '?';
    if (release) {
        const wanted = (0, kubernetes_manifests_1.releaseLabel)(release);
        const match = replicaSets.find((rs) => rs.spec?.template?.metadata?.labels?.[kubernetes_manifests_1.LABEL.release] === wanted);
        if (!match) {
            throw (0, kubernetes_schema_1.kubernetesFailure)(kubernetes_schema_1.KubernetesErrorType.NoRollbackRevision, `deployment ${name} keeps no ReplicaSet for release ${release.version} (kept: ${replicaSets.map((rs) => rs.spec?.template?.metadata?.labels?.[kubernetes_manifests_1.LABEL.release] ?? '?').join(', ') || 'none'})`);
        }
        return match;
    }
    const current = revisionOf(deployment);
    const previous = replicaSets.find((rs) => revisionOf(rs) < current);
    if (!previous)
        throw (0, kubernetes_schema_1.kubernetesFailure)(kubernetes_schema_1.KubernetesErrorType.NoRollbackRevision, `deployment ${name} has no revision before ${current} to roll back to`);
    return previous;
}
//# sourceMappingURL=kubernetes-history.js.map