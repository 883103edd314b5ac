import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import { settleDeployment } from '../../src/domain/result';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { catalogue, eventually, temporalClient, uniqueName } from '../helpers/stack';
import { createNamespace, deleteNamespace, ensureCluster, kube, skipReason } from './cluster';
import { deployment, release, replicaSets, targetRef } from './fixtures';

const skip = skipReason();

describe('kubernetes target under deployWorkflow', { skip }, () => {
  const namespace = uniqueName('k8s-wf');
  const children: ChildProcess[] = [];
  let clients: KubeClients;
  let client: Client;
  let connection: Connection;

  before(async () => {
    clients = await ensureCluster();
    await createNamespace(clients, namespace);
    ({ client, connection } = await temporalClient());
  });
  after(async () => {
    await Promise.all(children.map(killHard));
    await connection?.close();
    if (clients) await deleteNamespace(clients, namespace);
  });

  it('a worker SIGKILLed mid-canary is replaced and the release is promoted', { timeout: 240000 }, async () => {
    const service = 'wfkill';
    const v1 = release(service, '1.0.0+aaaaaaa');
    const v2 = release(service, '2.0.0+bbbbbbb');
    const ref = targetRef(service, namespace, { replicas: 4 });
    await createKubernetesTarget().rollOut({ ...ref, release: v1 });

    const taskQueue = uniqueName('k8s-wf');
    const entry = require.resolve('./worker-process');
    const first = spawnNode(entry, [taskQueue]);
    children.push(first);
    await waitForLine(first, 'ready', 120000);

    const spec = validateReleaseSpec(
      {
        service,
        environment: 'test',
        source: { kind: 'prebuilt', version: v2.version, imageRef: v2.imageRef, imageTag: v2.imageTag, commit: v2.commit },
        target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas: 4, progressDeadlineSeconds: 120 } },
        strategy: { kind: 'canary', steps: [{ setWeight: 25 }, { analysis: { window: '8s' } }, { setWeight: 50 }], scaleDownDelay: '1s' },
        healthCheck: { interval: '500ms', failureThreshold: 3, timeout: '2s' },
      },
      catalogue,
    );
    const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue,
      workflowId: deployWorkflowId(`${service}-${namespace}`.slice(0, 60), 'test'),
      args: [spec],
    });
    await eventually(
      'the canary analysis window to be running',
      async () => {
        const st = await handle.query(statusQuery);
        return st.phase === 'analysing' && st.lastCheck?.ok ? st : undefined;
      },
      90000,
      100,
    );
    // Mid-canary: one of four pods runs the new release.
    assert.equal((await deployment(clients, namespace, 'wfkill-test-canary')).status?.availableReplicas, 1);
    await killHard(first);

    await new Promise((r) => setTimeout(r, 1500));
    const second = spawnNode(entry, [taskQueue]);
    children.push(second);
    await waitForLine(second, 'ready', 120000);

    const result = await settleDeployment(handle.result());
    assert.equal(result.outcome, 'promoted', result.message);
    assert.ok((result.phaseDurations.analysing ?? 0) >= 8000, `the whole 8 s window ran (${result.phaseDurations.analysing} ms)`);

    const stable = await deployment(clients, namespace, 'wfkill-test');
    assert.equal(stable.spec!.template.spec!.containers[0]!.image, v2.imageRef);
    assert.equal(stable.status!.availableReplicas, 4);
    assert.equal((await deployment(clients, namespace, 'wfkill-test-canary')).spec!.replicas, 0);
    const sets = (await replicaSets(clients, namespace)).filter((s) => s.owner === 'wfkill-test');
    assert.deepEqual(
      sets.map((s) => s.release),
      [v1.imageTag, v2.imageTag],
      'one ReplicaSet per release, v1 kept for rollback',
    );

    const history = await handle.fetchHistory();
    const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
    assert.equal(identities[0], `k8s-worker-${first.pid}`);
    assert.equal(identities.at(-1), `k8s-worker-${second.pid}`);
  });
});
