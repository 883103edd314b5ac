/**
 * The bake on the Kubernetes target (the stack's control plane, kwok nodes): a canary promoted
 * with a bake, then an Alertmanager webhook posted to the stack's receiver (kwok pods serve no
 * traffic, so nothing scrapes them and the alert is posted as Alertmanager would post it). The
 * receiver signals the baking release, which rolls back: the stable Deployment runs v1 again.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import type { KubeClients } from '../../src/activities/targets/kubernetes/client';
import { alertReceiverUrl } from '../../src/dev/config';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { AlertOutcome } from '../../src/receivers/alertmanager';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { catalogue, eventually, stack, temporalClient, uniqueName } from '../helpers/stack';
import { ensureAlertPath } from '../workflows/support/bake';
import { createNamespace, deleteNamespace, ensureCluster, kube, skipReason } from './cluster';
import { deployment, release, targetRef } from './fixtures';

const skip = skipReason();

describe('kubernetes target: bake after promotion', { skip }, () => {
  const namespace = uniqueName('k8s-bake');
  const children: ChildProcess[] = [];
  let clients: KubeClients;
  let client: Client;
  let connection: Connection;

  before(async () => {
    await ensureAlertPath();
    clients = await ensureCluster();
    await createNamespace(clients, namespace);
    ({ client, connection } = await temporalClient());
  });
  after(async () => {
    await Promise.all(children.map(killHard));
    await connection?.close();
    if (clients) await deleteNamespace(clients, namespace);
  });

  it('an alert posted to the receiver during the bake rolls the canary back to v1', { timeout: 240000 }, async () => {
    // The receiver signals deploy/<service>/<environment> from the alert's labels: a unique service.
    const service = `bake${Date.now().toString(36)}`;
    const v1 = release(service, '1.0.0+aaaaaaa');
    const v2 = release(service, '2.0.0+bbbbbbb');
    const ref = targetRef(service, namespace, { replicas: 4 });
    await createKubernetesTarget().rollOut({ ...ref, release: v1 });

    const taskQueue = uniqueName('k8s-bake');
    const worker = spawnNode(require.resolve('./worker-process'), [taskQueue]);
    children.push(worker);
    await waitForLine(worker, 'ready', 120000);

    const spec = validateReleaseSpec(
      {
        service,
        environment: 'test',
        source: { kind: 'prebuilt', version: v2.version, imageRef: v2.imageRef, imageTag: v2.imageTag, commit: v2.commit },
        target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas: 4, progressDeadlineSeconds: 120 } },
        strategy: { kind: 'canary', steps: [{ setWeight: 25 }, { setWeight: 50 }] },
        healthCheck: { interval: '500ms', failureThreshold: 3, timeout: '2s' },
        postPromotion: { bake: '3m' },
      },
      catalogue,
    );
    const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [spec] });
    // Where the release stood, for the failure message if the bake never comes.
    let last = '';
    await eventually(
      () => `the bake (last seen: ${last})`,
      async () => {
        const st = await handle.query(statusQuery);
        last = `${st.phase}: ${st.events
          .slice(-3)
          .map((e) => `${e.at} ${e.message}`)
          .join(' | ')}`;
        if (st.result) throw new Error(`ended before the bake: ${st.result.message}`);
        return st.phase === 'baking' ? st : undefined;
      },
      120000,
      200,
    );
    assert.equal((await deployment(clients, namespace, `${service}-test`)).spec?.template.spec?.containers[0]?.image, v2.imageRef, 'v2 is the stable while baking');

    const token = readFileSync(stack.alertReceiver.tokenFile, 'utf8').trim();
    const now = new Date().toISOString();
    const body = {
      version: '4',
      groupKey: '{}:{alertname="KubeBakeTest"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'sluice-rollback',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://127.0.0.1:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'KubeBakeTest', service, environment: 'test', severity: 'critical' },
          annotations: { summary: 'posted by the kubernetes bake test' },
          startsAt: now,
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: 'kubebake',
        },
      ],
    };
    const res = await fetch(`${alertReceiverUrl(stack)}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    const answer = (await res.json()) as { results: AlertOutcome[] };
    assert.equal(res.status, 200, JSON.stringify(answer));
    assert.equal(answer.results[0]?.action, 'signalled');

    const result = await settleDeployment(handle.result());
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.AlertFired);
    assert.equal(result.compensations[0], `restore ${v1.version} as stable`);
    const stable = await eventually(
      'the stable Deployment back on v1',
      async () => {
        const d = await deployment(clients, namespace, `${service}-test`);
        return d.spec?.template.spec?.containers[0]?.image === v1.imageRef ? d : undefined;
      },
      60000,
    );
    assert.equal(stable.spec!.template.spec!.containers[0]!.image, v1.imageRef);
  });
});
