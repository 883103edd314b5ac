"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const common_1 = require("@temporalio/common");
const kubernetes_1 = require("../../src/activities/targets/kubernetes");
const kubernetes_schema_1 = require("../../src/activities/targets/kubernetes-schema");
const stack_1 = require("../helpers/stack");
const cluster_1 = require("./cluster");
const fixtures_1 = require("./fixtures");
const skip = (0, cluster_1.skipReason)();
(0, node_test_1.describe)('kubernetes target: rolling releases and rollback', { skip }, () => {
    const target = (0, kubernetes_1.createKubernetesTarget)();
    const namespace = (0, stack_1.uniqueName)('k8s-rolling');
    let clients;
    (0, node_test_1.before)(async () => {
        clients = await (0, cluster_1.ensureCluster)();
        await (0, cluster_1.createNamespace)(clients, namespace);
    });
    (0, node_test_1.after)(async () => {
        if (clients)
            await (0, cluster_1.deleteNamespace)(clients, namespace);
    });
    (0, node_test_1.it)('rolls out releases by digest and reports them as the current release', async () => {
        const ref = (0, fixtures_1.targetRef)('roll', namespace);
        strict_1.default.equal(await target.currentRelease(ref), null);
        const v1 = (0, fixtures_1.release)('roll', '1.0.0+aaaaaaa');
        const v2 = (0, fixtures_1.release)('roll', '1.1.0+bbbbbbb');
        await target.rollOut({ ...ref, release: v1 });
        await target.rollOut({ ...ref, release: v2 });
        strict_1.default.equal((await target.currentRelease(ref))?.version, v2.version);
        const d = await (0, fixtures_1.deployment)(clients, namespace, 'roll-test');
        strict_1.default.equal(d.spec.template.spec.containers[0].image, v2.imageRef);
        strict_1.default.equal(d.status.availableReplicas, 2);
        strict_1.default.equal(d.metadata.labels['sluice.dev/role'], 'stable');
        strict_1.default.equal(d.metadata.annotations['sluice.dev/workflow-id'], 'test/roll');
        strict_1.default.ok(d.metadata.managedFields.some((f) => f.manager === 'sluice' && f.operation === 'Apply'), 'server-side applied by sluice');
        const status = await target.rolloutStatus(ref);
        strict_1.default.equal(status.done, true, status.message);
        // Idempotent: the same rollout again changes nothing and creates no ReplicaSet.
        const before = await (0, fixtures_1.replicaSets)(clients, namespace);
        await target.rollOut({ ...ref, release: v2 });
        strict_1.default.deepEqual((await (0, fixtures_1.replicaSets)(clients, namespace)).map((r) => r.uid), before.map((r) => r.uid));
    });
    (0, node_test_1.it)('fails a rollout that misses its progress deadline, then rolls back to the previous ReplicaSet', async () => {
        const ref = (0, fixtures_1.targetRef)('stuck', namespace, { progressDeadlineSeconds: 3 });
        const good = (0, fixtures_1.release)('stuck', '2.0.0+ccccccc');
        await target.rollOut({ ...ref, release: good });
        // kwok never marks pods of an image named *never-ready* Ready (tools/k8s/kwok/stages.yaml).
        const bad = (0, fixtures_1.release)('stuck', '2.1.0+ddddddd', 'stuck-never-ready');
        const failure = await target.rollOut({ ...ref, release: bad }).then(() => strict_1.default.fail('the rollout should miss its progress deadline'), (err) => err);
        strict_1.default.ok(failure instanceof common_1.ApplicationFailure, String(failure));
        strict_1.default.equal(failure.type, kubernetes_schema_1.KubernetesErrorType.ProgressDeadlineExceeded);
        strict_1.default.equal(failure.nonRetryable, true);
        strict_1.default.match(failure.message, /exceeded its progress deadline/);
        const sets = await (0, fixtures_1.replicaSets)(clients, namespace);
        const goodSet = sets.find((s) => s.owner === 'stuck-test' && s.release === good.imageTag);
        await target.rollbackToRelease({ ...ref });
        strict_1.default.equal((await target.currentRelease(ref))?.version, good.version);
        const after = (await (0, fixtures_1.replicaSets)(clients, namespace)).filter((s) => s.owner === 'stuck-test');
        strict_1.default.equal(after.length, 2, 'no new ReplicaSet for the rollback');
        const serving = after.find((s) => s.replicas > 0);
        strict_1.default.equal(serving.uid, goodSet.uid, 'the previous ReplicaSet serves again');
        strict_1.default.equal(serving.available, 2);
        strict_1.default.equal(after.find((s) => s.release === bad.imageTag).replicas, 0);
    });
    (0, node_test_1.it)('rolls back to a named retained version without creating a ReplicaSet', async () => {
        const ref = (0, fixtures_1.targetRef)('named', namespace);
        const versions = ['3.0.0+1111111', '3.1.0+2222222', '3.2.0+3333333'].map((v) => (0, fixtures_1.release)('named', v));
        for (const v of versions)
            await target.rollOut({ ...ref, release: v });
        const before = (await (0, fixtures_1.replicaSets)(clients, namespace)).filter((s) => s.owner === 'named-test');
        strict_1.default.equal(before.length, 3);
        const started = Date.now();
        const info = await target.rollbackToRelease({ ...ref, release: versions[0] });
        const took = Date.now() - started;
        strict_1.default.equal(info.release.version, versions[0].version);
        const after = (await (0, fixtures_1.replicaSets)(clients, namespace)).filter((s) => s.owner === 'named-test');
        strict_1.default.deepEqual(after.map((s) => s.uid).sort(), before.map((s) => s.uid).sort(), 'same ReplicaSets, none created');
        const serving = after.filter((s) => s.replicas > 0);
        strict_1.default.equal(serving.length, 1);
        strict_1.default.equal(serving[0].release, versions[0].imageTag);
        strict_1.default.equal(serving[0].available, 2);
        // The controller bumps the revision of the reused ReplicaSet, as `rollout undo` does.
        strict_1.default.ok(serving[0].revision > before[before.length - 1].revision);
        strict_1.default.ok(took < 30000, `rollback took ${took} ms`);
        // Asking for a version the Deployment no longer keeps is a clear, non-retryable error.
        await strict_1.default.rejects(target.rollbackToRelease({ ...ref, release: (0, fixtures_1.release)('named', '0.0.1+0000000') }), (err) => {
            strict_1.default.equal(err.type, kubernetes_schema_1.KubernetesErrorType.NoRollbackRevision);
            return true;
        });
    });
});
//# sourceMappingURL=rolling.test.js.map