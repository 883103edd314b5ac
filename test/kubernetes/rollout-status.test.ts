import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { k8s } from '../../src/activities/targets/kubernetes/client';
import { deploymentRolloutStatus } from '../../src/activities/targets/kubernetes/rollout';
import { fullStableSplit, replicaRatioSplit } from '../../src/activities/routers/replica-ratio';
import { baseName, releaseLabel } from '../../src/activities/targets/kubernetes/manifests';

/** A Deployment as the API returns it, with only the fields `kubectl rollout status` reads. */
function d(generation: number, spec: number, status: Partial<k8s.V1DeploymentStatus>): k8s.V1Deployment {
  return { metadata: { name: 'web', generation }, spec: { replicas: spec, selector: {}, template: {} }, status };
}

// The same cases, in the same order, as kubectl's DeploymentStatusViewer (rollout_status.go).
describe('deploymentRolloutStatus follows kubectl rollout status', () => {
  it('waits until the controller has observed the spec', () => {
    const s = deploymentRolloutStatus(d(3, 2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }));
    assert.deepEqual([s.done, s.failed], [false, false]);
    assert.match(s.message, /spec update to be observed/);
  });
  it('reports ProgressDeadlineExceeded as a failure', () => {
    const s = deploymentRolloutStatus(
      d(2, 2, {
        observedGeneration: 2,
        updatedReplicas: 1,
        replicas: 3,
        availableReplicas: 2,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }],
      }),
    );
    assert.deepEqual([s.done, s.failed], [false, true]);
    assert.match(s.message, /exceeded its progress deadline: ReplicaSet "web-1"/);
  });
  it('waits for updated, then old, then available replicas', () => {
    assert.match(deploymentRolloutStatus(d(2, 3, { observedGeneration: 2, updatedReplicas: 1, replicas: 3, availableReplicas: 3 })).message, /1 out of 3 new replicas/);
    assert.match(
      deploymentRolloutStatus(d(2, 3, { observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3 })).message,
      /1 old replicas are pending termination/,
    );
    assert.match(
      deploymentRolloutStatus(d(2, 3, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message,
      /2 of 3 updated replicas are available/,
    );
  });
  it('is done when every replica is updated and available', () => {
    const s = deploymentRolloutStatus(
      d(2, 3, {
        observedGeneration: 2,
        updatedReplicas: 3,
        replicas: 3,
        availableReplicas: 3,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
      }),
    );
    assert.deepEqual([s.done, s.failed], [true, false]);
  });
});

describe('naming and the replica ratio', () => {
  it('splits replicas like Argo Rollouts without a traffic router', () => {
    assert.deepEqual(replicaRatioSplit(4, 0), { stable: 4, canary: 0 });
    assert.deepEqual(replicaRatioSplit(4, 10), { stable: 3, canary: 1 });
    assert.deepEqual(replicaRatioSplit(4, 50), { stable: 2, canary: 2 });
    assert.deepEqual(replicaRatioSplit(4, 100), { stable: 0, canary: 4 });
    assert.deepEqual(replicaRatioSplit(3, 34), { stable: 1, canary: 2 });
    // keepStableFull: the larger side runs full size, the smaller one its share of the total.
    assert.deepEqual(fullStableSplit(4, 0), { stable: 4, canary: 0 });
    assert.deepEqual(fullStableSplit(4, 10), { stable: 4, canary: 1 });
    assert.deepEqual(fullStableSplit(4, 25), { stable: 4, canary: 1 });
    assert.deepEqual(fullStableSplit(4, 50), { stable: 4, canary: 4 });
    assert.deepEqual(fullStableSplit(4, 75), { stable: 1, canary: 4 });
    assert.deepEqual(fullStableSplit(4, 100), { stable: 0, canary: 4 });
    assert.deepEqual(fullStableSplit(10, 20), { stable: 10, canary: 3 });
  });
  it('keeps names and label values within Kubernetes limits', () => {
    const long = baseName({ service: 'a'.repeat(40), environment: 'production' });
    assert.ok(long.length <= 40 && /^[a-z0-9-]+$/.test(long) && !long.endsWith('-'), long);
    assert.notEqual(long, baseName({ service: 'a'.repeat(40), environment: 'productio2' }));
    assert.equal(releaseLabel({ service: 's', version: '1.2.3+abc', imageTag: 'v1.2.3-abc', commit: 'abc' }), 'v1.2.3-abc');
    assert.ok(releaseLabel({ service: 's', version: 'x', imageTag: `v${'9'.repeat(80)}`, commit: '' }).length <= 63);
  });
});
