"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const kubernetes_1 = require("../../src/activities/targets/kubernetes");
const gateway_httproute_1 = require("../../src/activities/routers/gateway-httproute");
const kubernetes_schema_1 = require("../../src/activities/targets/kubernetes-schema");
const stack_1 = require("../helpers/stack");
const cluster_1 = require("./cluster");
const fixtures_1 = require("./fixtures");
const skip = (0, cluster_1.skipReason)();
/** Ready pods per release label among the pods a Service selects: what the replica ratio routes to. */
async function readyPodsBehind(clients, namespace, service) {
    const svc = await clients.core.readNamespacedService({ name: service, namespace });
    const selector = Object.entries(svc.spec.selector).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: selector });
    const counts = {};
    for (const pod of pods.items) {
        if (pod.metadata?.deletionTimestamp)
            continue;
        if (!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
            continue;
        const label = pod.metadata.labels['sluice.dev/release'];
        counts[label] = (counts[label] ?? 0) + 1;
    }
    return counts;
}
(0, node_test_1.describe)('kubernetes target: canary releases', { skip }, () => {
    const target = (0, kubernetes_1.createKubernetesTarget)();
    const namespace = (0, stack_1.uniqueName)('k8s-canary');
    let clients;
    (0, node_test_1.before)(async () => {
        clients = await (0, cluster_1.ensureCluster)();
        await (0, cluster_1.createNamespace)(clients, namespace);
    });
    (0, node_test_1.after)(async () => {
        if (clients)
            await (0, cluster_1.deleteNamespace)(clients, namespace);
    });
    (0, node_test_1.it)('promotes a canary through replica-ratio weights', async () => {
        const ref = (0, fixtures_1.targetRef)('ratio', namespace, { replicas: 4 }, { kind: 'replica-ratio' });
        const v1 = (0, fixtures_1.release)('ratio', '1.0.0+aaaaaaa');
        const v2 = (0, fixtures_1.release)('ratio', '1.1.0+bbbbbbb');
        await target.rollOut({ ...ref, release: v1 });
        await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'ratio-test'), { [v1.imageTag]: 4 }, 'weight 0: no canary pod');
        await target.setTrafficWeight({ ...ref, weight: 25 });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'ratio-test'), { [v1.imageTag]: 3, [v2.imageTag]: 1 });
        await target.setTrafficWeight({ ...ref, weight: 50 });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'ratio-test'), { [v1.imageTag]: 2, [v2.imageTag]: 2 });
        await target.promoteCandidate({ ...ref, release: v2, role: 'canary' });
        strict_1.default.equal((await target.currentRelease(ref))?.version, v2.version);
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'ratio-test'), { [v2.imageTag]: 4 });
        const canary = await (0, fixtures_1.deployment)(clients, namespace, 'ratio-test-canary');
        strict_1.default.equal(canary.spec.replicas, 0);
        strict_1.default.equal(canary.metadata.labels['sluice.dev/role'], 'canary');
    });
    (0, node_test_1.it)('aborting mid-canary restores the stable with the canary scaled to 0', async () => {
        const ref = (0, fixtures_1.targetRef)('abort', namespace, { replicas: 4 });
        const v1 = (0, fixtures_1.release)('abort', '2.0.0+ccccccc');
        const v2 = (0, fixtures_1.release)('abort', '2.1.0+ddddddd');
        await target.rollOut({ ...ref, release: v1 });
        await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
        await target.setTrafficWeight({ ...ref, weight: 75 });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'abort-test'), { [v1.imageTag]: 1, [v2.imageTag]: 3 });
        await target.removeCandidate({ ...ref, role: 'canary' });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'abort-test'), { [v1.imageTag]: 4 });
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'abort-test-canary')).spec.replicas, 0);
        strict_1.default.equal((await target.currentRelease(ref))?.version, v1.version);
        // Compensations may run twice after a crash: a second removal changes nothing.
        await target.removeCandidate({ ...ref, role: 'canary' });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'abort-test'), { [v1.imageTag]: 4 });
    });
    (0, node_test_1.it)('promotes a canary through Gateway API HTTPRoute backend weights', async () => {
        const router = { kind: 'gateway-httproute', settings: { gateway: 'sluice-gw', hostnames: ['web.example.test'] } };
        const ref = (0, fixtures_1.targetRef)('web', namespace, { replicas: 2 }, router);
        const v1 = (0, fixtures_1.release)('web', '3.0.0+eeeeeee');
        const v2 = (0, fixtures_1.release)('web', '3.1.0+fffffff');
        // Real Gateway API objects: the CRDs the project ships are installed by `dev up`.
        await clients.objects.create({
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'Gateway',
            metadata: { name: 'sluice-gw', namespace },
            spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
        });
        await target.rollOut({ ...ref, release: v1 });
        await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
        const scope = { service: 'web', environment: 'test', namespace, settings: (0, kubernetes_schema_1.parseKubernetesSettings)(ref.target.settings) };
        strict_1.default.deepEqual(await (0, gateway_httproute_1.readRouteWeights)(clients, scope), { stable: 100, canary: 0 });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'web-test-canary'), { [v2.imageTag]: 2 }, 'canary runs full size');
        await target.setTrafficWeight({ ...ref, weight: 10 });
        strict_1.default.deepEqual(await (0, gateway_httproute_1.readRouteWeights)(clients, scope), { stable: 90, canary: 10 });
        await target.setTrafficWeight({ ...ref, weight: 60 });
        strict_1.default.deepEqual(await (0, gateway_httproute_1.readRouteWeights)(clients, scope), { stable: 40, canary: 60 });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'web-test-stable'), { [v1.imageTag]: 2 });
        await target.promoteCandidate({ ...ref, release: v2, role: 'canary' });
        strict_1.default.deepEqual(await (0, gateway_httproute_1.readRouteWeights)(clients, scope), { stable: 100, canary: 0 });
        strict_1.default.deepEqual(await readyPodsBehind(clients, namespace, 'web-test-stable'), { [v2.imageTag]: 2 });
        strict_1.default.equal((await (0, fixtures_1.deployment)(clients, namespace, 'web-test-canary')).spec.replicas, 0);
        const route = (await clients.objects.read({
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'HTTPRoute',
            metadata: { name: 'web-test', namespace },
        }));
        strict_1.default.deepEqual(route.spec.hostnames, ['web.example.test']);
        strict_1.default.equal(route.spec.parentRefs[0].name, 'sluice-gw');
    });
});
//# sourceMappingURL=canary.test.js.map