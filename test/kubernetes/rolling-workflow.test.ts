/**
 * The rolling strategy on the Kubernetes target, through deployWorkflow (the stack's control
 * plane, kwok nodes): the Deployment's own rolling update with the strategy's maxSurge and
 * maxUnavailable, then the check; a rollout that misses its progress deadline is rolled back to
 * the previous ReplicaSet by the saga.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import { ErrorType } from '../../src/domain/errors';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { Release } from '../../src/domain/release';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { catalogue, temporalClient, uniqueName } from '../helpers/stack';
import { createNamespace, deleteNamespace, ensureCluster, kube, skipReason } from './cluster';
import { deployment, release, replicaSets, targetRef } from './fixtures';

const skip = skipReason();

describe('kubernetes target: the rolling strategy through the workflow', { skip }, () => {
  const namespace = uniqueName('k8s-rollwf');
  const children: ChildProcess[] = [];
  const service = `roll${Date.now().toString(36)}`;
  let clients: KubeClients;
  let client: Client;
  let connection: Connection;
  let taskQueue: string;

  const spec = (r: Release, strategy: Partial<Extract<ReleaseSpecInput['strategy'], { kind: 'rolling' }>>) =>
    validateReleaseSpec(
      {
        service,
        environment: 'test',
        source: { kind: 'prebuilt', version: r.version, imageRef: r.imageRef, imageTag: r.imageTag, commit: r.commit },
        target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas: 4, progressDeadlineSeconds: 120 } },
        strategy: { kind: 'rolling', checks: { window: '1s' }, ...strategy },
        healthCheck: { interval: '500ms', failureThreshold: 3, timeout: '2s' },
      } satisfies ReleaseSpecInput,
      catalogue,
    );
  const deploy = async (s: ReturnType<typeof spec>) =>
    settleDeployment(
      client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [s] }).then((h) => h.result()),
    );

  before(async () => {
    clients = await ensureCluster();
    await createNamespace(clients, namespace);
    ({ client, connection } = await temporalClient());
    taskQueue = uniqueName('k8s-rollwf');
    const worker = spawnNode(require.resolve('./worker-process'), [taskQueue]);
    children.push(worker);
    await waitForLine(worker, 'ready', 120000);
    await createKubernetesTarget().rollOut({ ...targetRef(service, namespace, { replicas: 4 }), release: release(service, '1.0.0+aaaaaaa') });
  });
  after(async () => {
    await Promise.all(children.map(killHard));
    await connection?.close();
    if (clients) await deleteNamespace(clients, namespace);
  });

  it('rolls the Deployment to the release with the strategy maxSurge and maxUnavailable, then checks it', { timeout: 180000 }, async () => {
    const v2 = release(service, '2.0.0+bbbbbbb');
    const res = await deploy(spec(v2, { maxSurge: 1, maxUnavailable: 1 }));
    assert.equal(res.outcome, 'promoted', res.message);
    assert.equal(res.previous?.version, '1.0.0+aaaaaaa');
    const d = await deployment(clients, namespace, `${service}-test`);
    assert.equal(d.spec!.template.spec!.containers[0]!.image, v2.imageRef);
    assert.deepEqual({ ...d.spec!.strategy!.rollingUpdate }, { maxSurge: 1, maxUnavailable: 1 });
    assert.equal(d.status!.availableReplicas, 4);
  });

  it('a rollout that misses its progress deadline is rolled back to the previous ReplicaSet', { timeout: 180000 }, async () => {
    // kwok never makes pods of an image named *never-ready* Ready (tools/k8s/kwok/stages.yaml).
    const stuck = release(service, '3.0.0+ccccccc', `${service}-never-ready`);
    const before = (await replicaSets(clients, namespace)).filter((s) => s.owner === `${service}-test`);
    const res = await deploy(spec(stuck, { progressDeadline: '4s' }));
    assert.equal(res.outcome, 'rolled-back', res.message);
    assert.equal(res.reason, Reason.HealthCheckFailed);
    assert.equal(res.errorType, ErrorType.ProgressDeadlineExceeded, res.message);
    assert.match(res.message, /exceeded its progress deadline/);
    assert.deepEqual(res.compensations, ['roll back to 2.0.0+bbbbbbb']);
    const d = await deployment(clients, namespace, `${service}-test`);
    assert.equal(d.spec!.template.spec!.containers[0]!.image, release(service, '2.0.0+bbbbbbb').imageRef);
    assert.equal(d.status!.availableReplicas, 4);
    // Back on the ReplicaSet that served before: no new one for the rollback.
    const after = (await replicaSets(clients, namespace)).filter((s) => s.owner === `${service}-test`);
    const serving = after.filter((s) => s.replicas > 0);
    assert.equal(serving.length, 1);
    assert.ok(
      before.some((s) => s.uid === serving[0]!.uid),
      'the previous ReplicaSet serves again',
    );
  });
});
