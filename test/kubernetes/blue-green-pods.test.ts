/**
 * Blue-green on real pods, through the real worker and deployWorkflow: the preview check really
 * requests /healthz and /readyz of the preview's pods on the node addresses.
 * - v5's /readyz answers (so the kubelet marks its pods Ready and the preview rollout completes)
 *   but its /healthz is 503: only the preview check can catch it. It is rolled back, never
 *   promoted, and production stays on v1;
 * - a good v2 passes the same check, is promoted, and the active slot's pods answer v2 on the
 *   node addresses and the slot's port.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseName, SLOT_PORT_OFFSET, type Slot } from '../../src/activities/targets/kubernetes/manifests';
import { Reason } from '../../src/domain/reasons';
import { statusQuery } from '../../src/workflows/definitions';
import { ENVIRONMENT, realPodsSuite, skip, V1, V2, V5 } from './real-pods-support';

/** A window long enough for failureThreshold (3) probes at the 500 ms interval, well under the liveness restart (~30 s). */
const blueGreen = { kind: 'blueGreen', previewChecks: { window: '5s' }, scaleDownDelay: '0s' } as const;

describe('blue-green on real pods: the preview check probes the preview pods', { skip: skip() }, () => {
  const suite = realPodsSuite('k8s-bg-pods', [V1, V2, V5]);

  async function activeSlot(namespace: string, service: string): Promise<string | undefined> {
    const svc = await suite.clients.core.readNamespacedService({ name: baseName({ service, environment: ENVIRONMENT }), namespace });
    return svc.spec?.selector?.['sluice.dev/slot'];
  }

  it('rolls back a preview whose /healthz fails (production stays on v1), then promotes a good one onto the active slot', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    await env.first(V1);
    await env.servesEverywhere(V1);

    const bad = await env.deploy(env.spec(V5, blueGreen));
    assert.equal(bad.result.outcome, 'rolled-back', bad.result.message);
    assert.equal(bad.result.reason, Reason.HealthCheckFailed, bad.result.message);
    assert.match(bad.result.message, /healthz/, 'the failure names the probe that failed');
    const badEvents = (await bad.handle.query(statusQuery)).events.map((e) => `${e.type}: ${e.message}`);
    t.diagnostic(badEvents.join('\n'));
    // The check asked the preview pods themselves: on a node's address and the preview slot's port.
    const previewPorts = [env.port + SLOT_PORT_OFFSET.blue, env.port + SLOT_PORT_OFFSET.green];
    const probed = badEvents.join('\n').match(/http:\/\/127\.0\.0\.[234]:(\d+)/g) ?? [];
    assert.ok(
      probed.some((url) => previewPorts.includes(Number(url.split(':').pop()))),
      `the preview check probed a preview pod (${probed.join(', ')})`,
    );
    const afterBad = await activeSlot(env.namespace, env.service);
    assert.ok(afterBad === undefined || afterBad === 'main', `production traffic stays on the stable slot (selector ${afterBad})`);
    await env.servesEverywhere(V1);

    const good = await env.deploy(env.spec(V2, blueGreen));
    assert.equal(good.result.outcome, 'promoted', good.result.message);
    const active = (await activeSlot(env.namespace, env.service)) as Slot | undefined;
    assert.ok(active === 'blue' || active === 'green', `the Service selects a blue-green slot (${active})`);
    await env.servesEverywhere(V2, active);
  });
});
