"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const kubernetes_1 = require("../../src/activities/targets/kubernetes");
const result_1 = require("../../src/domain/result");
const validate_1 = require("../../src/domain/validate");
const definitions_1 = require("../../src/workflows/definitions");
const ids_1 = require("../../src/workflows/ids");
const child_1 = require("../helpers/child");
const stack_1 = require("../helpers/stack");
const cluster_1 = require("./cluster");
const fixtures_1 = require("./fixtures");
const skip = (0, cluster_1.skipReason)();
(0, node_test_1.describe)('kubernetes target under deployWorkflow', { skip }, () => {
    const namespace = (0, stack_1.uniqueName)('k8s-wf');
    const children = [];
    let clients;
    let client;
    let connection;
    (0, node_test_1.before)(async () => {
        clients = await (0, cluster_1.ensureCluster)();
        await (0, cluster_1.createNamespace)(clients, namespace);
        ({ client, connection } = await (0, stack_1.temporalClient)());
    });
    (0, node_test_1.after)(async () => {
        await Promise.all(children.map(child_1.killHard));
        await connection?.close();
        if (clients)
            await (0, cluster_1.deleteNamespace)(clients, namespace);
    });
    (0, node_test_1.it)('a worker SIGKILLed mid-canary is replaced and the release is promoted', { timeout: 240000 }, async () => {
        const service = 'wfkill';
        const v1 = (0, fixtures_1.release)(service, '1.0.0+aaaaaaa');
        const v2 = (0, fixtures_1.release)(service, '2.0.0+bbbbbbb');
        const ref = (0, fixtures_1.targetRef)(service, namespace, { replicas: 4 });
        await (0, kubernetes_1.createKubernetesTarget)().rollOut({ ...ref, release: v1 });
        const taskQueue = (0, stack_1.uniqueName)('k8s-wf');
        const entry = require.resolve('./worker-process');
        const first = (0, child_1.spawnNode)(entry, [taskQueue]);
        children.push(first);
        await (0, child_1.waitForLine)(first, 'ready', 120000);
        const spec = (0, validate_1.validateReleaseSpec)({
            service,
            environment: 'test',
            source: { kind: 'prebuilt', version: v2.version, imageRef: v2.imageRef, imageTag: v2.imageTag, commit: v2.commit },
            target: { kind: 'kubernetes', settings: { kubeconfig: cluster_1.kube.kubeconfig, namespace, replicas: 4, progressDeadlineSeconds: 30 } },
            strategy: { kind: 'canary', steps: [{ setWeight: 25 }, { analysis: { window: '8s' } }, { setWeight: 50 }], scaleDownDelay: '1s' },
            healthCheck: { interval: '500ms', failureThreshold: 3, timeout: '2s' },
        });
        const handle = await client.workflow.start('deployWorkflow', {
            taskQueue,
            workflowId: (0, ids_1.deployWorkflowId)(`${service}-${namespace}`.slice(0, 60), 'test'),
            args: [spec],
        });
        await (0, stack_1.eventually)('the canary analysis window to be running', async () => {
            const st = await handle.query(definitions_1.statusQuery);
            return st.phase === 'analysing' && st.lastCheck?.ok ? st : undefined;
        }, 90000, 100);
        // Mid-canary: one of four pods runs the new release.
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'wfkill-test-canary')).status?.availableReplicas, 1);
        await (0, child_1.killHard)(first);
        await new Promise((r) => setTimeout(r, 1500));
        const second = (0, child_1.spawnNode)(entry, [taskQueue]);
        children.push(second);
        await (0, child_1.waitForLine)(second, 'ready', 120000);
        const result = await (0, result_1.settleDeployment)(handle.result());
        strict_1.default.equal(result.outcome, 'promoted', result.message);
        strict_1.default.ok((result.phaseDurations.analysing ?? 0) >= 8000, `the whole 8 s window ran (${result.phaseDurations.analysing} ms)`);
        const stable = await (0, fixtures_1.deployment)(clients, namespace, 'wfkill-test');
        strict_1.default.equal(stable.spec.template.spec.containers[0].image, v2.imageRef);
        strict_1.default.equal(stable.status.availableReplicas, 4);
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'wfkill-test-canary')).spec.replicas, 0);
        const sets = (await (0, fixtures_1.replicaSets)(clients, namespace)).filter((s) => s.owner === 'wfkill-test');
        strict_1.default.deepEqual(sets.map((s) => s.release), [v1.imageTag, v2.imageTag], 'one ReplicaSet per release, v1 kept for rollback');
        const history = await handle.fetchHistory();
        const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
        strict_1.default.equal(identities[0], `k8s-worker-${first.pid}`);
        strict_1.default.equal(identities.at(-1), `k8s-worker-${second.pid}`);
    });
});
//# sourceMappingURL=worker-kill.test.js.map