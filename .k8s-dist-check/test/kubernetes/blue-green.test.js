"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const kubernetes_1 = require("../../src/activities/targets/kubernetes");
const stack_1 = require("../helpers/stack");
const cluster_1 = require("./cluster");
const fixtures_1 = require("./fixtures");
const skip = (0, cluster_1.skipReason)();
async function selectorSlot(clients, namespace, service) {
    const svc = await clients.core.readNamespacedService({ name: service, namespace });
    return svc.spec?.selector?.['sluice.dev/slot'];
}
(0, node_test_1.describe)('kubernetes target: blue-green releases', { skip }, () => {
    const target = (0, kubernetes_1.createKubernetesTarget)();
    const namespace = (0, stack_1.uniqueName)('k8s-bluegreen');
    let clients;
    (0, node_test_1.before)(async () => {
        clients = await (0, cluster_1.ensureCluster)();
        await (0, cluster_1.createNamespace)(clients, namespace);
    });
    (0, node_test_1.after)(async () => {
        if (clients)
            await (0, cluster_1.deleteNamespace)(clients, namespace);
    });
    (0, node_test_1.it)('switches the active Service to the preview, keeps the old slot warm, then scales it down', async () => {
        const ref = (0, fixtures_1.targetRef)('bg', namespace);
        const v1 = (0, fixtures_1.release)('bg', '1.0.0+aaaaaaa');
        const v2 = (0, fixtures_1.release)('bg', '2.0.0+bbbbbbb');
        // First release: preview on blue, promoted.
        await target.deployCandidate({ ...ref, release: v1, role: 'preview' });
        strict_1.default.equal(await selectorSlot(clients, namespace, 'bg-test-preview'), 'blue');
        await target.promoteCandidate({ ...ref, release: v1, role: 'preview' });
        strict_1.default.equal(await selectorSlot(clients, namespace, 'bg-test'), 'blue');
        strict_1.default.equal((await target.currentRelease(ref))?.version, v1.version);
        // Second release: preview on green while blue serves.
        const preview = await target.deployCandidate({ ...ref, release: v2, role: 'preview' });
        strict_1.default.equal(preview.deployment, 'bg-test-green');
        strict_1.default.equal(await selectorSlot(clients, namespace, 'bg-test'), 'blue', 'production traffic stays on blue');
        strict_1.default.equal(await selectorSlot(clients, namespace, 'bg-test-preview'), 'green');
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'bg-test-green')).status.availableReplicas, 2);
        await target.promoteCandidate({ ...ref, release: v2, role: 'preview' });
        strict_1.default.equal(await selectorSlot(clients, namespace, 'bg-test'), 'green');
        strict_1.default.equal((await target.currentRelease(ref))?.version, v2.version);
        const blue = await (0, fixtures_1.deployment)(clients, namespace, 'bg-test-blue');
        strict_1.default.equal(blue.metadata.labels['sluice.dev/role'], 'previous');
        strict_1.default.equal(blue.status.availableReplicas, 2, 'old slot kept warm for instant rollback');
        strict_1.default.ok(blue.metadata.annotations['sluice.dev/scale-down-at']);
        // Instant rollback while warm: the selector switches back, no pod is created.
        const uidsBefore = (await clients.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata.uid).sort();
        await target.rollbackToRelease({ ...ref, release: v1 });
        strict_1.default.equal(await selectorSlot(clients, namespace, 'bg-test'), 'blue');
        strict_1.default.equal((await target.currentRelease(ref))?.version, v1.version);
        const uidsAfter = (await clients.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata.uid).sort();
        strict_1.default.deepEqual(uidsAfter, uidsBefore);
        // Forward again, then the scale-down delay ends: the old slot goes to 0, the active one stays.
        await target.rollbackToRelease({ ...ref, release: v2 });
        strict_1.default.equal(await selectorSlot(clients, namespace, 'bg-test'), 'green');
        await target.retireRelease({ ...ref, release: v1 });
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'bg-test-blue')).spec.replicas, 0);
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'bg-test-green')).status.availableReplicas, 2);
        // Retiring the live release is refused silently: the stable is never scaled down.
        await target.retireRelease({ ...ref, release: v2 });
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'bg-test-green')).spec.replicas, 2);
    });
});
//# sourceMappingURL=blue-green.test.js.map