/**
 * The bake's workflow behaviour on the real Temporal dev server, with the file-fake target (its
 * name says so: test/workflows/support/file-target.ts records every call): the alert
 * signal rolls back only while the release bakes, approve ends a bake early, abort still works,
 * and the previous version is retired only after the bake.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Reason } from '../../src/domain/reasons';
import type { AlertNotice } from '../../src/domain/alerts';
import { validateReleaseSpec } from '../../src/domain/validate';
import { abortSignal, alertSignal, approveUpdate, statusQuery } from '../../src/workflows/definitions';
import { fileFakeCatalogue, readCalls, readState } from './support/file-target';
import { newService, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from './support/harness';

let h: Harness;
before(async () => {
  h = await startHarness({ buildMs: 0 });
});
after(async () => {
  await h?.close();
});

function alert(service: string, environment = 'test', name = 'HighErrorRate'): AlertNotice {
  return {
    alertname: name,
    fingerprint: `fp-${name}`,
    labels: { alertname: name, service, environment, severity: 'critical' },
    startsAt: new Date().toISOString(),
    summary: 'errors above budget',
    receivedAt: new Date().toISOString(),
  };
}

const V1 = '1.0.0+aaaaaaa';
const V2 = '1.1.0+bbbbbbb';

test('an alert during the bake rolls back with AlertFired, the router flip (restore previous) first', { timeout: 120000 }, async () => {
  const service = newService('bake-alert');
  seedStable(h, service, V1);
  const handle = await startDeploy(h, spec(service, V2, { strategy: { kind: 'canary', steps: [{ setWeight: 50 }] }, postPromotion: { bake: '5m' } }));
  const st = await waitForStatus(handle, 'the bake', (s) => s.phase === 'baking' && s.bake !== null && s.bake !== undefined);
  assert.equal(st.bake!.alerts, true);
  assert.equal(st.weight, 100);
  // The previous version is still there (warm) while baking.
  assert.ok(!readCalls(h.dir, service).some((c) => c.name === 'retireRelease'), 'nothing retired before the bake ends');
  // An alert for another environment of the same workflow id space is not this release's.
  await handle.signal(alertSignal, alert(service, 'elsewhere', 'OtherEnv'));
  await handle.signal(alertSignal, alert(service));
  const res = await result(handle);
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AlertFired);
  assert.match(res.message, /HighErrorRate.*errors above budget/);
  assert.equal(res.compensations[0], `restore ${V1} as stable`);
  assert.ok(res.timeToDetectMs !== null && res.timeToDetectMs !== undefined && res.timeToDetectMs >= 0);
  assert.equal(readState(h.dir, service, 'test').stable?.version, V1);
  const events = (await handle.query(statusQuery)).events;
  const alerts = events.filter((e) => e.type === 'alert');
  assert.deepEqual(
    alerts.map((e) => e.data?.action),
    ['ignored', 'rollback'],
    alerts.map((e) => e.message).join(' | '),
  );
});

test('an alert outside the bake is logged and ignored; the release goes on', { timeout: 120000 }, async () => {
  const service = newService('bake-early');
  seedStable(h, service, V1);
  const handle = await startDeploy(h, spec(service, V2, { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] }, postPromotion: { bake: '1s' } }));
  await waitForStatus(handle, 'the approval gate', (s) => s.phase === 'awaiting-approval');
  await handle.signal(alertSignal, alert(service));
  await waitForStatus(handle, 'the ignored alert in the log', (s) => s.events.some((e) => e.type === 'alert' && e.data?.action === 'ignored'));
  await handle.executeUpdate(approveUpdate, { args: ['tester'] });
  const res = await result(handle);
  assert.equal(res.outcome, 'promoted', res.message);
  assert.ok((res.phaseDurations.baking ?? 0) >= 1000, `baked: ${JSON.stringify(res.phaseDurations)}`);
});

test('with alerts off the bake ignores alerts and ends promoted, retiring the previous version after it', { timeout: 120000 }, async () => {
  const service = newService('bake-off');
  seedStable(h, service, V1);
  const handle = await startDeploy(
    h,
    spec(service, V2, { strategy: { kind: 'blueGreen', previewChecks: { window: '500ms' }, scaleDownDelay: '0s' }, postPromotion: { bake: '3s', alerts: false } }),
  );
  await waitForStatus(handle, 'the bake', (s) => s.phase === 'baking');
  await handle.signal(alertSignal, alert(service));
  const res = await result(handle);
  assert.equal(res.outcome, 'promoted', res.message);
  const calls = readCalls(h.dir, service).map((c) => c.name);
  assert.ok(calls.includes('retireRelease'), calls.join(', '));
  assert.ok((res.phaseDurations.baking ?? 0) + (res.phaseDurations.analysing ?? 0) >= 3000, JSON.stringify(res.phaseDurations));
});

test('approve ends a bake early; abort during a bake rolls back', { timeout: 120000 }, async () => {
  const approved = newService('bake-approve');
  seedStable(h, approved, V1);
  const a = await startDeploy(h, spec(approved, V2, { strategy: { kind: 'recreate', checks: { window: '500ms' } }, postPromotion: { bake: '10m' } }));
  await waitForStatus(a, 'the bake', (s) => s.phase === 'baking');
  const ack = await a.executeUpdate(approveUpdate, { args: ['tester'] });
  assert.equal(ack.gate, 'bake');
  const ra = await result(a);
  assert.equal(ra.outcome, 'promoted', ra.message);
  assert.ok((ra.phaseDurations.baking ?? 0) < 60000);

  const aborted = newService('bake-abort');
  seedStable(h, aborted, V1);
  const b = await startDeploy(h, spec(aborted, V2, { strategy: { kind: 'canary', steps: [{ setWeight: 100 }] }, postPromotion: { bake: '10m' } }));
  await waitForStatus(b, 'the bake', (s) => s.phase === 'baking');
  await b.signal(abortSignal, 'looks wrong', 'tester');
  const rb = await result(b);
  assert.equal(rb.outcome, 'aborted', rb.message);
  assert.equal(rb.reason, Reason.AbortedBySignal);
  assert.equal(readState(h.dir, aborted, 'test').stable?.version, V1);
});

test('postPromotion names known templates only', () => {
  assert.throws(
    () => validateReleaseSpec({ ...specInput(), postPromotion: { bake: '1m', templates: ['nope'] } }, fileFakeCatalogue),
    /postPromotion\.templates.*unknown analysis template "nope"/s,
  );
  assert.throws(() => validateReleaseSpec({ ...specInput(), postPromotion: { bake: 'soon' } }, fileFakeCatalogue), /postPromotion\.bake/);
  const ok = validateReleaseSpec({ ...specInput(), postPromotion: { bake: '1m' } }, fileFakeCatalogue);
  assert.deepEqual(ok.postPromotion, { bake: '1m', alerts: true });
});

function specInput() {
  return {
    service: 'svc',
    environment: 'test',
    source: { kind: 'prebuilt' as const, version: V2, binaryPath: '/artifacts/svc' },
    target: { kind: 'file-fake', settings: {} },
    strategy: { kind: 'canary' as const, steps: [{ setWeight: 10 }] },
  };
}
