/**
 * The Kubernetes target on real pods, through the real worker and deployWorkflow: the example Go
 * service on the stack's real kubelet nodes (kube-node-0..2 on 127.0.0.2-4) with `network: host`,
 * two replicas, the replica-ratio router, and analysis on the pods themselves: Prometheus scrapes
 * every ready pod of the canary, and the load generator sends its requests to each pod directly.
 * - a good release passes two analyses (one canary pod at 20%, two at 100%) and is promoted;
 * - a release with 20% errors is rolled back by analysis, and the previous one serves every pod;
 * - the kubelet really probes /readyz: a release whose /readyz answers 503 never gets a Ready pod,
 *   misses its progress deadline, and the rolling update goes back to the previous ReplicaSet.
 * Each test has a namespace and a service of its own, deleted at the end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SLOT_PORT_OFFSET } from '../../src/activities/targets/kubernetes/manifests';
import { ErrorType } from '../../src/domain/errors';
import { Reason } from '../../src/domain/reasons';
import { commitFromVersion, imageTagForVersion } from '../../src/domain/release';
import { statusQuery } from '../../src/workflows/definitions';
import { eventually } from '../helpers/stack';
import { ENVIRONMENT, isReady, realPodsSuite, skip, V1, V2, V3, V4 } from './real-pods-support';

describe('the Kubernetes target on real pods: network host, replica-ratio canary, analysis on the pods', { skip: skip() }, () => {
  const suite = realPodsSuite('k8s-pods');

  it('promotes a good release after analysis on one canary pod, then on two, and its pods serve it on the nodes', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    await env.first(V1);
    await env.servesEverywhere(V1);

    const { handle, result } = await env.deploy(
      env.canary(V2, [
        { kind: 'setWeight', weight: 20 },
        { kind: 'analysis', templates: ['errors'] },
        { kind: 'setWeight', weight: 100 },
        { kind: 'analysis', templates: ['errors'] },
      ]),
    );
    assert.equal(result.outcome, 'promoted', result.message);
    const status = await handle.query(statusQuery);
    const analyses = status.events.filter((e) => e.type === 'analysis');
    assert.equal(analyses.length, 2, 'two analyses ran');
    for (const a of analyses) assert.match(a.message, /analysis Successful → promote/);

    // What each check measured: the canary's ready pods then, on the node addresses and the canary's port.
    const canaryPort = env.port + SLOT_PORT_OFFSET.canary;
    const looked = status.events.filter((e) => e.type === 'info' && e.message.startsWith(`canary ${V2}: `)).map((e) => e.message);
    assert.equal(looked.length, 2, looked.join('\n'));
    const urls = looked.map((m) => m.replace(/^.*ready instance\(s\) /, '').split(', '));
    assert.deepEqual(
      urls.map((u) => u.length),
      [1, 2],
      '20% of two replicas is one canary pod, 100% is two',
    );
    for (const url of urls.flat()) assert.match(url, new RegExp(`^http://127\\.0\\.0\\.[234]:${canaryPort}$`));

    await env.servesEverywhere(V2);
    const canary = await suite.clients.apps.readNamespacedDeployment({ name: `${env.service}-${ENVIRONMENT}-canary`, namespace: env.namespace });
    assert.equal(canary.spec?.replicas, 0, 'the canary is scaled to zero after the promotion');
  });

  it('rolls back a release with 20% errors on analysis; the previous release serves every pod again', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    await env.first(V2);

    const { handle, result } = await env.deploy(
      env.canary(V3, [
        { kind: 'setWeight', weight: 20 },
        { kind: 'analysis', templates: ['errors'] },
        { kind: 'setWeight', weight: 100 },
      ]),
    );
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.AnalysisFailed, result.message);
    assert.match(result.message, /analysis Failed → rollback/);
    const status = await handle.query(statusQuery);
    assert.ok(
      status.events.some((e) => e.type === 'info' && new RegExp(`^canary ${V3.replace(/[.+]/g, '\\$&')}: 1 ready instance`).test(e.message)),
      'the analysis measured the canary pod',
    );

    await env.servesEverywhere(V2);
    await eventually('no canary pod left', async () => ((await env.pods('canary')).length === 0 ? true : undefined), 60000, 500);
  });

  it('the kubelet probes /readyz: a release whose /readyz fails never gets a Ready pod and is rolled back at its progress deadline', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    await env.first(V1);
    await env.servesEverywhere(V1);

    // Two replicas on three nodes: the surge pod of the rolling update has a node of its own.
    const rolling = env.spec(V4, { kind: 'rolling', maxSurge: 1, maxUnavailable: 0, progressDeadline: '20s', checks: { window: '1s' } });
    const running = env.deploy(rolling);
    const v4Tag = imageTagForVersion(V4);
    // While the workflow waits: the new pod runs, the kubelet asks its /readyz and gets 503s, and never marks it Ready.
    const probed = await eventually(
      'the kubelet probed the new pod /readyz and got 503s',
      async () => {
        const pod = (await env.pods('main')).find((p) => p.metadata?.labels?.['sluice.dev/release'] === v4Tag && p.status?.containerStatuses?.[0]?.state?.running);
        if (!pod?.status?.hostIP) return undefined;
        const metrics = await fetch(`http://${pod.status.hostIP}:${env.port}/metrics`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.text())
          .catch(() => '');
        // The node's port could answer for another pod only if two pods of the slot shared a node.
        if (!metrics.includes(`go_service_build_info{commit="${commitFromVersion(V4)}",version="${V4}"} 1`)) return undefined;
        const failed = /http_requests_total\{code="503",handler="readyz"\} (\d+)/.exec(metrics);
        return failed && Number(failed[1]) >= 2 ? { pod, failed: Number(failed[1]) } : undefined;
      },
      60000,
      250,
    );
    t.diagnostic(`${probed.failed} failed readiness probes on ${probed.pod.status!.hostIP}`);
    const now = await suite.clients.core.readNamespacedPod({ name: probed.pod.metadata!.name!, namespace: env.namespace });
    assert.ok(!isReady(now), 'a pod whose /readyz fails is not Ready');
    assert.equal(now.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');

    const { result } = await running;
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.HealthCheckFailed);
    assert.equal(result.errorType, ErrorType.ProgressDeadlineExceeded, result.message);
    await env.servesEverywhere(V1);
  });
});
