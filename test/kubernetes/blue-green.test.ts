import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import { skipReason, suiteNamespace } from './cluster';
import { deployment, release, targetRef } from './fixtures';

const skip = skipReason();

async function selectorSlot(clients: KubeClients, namespace: string, service: string): Promise<string | undefined> {
  const svc = await clients.core.readNamespacedService({ name: service, namespace });
  return svc.spec?.selector?.['sluice.dev/slot'];
}

describe('kubernetes target: blue-green releases', { skip }, () => {
  const target = createKubernetesTarget();
  const suite = suiteNamespace('k8s-bluegreen');
  const namespace = suite.namespace;

  it('switches the active Service to the preview, keeps the old slot warm, then scales it down', async () => {
    const ref = targetRef('bg', namespace);
    const v1 = release('bg', '1.0.0+aaaaaaa');
    const v2 = release('bg', '2.0.0+bbbbbbb');

    // First release: preview on blue, promoted.
    await target.deployCandidate({ ...ref, release: v1, role: 'preview' });
    assert.equal(await selectorSlot(suite.clients, namespace, 'bg-test-preview'), 'blue');
    await target.promoteCandidate({ ...ref, release: v1, role: 'preview' });
    assert.equal(await selectorSlot(suite.clients, namespace, 'bg-test'), 'blue');
    assert.equal((await target.currentRelease(ref))?.version, v1.version);

    // Second release: preview on green while blue serves.
    const preview = await target.deployCandidate({ ...ref, release: v2, role: 'preview' });
    assert.equal(preview.deployment, 'bg-test-green');
    assert.equal(await selectorSlot(suite.clients, namespace, 'bg-test'), 'blue', 'production traffic stays on blue');
    assert.equal(await selectorSlot(suite.clients, namespace, 'bg-test-preview'), 'green');
    assert.equal((await deployment(suite.clients, namespace, 'bg-test-green')).status!.availableReplicas, 2);

    await target.promoteCandidate({ ...ref, release: v2, role: 'preview' });
    assert.equal(await selectorSlot(suite.clients, namespace, 'bg-test'), 'green');
    assert.equal((await target.currentRelease(ref))?.version, v2.version);
    const blue = await deployment(suite.clients, namespace, 'bg-test-blue');
    assert.equal(blue.metadata!.labels!['sluice.dev/role'], 'previous');
    assert.equal(blue.status!.availableReplicas, 2, 'old slot kept warm for instant rollback');
    assert.ok(blue.metadata!.annotations!['sluice.dev/scale-down-at']);

    // Instant rollback while warm: the selector switches back, no pod is created.
    const uidsBefore = (await suite.clients.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata!.uid).sort();
    await target.rollbackToRelease({ ...ref, release: v1 });
    assert.equal(await selectorSlot(suite.clients, namespace, 'bg-test'), 'blue');
    assert.equal((await target.currentRelease(ref))?.version, v1.version);
    const uidsAfter = (await suite.clients.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata!.uid).sort();
    assert.deepEqual(uidsAfter, uidsBefore);

    // Forward again, then the scale-down delay ends: the old slot goes to 0, the active one stays.
    await target.rollbackToRelease({ ...ref, release: v2 });
    assert.equal(await selectorSlot(suite.clients, namespace, 'bg-test'), 'green');
    await target.retireRelease({ ...ref, release: v1 });
    assert.equal((await deployment(suite.clients, namespace, 'bg-test-blue')).spec!.replicas, 0);
    assert.equal((await deployment(suite.clients, namespace, 'bg-test-green')).status!.availableReplicas, 2);
    // Retiring the live release is refused silently: the stable is never scaled down.
    await target.retireRelease({ ...ref, release: v2 });
    assert.equal((await deployment(suite.clients, namespace, 'bg-test-green')).spec!.replicas, 2);
  });

  it('keeps production traffic on the stable slot when the first release went out as a canary', async () => {
    // The workflows' first release is a canary promotion: the shared Service selects every slot.
    const ref = targetRef('first', namespace);
    const v1 = release('first', '1.0.0+aaaaaaa');
    await target.deployCandidate({ ...ref, release: v1, role: 'canary' });
    await target.promoteCandidate({ ...ref, release: v1, role: 'canary' });
    assert.equal(await selectorSlot(suite.clients, namespace, 'first-test'), undefined);

    const v2 = release('first', '2.0.0+bbbbbbb');
    await target.deployCandidate({ ...ref, release: v2, role: 'preview' });
    assert.equal(await selectorSlot(suite.clients, namespace, 'first-test'), 'main', 'the preview gets no production traffic');
    await target.promoteCandidate({ ...ref, release: v2, role: 'preview' });
    assert.equal(await selectorSlot(suite.clients, namespace, 'first-test'), 'blue');
    await target.retireRelease({ ...ref, release: v1 });
    assert.equal((await deployment(suite.clients, namespace, 'first-test')).spec!.replicas, 0);
    assert.equal((await target.currentRelease(ref))?.version, v2.version);
  });
});
