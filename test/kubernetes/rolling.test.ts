import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import { skipReason, suiteNamespace } from './cluster';
import { deployment, release, replicaSets, targetRef } from './fixtures';
import { ErrorType } from '../../src/domain/errors';

const skip = skipReason();

describe('kubernetes target: rolling releases and rollback', { skip }, () => {
  const target = createKubernetesTarget();
  const suite = suiteNamespace('k8s-rolling');
  const namespace = suite.namespace;

  it('rolls out releases by digest and reports them as the current release', async () => {
    const ref = targetRef('roll', namespace);
    assert.equal(await target.currentRelease(ref), null);
    const v1 = release('roll', '1.0.0+aaaaaaa');
    const v2 = release('roll', '1.1.0+bbbbbbb');
    await target.rollOut({ ...ref, release: v1 });
    await target.rollOut({ ...ref, release: v2 });

    assert.equal((await target.currentRelease(ref))?.version, v2.version);
    const d = await deployment(suite.clients, namespace, 'roll-test');
    assert.equal(d.spec!.template.spec!.containers[0]!.image, v2.imageRef);
    assert.equal(d.status!.availableReplicas, 2);
    assert.equal(d.metadata!.labels!['sluice.dev/role'], 'stable');
    assert.equal(d.metadata!.annotations!['sluice.dev/workflow-id'], 'test/roll');
    assert.ok(
      d.metadata!.managedFields!.some((f) => f.manager === 'sluice' && f.operation === 'Apply'),
      'server-side applied by sluice',
    );
    const status = await target.rolloutStatus(ref);
    assert.equal(status.done, true, status.message);

    // Idempotent: the same rollout again changes nothing and creates no ReplicaSet.
    const before = await replicaSets(suite.clients, namespace);
    await target.rollOut({ ...ref, release: v2 });
    assert.deepEqual(
      (await replicaSets(suite.clients, namespace)).map((r) => r.uid),
      before.map((r) => r.uid),
    );
  });

  it('fails a rollout that misses its progress deadline, then rolls back to the previous ReplicaSet', async () => {
    const ref = targetRef('stuck', namespace);
    const good = release('stuck', '2.0.0+ccccccc');
    await target.rollOut({ ...ref, release: good });

    // kwok never marks pods of an image named *never-ready* Ready (tools/k8s/kwok/stages.yaml).
    // The release comes with a 3 s progress deadline (the Deployment's spec carries it).
    const bad = release('stuck', '2.1.0+ddddddd', 'stuck-never-ready');
    const failure = await target.rollOut({ ...targetRef('stuck', namespace, { progressDeadlineSeconds: 3 }), release: bad }).then(
      () => assert.fail('the rollout should miss its progress deadline'),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof ApplicationFailure, String(failure));
    assert.equal(failure.type, ErrorType.ProgressDeadlineExceeded);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /exceeded its progress deadline/);

    const sets = await replicaSets(suite.clients, namespace);
    const goodSet = sets.find((s) => s.owner === 'stuck-test' && s.release === good.imageTag)!;
    await target.rollbackToRelease({ ...ref });
    assert.equal((await target.currentRelease(ref))?.version, good.version);
    const after = (await replicaSets(suite.clients, namespace)).filter((s) => s.owner === 'stuck-test');
    assert.equal(after.length, 2, 'no new ReplicaSet for the rollback');
    const serving = after.find((s) => s.replicas > 0)!;
    assert.equal(serving.uid, goodSet.uid, 'the previous ReplicaSet serves again');
    assert.equal(serving.available, 2);
    assert.equal(after.find((s) => s.release === bad.imageTag)!.replicas, 0);
  });

  it('rolls back to a named retained version without creating a ReplicaSet', async () => {
    const ref = targetRef('named', namespace);
    const versions = ['3.0.0+1111111', '3.1.0+2222222', '3.2.0+3333333'].map((v) => release('named', v));
    for (const v of versions) await target.rollOut({ ...ref, release: v });
    const before = (await replicaSets(suite.clients, namespace)).filter((s) => s.owner === 'named-test');
    assert.equal(before.length, 3);

    const started = Date.now();
    const info = await target.rollbackToRelease({ ...ref, release: versions[0]! });
    const took = Date.now() - started;
    assert.equal(info.release.version, versions[0]!.version);
    const after = (await replicaSets(suite.clients, namespace)).filter((s) => s.owner === 'named-test');
    assert.deepEqual(after.map((s) => s.uid).sort(), before.map((s) => s.uid).sort(), 'same ReplicaSets, none created');
    const serving = after.filter((s) => s.replicas > 0);
    assert.equal(serving.length, 1);
    assert.equal(serving[0]!.release, versions[0]!.imageTag);
    assert.equal(serving[0]!.available, 2);
    // The controller bumps the revision of the reused ReplicaSet, as `rollout undo` does.
    assert.ok(serving[0]!.revision > before[before.length - 1]!.revision);
    assert.ok(took < 30000, `rollback took ${took} ms`);

    // A retained release older than the Deployment's history is set by image: one new ReplicaSet.
    const ancient = release('named', '0.0.1+0000000');
    await target.rollbackToRelease({ ...ref, release: ancient });
    const later = (await replicaSets(suite.clients, namespace)).filter((s) => s.owner === 'named-test');
    assert.equal(later.length, 4);
    assert.deepEqual(
      later.filter((s) => s.replicas > 0).map((s) => [s.release, s.available]),
      [[ancient.imageTag, 2]],
    );

    // Without a named release and with no earlier revision, the rollback is refused, non-retryable.
    const lone = targetRef('lone', namespace);
    await target.rollOut({ ...lone, release: release('lone', '1.0.0+aaaaaaa') });
    await assert.rejects(target.rollbackToRelease(lone), (err: ApplicationFailure) => {
      assert.equal(err.type, ErrorType.NoRollbackRevision);
      assert.equal(err.nonRetryable, true);
      return true;
    });
  });

  it('a rollback brings every pod of the previous version back in one step, none unavailable meanwhile', async () => {
    const ref = targetRef('surge', namespace, { replicas: 4 });
    const [v1, v2] = ['5.0.0+1111111', '5.1.0+2222222'].map((v) => release('surge', v));
    await target.rollOut({ ...ref, release: v1! });
    await target.rollOut({ ...ref, release: v2! });
    const previous = (await replicaSets(suite.clients, namespace)).find((s) => s.owner === 'surge-test' && s.release === v1!.imageTag)!;
    assert.equal(previous.replicas, 0);

    // Every replica count the previous ReplicaSet is asked for, and the fewest available pods seen.
    const asked: number[] = [];
    let fewestAvailable = Infinity;
    const watch = new suite.clients.k8s.Watch(suite.clients.kc);
    const stream = await watch.watch(
      `/apis/apps/v1/namespaces/${namespace}/replicasets`,
      {},
      (_type: string, rs: { metadata: { name: string }; spec: { replicas: number } }) => {
        if (rs.metadata.name === previous.name && asked.at(-1) !== rs.spec.replicas) asked.push(rs.spec.replicas);
      },
      () => undefined,
    );
    const deploymentWatch = await watch.watch(
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      { fieldSelector: 'metadata.name=surge-test' },
      (_type: string, d: { status?: { availableReplicas?: number } }) => {
        fewestAvailable = Math.min(fewestAvailable, d.status?.availableReplicas ?? 0);
      },
      () => undefined,
    );
    try {
      await target.rollbackToRelease({ ...ref, release: v1! });
    } finally {
      stream.abort();
      deploymentWatch.abort();
    }
    const stable = await deployment(suite.clients, namespace, 'surge-test');
    assert.deepEqual({ ...stable.spec!.strategy!.rollingUpdate }, { maxSurge: '100%', maxUnavailable: 0 });
    assert.deepEqual(
      asked.filter((n) => n > 0),
      [4],
      `the previous ReplicaSet was asked for ${asked.join(' → ')}`,
    );
    assert.equal(fewestAvailable, 4, 'never fewer than 4 available pods');
    assert.equal(stable.status!.availableReplicas, 4);
  });
});
