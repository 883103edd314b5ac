"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.release = release;
exports.targetRef = targetRef;
exports.replicaSets = replicaSets;
exports.deployment = deployment;
const node_crypto_1 = require("node:crypto");
const cluster_1 = require("./cluster");
/**
 * A release pinned by digest. kwok runs no containers, so the digest need not exist in a
 * registry; it only has to be a well-formed, stable reference per version.
 */
function release(service, version, repo = service) {
    const digest = (0, node_crypto_1.createHash)('sha256').update(`${repo}:${version}`).digest('hex');
    const imageTag = `v${version.replace('+', '-')}`;
    return { service, version, imageTag, commit: version.split('+')[1] ?? '', imageRef: `127.0.0.1:5000/${repo}@sha256:${digest}` };
}
function targetRef(service, namespace, settings = {}, router) {
    return {
        service,
        environment: 'test',
        target: { kind: 'kubernetes', settings: { kubeconfig: cluster_1.kube.kubeconfig, namespace, replicas: 2, progressDeadlineSeconds: 30, ...settings } },
        router,
        workflowId: `test/${service}`,
    };
}
/** Every ReplicaSet in the namespace with its revision, release label and replica counts. */
async function replicaSets(clients, namespace) {
    const list = await clients.apps.listNamespacedReplicaSet({ namespace });
    return list.items
        .map((rs) => ({
        name: rs.metadata.name,
        uid: rs.metadata.uid,
        owner: rs.metadata.ownerReferences?.[0]?.name ?? '',
        revision: Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
        release: rs.spec.template.metadata.labels['sluice.dev/release'],
        replicas: rs.spec.replicas ?? 0,
        available: rs.status?.availableReplicas ?? 0,
    }))
        .sort((a, b) => a.revision - b.revision);
}
async function deployment(clients, namespace, name) {
    return clients.apps.readNamespacedDeployment({ name, namespace });
}
//# sourceMappingURL=fixtures.js.map