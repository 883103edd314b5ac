import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import { readRouteWeights } from '../../src/activities/routers/gateway-httproute';
import { parseKubernetesSettings } from '../../src/activities/targets/kubernetes/schema';
import { skipReason, suiteNamespace } from './cluster';
import { deployment, release, targetRef } from './fixtures';

const skip = skipReason();

/** Ready pods per release label among the pods a Service selects: what the replica ratio routes to. */
async function readyPodsBehind(clients: KubeClients, namespace: string, service: string): Promise<Record<string, number>> {
  const svc = await clients.core.readNamespacedService({ name: service, namespace });
  const selector = Object.entries(svc.spec!.selector!)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: selector });
  const counts: Record<string, number> = {};
  for (const pod of pods.items) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    const label = pod.metadata!.labels!['sluice.dev/release']!;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

describe('kubernetes target: canary releases', { skip }, () => {
  const target = createKubernetesTarget();
  const suite = suiteNamespace('k8s-canary');
  const namespace = suite.namespace;

  it('keepStableFull off: promotes a canary through replica-ratio weights that shrink the stable', async () => {
    const ref = targetRef('ratio', namespace, { replicas: 4 }, { kind: 'replica-ratio', settings: { keepStableFull: false } });
    const v1 = release('ratio', '1.0.0+aaaaaaa');
    const v2 = release('ratio', '1.1.0+bbbbbbb');
    await target.rollOut({ ...ref, release: v1 });

    await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'ratio-test'), { [v1.imageTag]: 4 }, 'weight 0: no canary pod');

    await target.setTrafficWeight({ ...ref, weight: 25 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'ratio-test'), { [v1.imageTag]: 3, [v2.imageTag]: 1 });
    await target.setTrafficWeight({ ...ref, weight: 50 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'ratio-test'), { [v1.imageTag]: 2, [v2.imageTag]: 2 });

    await target.promoteCandidate({ ...ref, release: v2, role: 'canary' });
    assert.equal((await target.currentRelease(ref))?.version, v2.version);
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'ratio-test'), { [v2.imageTag]: 4 });
    const canary = await deployment(suite.clients, namespace, 'ratio-test-canary');
    assert.equal(canary.spec!.replicas, 0);
    assert.equal(canary.metadata!.labels!['sluice.dev/role'], 'canary');
  });

  it('aborting mid-canary restores the stable with the canary scaled to 0', async () => {
    const ref = targetRef('abort', namespace, { replicas: 4 });
    const v1 = release('abort', '2.0.0+ccccccc');
    const v2 = release('abort', '2.1.0+ddddddd');
    await target.rollOut({ ...ref, release: v1 });
    await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
    await target.setTrafficWeight({ ...ref, weight: 75 });
    // Past 50 % even the default split shrinks the stable, so the abort has pods to start.
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'abort-test'), { [v1.imageTag]: 1, [v2.imageTag]: 4 });

    await target.removeCandidate({ ...ref, role: 'canary' });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'abort-test'), { [v1.imageTag]: 4 });
    assert.equal((await deployment(suite.clients, namespace, 'abort-test-canary')).spec!.replicas, 0);
    assert.equal((await target.currentRelease(ref))?.version, v1.version);
    // Compensations may run twice after a crash: a second removal changes nothing.
    await target.removeCandidate({ ...ref, role: 'canary' });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'abort-test'), { [v1.imageTag]: 4 });
  });

  it('by default the stable keeps every pod while the canary runs, so going back only removes the canary', async () => {
    const ref = targetRef('full', namespace, { replicas: 4 }, { kind: 'replica-ratio' });
    const v1 = release('full', '5.0.0+a1a1a1a');
    const v2 = release('full', '5.1.0+b2b2b2b');
    await target.rollOut({ ...ref, release: v1 });
    await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
    await target.setTrafficWeight({ ...ref, weight: 25 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'full-test'), { [v1.imageTag]: 4, [v2.imageTag]: 1 });
    await target.setTrafficWeight({ ...ref, weight: 50 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'full-test'), { [v1.imageTag]: 4, [v2.imageTag]: 4 });
    const stableBefore = await deployment(suite.clients, namespace, 'full-test');

    // An abort's first undo: all traffic back to the stable.
    await target.setTrafficWeight({ ...ref, weight: 0 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'full-test'), { [v1.imageTag]: 4 });
    assert.equal((await deployment(suite.clients, namespace, 'full-test-canary')).spec!.replicas, 0);
    const stableAfter = await deployment(suite.clients, namespace, 'full-test');
    assert.equal(stableAfter.metadata!.generation, stableBefore.metadata!.generation, 'the stable was never scaled');

    // Past 50 % the canary runs full size and the stable shrinks.
    await target.setTrafficWeight({ ...ref, weight: 75 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'full-test'), { [v1.imageTag]: 1, [v2.imageTag]: 4 });
    await target.removeCandidate({ ...ref, role: 'canary' });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'full-test'), { [v1.imageTag]: 4 });
  });

  it('a move back to the stable that this worker remembers in a slot which has moved since scales the real stable, not the old slot', async () => {
    // With the stable shrunk at 50 %, scaling the old slot would show on its replica count.
    const ref = targetRef('moved', namespace, { replicas: 4 }, { kind: 'replica-ratio', settings: { keepStableFull: false } });
    const v1 = release('moved', '6.0.0+c3c3c3c');
    const v2 = release('moved', '6.1.0+d4d4d4d');
    const v3 = release('moved', '6.2.0+e5e5e5e');
    await target.rollOut({ ...ref, release: v1 });
    await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
    // This worker lists the scope here and remembers main as the stable slot.
    await target.setTrafficWeight({ ...ref, weight: 50 });
    // Another worker then moves the stable to the blue slot (a blue-green promotion).
    const other = createKubernetesTarget();
    await other.deployCandidate({ ...ref, release: v3, role: 'preview' });
    await other.promoteCandidate({ ...ref, release: v3, role: 'preview' });
    const mainBefore = await deployment(suite.clients, namespace, 'moved-test');
    assert.equal(mainBefore.metadata!.labels!['sluice.dev/role'], 'previous');

    await target.setTrafficWeight({ ...ref, weight: 0 });
    assert.equal((await deployment(suite.clients, namespace, 'moved-test')).spec!.replicas, mainBefore.spec!.replicas, 'the old slot is left as it was');
    assert.equal((await deployment(suite.clients, namespace, 'moved-test-blue')).spec!.replicas, 4);
    assert.equal((await deployment(suite.clients, namespace, 'moved-test-canary')).spec!.replicas, 0);
  });

  it("gives a drill's fault environment to the canary's pods only, idempotently", async () => {
    const ref = targetRef('drill', namespace, { replicas: 2 });
    const v1 = release('drill', '4.0.0+abcdef1');
    await target.rollOut({ ...ref, release: v1 });
    const fault = { FAULT_ERROR_RATE: '0.5' };
    // A bad-canary drill: the live version again, as a canary, with the fault.
    await target.deployCandidate({ ...ref, release: v1, role: 'canary', env: fault });
    await target.deployCandidate({ ...ref, release: v1, role: 'canary', env: fault });
    const envOf = async (name: string) => (await deployment(suite.clients, namespace, name)).spec!.template.spec!.containers[0]!.env ?? [];
    assert.deepEqual(
      (await envOf('drill-test-canary')).filter((e) => e.name === 'FAULT_ERROR_RATE').map((e) => ({ name: e.name, value: e.value })),
      [{ name: 'FAULT_ERROR_RATE', value: '0.5' }],
    );
    const stable = (await target.currentRelease(ref))!;
    assert.equal(stable.version, v1.version);
    const stableDeployments = (await suite.clients.apps.listNamespacedDeployment({ namespace, labelSelector: 'sluice.dev/role=stable' })).items.filter((d) =>
      d.metadata!.name!.startsWith('drill-test'),
    );
    assert.ok(stableDeployments.length > 0);
    for (const d of stableDeployments) assert.ok(!(d.spec!.template.spec!.containers[0]!.env ?? []).some((e) => e.name === 'FAULT_ERROR_RATE'), `${d.metadata!.name} has no fault`);
    await target.removeCandidate({ ...ref, role: 'canary' });
    assert.equal((await deployment(suite.clients, namespace, 'drill-test-canary')).spec!.replicas, 0);
  });

  it('promotes a canary through Gateway API HTTPRoute backend weights', async () => {
    const router = { kind: 'gateway-httproute', settings: { gateway: 'sluice-gw', hostnames: ['web.example.test'] } };
    const ref = targetRef('web', namespace, { replicas: 2 }, router);
    const v1 = release('web', '3.0.0+eeeeeee');
    const v2 = release('web', '3.1.0+fffffff');
    // Real Gateway API objects: the CRDs the project ships are installed by `dev up`.
    await suite.clients.objects.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'sluice-gw', namespace },
      spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
    } as never);
    await target.rollOut({ ...ref, release: v1 });
    await target.deployCandidate({ ...ref, release: v2, role: 'canary' });
    const scope = { service: 'web', environment: 'test', namespace, settings: parseKubernetesSettings(ref.target.settings) };
    assert.deepEqual(await readRouteWeights(suite.clients, scope), { stable: 100, canary: 0 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'web-test-canary'), { [v2.imageTag]: 2 }, 'canary runs full size');

    await target.setTrafficWeight({ ...ref, weight: 10 });
    assert.deepEqual(await readRouteWeights(suite.clients, scope), { stable: 90, canary: 10 });
    await target.setTrafficWeight({ ...ref, weight: 60 });
    assert.deepEqual(await readRouteWeights(suite.clients, scope), { stable: 40, canary: 60 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'web-test-stable'), { [v1.imageTag]: 2 });

    await target.promoteCandidate({ ...ref, release: v2, role: 'canary' });
    assert.deepEqual(await readRouteWeights(suite.clients, scope), { stable: 100, canary: 0 });
    assert.deepEqual(await readyPodsBehind(suite.clients, namespace, 'web-test-stable'), { [v2.imageTag]: 2 });
    assert.equal((await deployment(suite.clients, namespace, 'web-test-canary')).spec!.replicas, 0);
    const route = (await suite.clients.objects.read({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web-test', namespace },
    })) as unknown as { spec: { hostnames: string[]; parentRefs: { name: string }[] } };
    assert.deepEqual(route.spec.hostnames, ['web.example.test']);
    assert.equal(route.spec.parentRefs[0]!.name, 'sluice-gw');
  });
});
