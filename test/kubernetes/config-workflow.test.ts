/**
 * Build × config releases on the Kubernetes target through the workflows (issue 16), on the
 * stack's control plane (kwok nodes) with the worker wired like production: a config-only release
 * rolls the Deployment onto its config version's ConfigMap, the same pair again is AlreadyLive,
 * and `sluice rollback --config-version` brings the earlier pair back on the ReplicaSet that ran
 * it. The secret stays a reference to the namespace's Secret: its value appears nowhere.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { runCli } from '../cli/helpers';
import { readableHistory } from '../helpers/history-text';
import { catalogue, uniqueName } from '../helpers/stack';
import { startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { createNamespace, deleteNamespace, ensureCluster, kube, skipReason } from './cluster';
import { deployment, release, replicaSets } from './fixtures';

const skip = skipReason();

describe('kubernetes target: build × config releases and rollbacks through the workflows', { skip }, () => {
  const namespace = uniqueName('k8s-cfgwf');
  const service = `cfgwf${Date.now().toString(36)}`;
  const secretValue = `tok-${randomBytes(12).toString('hex')}`;
  const build = release(service, '1.0.0+aaaaaaa');
  let clients: KubeClients;
  let e2e: E2eWorker;

  const start = (values: Record<string, string>) => {
    const spec = validateReleaseSpec(
      {
        service,
        environment: 'test',
        source: { kind: 'prebuilt', version: build.version, imageRef: build.imageRef, imageTag: build.imageTag, commit: build.commit },
        target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas: 2, progressDeadlineSeconds: 120 } },
        strategy: { kind: 'rolling', checks: { window: '1s' } },
        healthCheck: { interval: '500ms', failureThreshold: 3, timeout: '2s' },
        config: { source: 'env', values, secrets: ['API_TOKEN'] },
      } satisfies ReleaseSpecInput,
      catalogue,
    );
    return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: e2e.taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [spec] });
  };
  const readsConfigMap = async () => {
    const env = (await deployment(clients, namespace, `${service}-test`)).spec!.template.spec!.containers[0]!.env ?? [];
    return env.flatMap((e) => (e.valueFrom?.configMapKeyRef ? [e.valueFrom.configMapKeyRef.name] : [])).filter((v, i, all) => all.indexOf(v) === i);
  };

  before(async () => {
    clients = await ensureCluster();
    await createNamespace(clients, namespace);
    await clients.core.createNamespacedSecret({ namespace, body: { metadata: { name: `${service}-test` }, stringData: { API_TOKEN: secretValue } } });
    e2e = await startE2eWorker('k8scfg');
  });
  after(async () => {
    await e2e?.stop(
      () => ({ service, environment: 'test', target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace } }, router: { kind: 'none', settings: {} } }),
      [],
    );
    if (clients) await deleteNamespace(clients, namespace);
  });

  it('a config-only release rolls onto a new ConfigMap, the same pair is AlreadyLive, and rollback --config-version restores the earlier pair', { timeout: 240_000 }, async () => {
    const first = await settleDeployment((await start({ GREETING: 'a' })).result());
    assert.equal(first.outcome, 'promoted', first.message);
    const a = first.release!.config!.version.id;
    assert.deepEqual(await readsConfigMap(), [`${service}-test-${a}`]);

    const handle = await start({ GREETING: 'b' });
    const second = await settleDeployment(handle.result());
    assert.equal(second.outcome, 'promoted', second.message);
    assert.equal(second.reason, Reason.Promoted, 'a real release, not AlreadyLive');
    const b = second.release!.config!.version.id;
    assert.notEqual(b, a);
    assert.equal(second.previous?.config?.version.id, a, 'the live config version was read back from the Deployment');
    assert.deepEqual(await readsConfigMap(), [`${service}-test-${b}`]);
    const kept = await replicaSets(clients, namespace);
    assert.equal(kept.length, 2, 'the earlier pair keeps its ReplicaSet');

    const again = await settleDeployment((await start({ GREETING: 'b' })).result());
    assert.equal(again.reason, Reason.AlreadyLive, 'same build, same config version');

    const back = await runCli(['rollback', service, 'test', '--config-version', a, '--wait', '--task-queue', e2e.taskQueue], {
      env: { SLUICE_ARTIFACT_STORE: join(e2e.dir, 'artifacts') },
    });
    assert.equal(back.code, 0, `${back.stdout}\n${back.stderr}`);
    assert.deepEqual(await readsConfigMap(), [`${service}-test-${a}`]);
    const afterRollback = await replicaSets(clients, namespace);
    assert.deepEqual(afterRollback.map((r) => r.uid).sort(), kept.map((r) => r.uid).sort(), 'the ReplicaSet that ran the pair serves again; none was made');
    assert.equal(afterRollback.find((r) => r.uid === kept[0]!.uid)?.replicas, 2);

    // The value stays in the cluster's Secret: never in a history, memo or the Deployment.
    for (const h of [handle, e2e.client.workflow.getHandle(deployWorkflowId(service, 'test'))]) {
      assert.ok(!(await readableHistory(await h.fetchHistory())).includes(secretValue), 'not in a history');
      assert.ok(!(await readableHistory((await h.describe()).memo)).includes(secretValue), 'not in a memo');
    }
    assert.ok(!JSON.stringify(await deployment(clients, namespace, `${service}-test`)).includes(secretValue), 'not in the Deployment');
  });
});
