/**
 * The Alertmanager webhook receiver over HTTP, against the real Temporal dev server and running
 * releases (file-fake target, see test/workflows/support/file-target.ts): credentials and body
 * are checked before anything is looked up; a firing alert signals only a baking release;
 * resolved alerts and alerts without service and environment change nothing. Last, the embedded
 * stack's receiver: its token file is private and it refuses a request without the token.
 */
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { alertReceiverUrl } from '../../src/dev/config';
import { Reason } from '../../src/domain/reasons';
import { createReceiver, listen, temporalReleases, type AlertOutcome, type ReleasePort } from '../../src/receivers/alertmanager';
import { statusQuery } from '../../src/workflows/definitions';
import { ensureAlertPath } from '../workflows/support/bake';
import { newService, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from '../workflows/support/harness';
import { stack } from '../helpers/stack';

const TOKEN = 'test-token-0123456789';
const BASIC = { username: 'alertmanager', password: 'pa55:word' };

let h: Harness;
let server: Server;
let url: string;
/** Counts what the receiver asked Temporal, over the real port: proves a refused request looked nothing up. */
let calls: { lookups: number; signals: number };

function countingReleases(real: ReleasePort): ReleasePort {
  return {
    lookup: (...args) => {
      calls.lookups++;
      return real.lookup(...args);
    },
    signalAlert: (...args) => {
      calls.signals++;
      return real.signalAlert(...args);
    },
  };
}

before(async () => {
  h = await startHarness({ buildMs: 0 });
  calls = { lookups: 0, signals: 0 };
  server = createReceiver({
    credentials: { bearerToken: TOKEN, basic: BASIC },
    releases: countingReleases(temporalReleases(async () => h.client)),
    logger: pino({ level: 'silent' }),
  });
  const bound = await listen(server, '127.0.0.1', 0);
  url = `http://127.0.0.1:${bound.port}/alerts`;
});
after(async () => {
  await new Promise((r) => server?.close(r));
  await h?.close();
});

function payload(alerts: Array<{ status?: 'firing' | 'resolved'; labels: Record<string, string> }>) {
  return {
    version: '4',
    groupKey: '{}:{alertname="X"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'sluice-rollback',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: alerts.map((a, i) => ({
      status: a.status ?? 'firing',
      labels: { alertname: 'HighErrorRate', severity: 'critical', ...a.labels },
      annotations: { summary: 'errors above budget' },
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://127.0.0.1:9090/graph',
      fingerprint: `fp${i}`,
    })),
  };
}

async function post(body: unknown, auth: string | null = `Bearer ${TOKEN}`): Promise<{ status: number; json: { results?: AlertOutcome[]; error?: string } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(15000),
  });
  return { status: res.status, json: (await res.json()) as { results?: AlertOutcome[]; error?: string } };
}

test('a missing or wrong token gets 401 and looks nothing up', async () => {
  const before = { ...calls };
  const body = payload([{ labels: { service: 'svc', environment: 'test' } }]);
  for (const auth of [null, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${Buffer.from('alertmanager:nope').toString('base64')}`, 'Token abc']) {
    const res = await post(body, auth);
    assert.equal(res.status, 401, `authorization ${auth ?? '(none)'}`);
  }
  assert.deepEqual(calls, before);
  // Basic auth with the right pair is accepted (a password may contain a colon).
  const ok = await post(body, `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`);
  assert.equal(ok.status, 200);
});

test('a body that is not an Alertmanager v4 payload gets 400 and looks nothing up', async () => {
  const before = { ...calls };
  const good = payload([{ labels: { service: 'svc', environment: 'test' } }]);
  for (const body of ['not json', '{}', JSON.stringify({ ...good, version: '3' }), JSON.stringify({ ...good, alerts: [{ status: 'firing' }] }), '[]']) {
    const res = await post(body);
    assert.equal(res.status, 400, body.slice(0, 60));
  }
  assert.deepEqual(calls, before);
});

test('only a release baking with alerts on is signalled; others, resolved alerts and unlabelled ones are left alone', { timeout: 120000 }, async () => {
  // A release at an approval gate: running, not baking.
  const gated = newService('rcv-gated');
  seedStable(h, gated, '1.0.0+aaaaaaa');
  const gatedHandle = await startDeploy(
    h,
    spec(gated, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] }, postPromotion: { bake: '5m' } }),
  );
  await waitForStatus(gatedHandle, 'the gate', (s) => s.phase === 'awaiting-approval');
  // A release baking.
  const baking = newService('rcv-baking');
  seedStable(h, baking, '1.0.0+aaaaaaa');
  const bakingHandle = await startDeploy(h, spec(baking, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 100 }] }, postPromotion: { bake: '5m' } }));
  await waitForStatus(bakingHandle, 'the bake', (s) => s.phase === 'baking');
  // A release baking with alerts off.
  const quiet = newService('rcv-quiet');
  seedStable(h, quiet, '1.0.0+aaaaaaa');
  const quietHandle = await startDeploy(
    h,
    spec(quiet, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 100 }] }, postPromotion: { bake: '5m', alerts: false } }),
  );
  await waitForStatus(quietHandle, 'the quiet bake', (s) => s.phase === 'baking');

  const res = await post(
    payload([
      { labels: { service: gated, environment: 'test' } },
      { labels: { service: newService('rcv-none'), environment: 'test' } },
      { labels: { service: baking, environment: 'test' }, status: 'resolved' },
      { labels: { environment: 'test' } },
      { labels: { service: quiet, environment: 'test' } },
      { labels: { service: baking, environment: 'test' } },
    ]),
  );
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.deepEqual(
    res.json.results!.map((r) => r.action),
    ['not-baking', 'no-running-release', 'resolved-ignored', 'missing-labels', 'alerts-off', 'signalled'],
  );
  const rolled = await result(bakingHandle);
  assert.equal(rolled.outcome, 'rolled-back', rolled.message);
  assert.equal(rolled.reason, Reason.AlertFired);
  // The gated release got no signal: no alert event, still waiting.
  const gatedStatus = await gatedHandle.query(statusQuery);
  assert.equal(gatedStatus.phase, 'awaiting-approval');
  assert.ok(!gatedStatus.events.some((e) => e.type === 'alert'), 'no alert reached the release that is not baking');
  const quietStatus = await quietHandle.query(statusQuery);
  assert.equal(quietStatus.phase, 'baking');
  assert.ok(!quietStatus.events.some((e) => e.type === 'alert'), 'no alert reached the release baking with alerts off');
  for (const other of [gatedHandle, quietHandle]) {
    await other.signal('abort', 'test over', 'tester');
    await result(other);
  }
});

test("the embedded stack's receiver keeps its token private and refuses requests without it", async () => {
  await ensureAlertPath();
  const mode = statSync(stack.alertReceiver.tokenFile).mode & 0o777;
  assert.equal(mode, 0o600, `token file mode ${mode.toString(8)}`);
  const body = JSON.stringify(payload([{ labels: { service: newService('rcv-stack'), environment: 'test' } }]));
  const refused = await fetch(`${alertReceiverUrl(stack)}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(refused.status, 401);
  const token = readFileSync(stack.alertReceiver.tokenFile, 'utf8').trim();
  const accepted = await fetch(`${alertReceiverUrl(stack)}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  assert.equal(accepted.status, 200);
  const answer = (await accepted.json()) as { results: AlertOutcome[] };
  assert.equal(answer.results[0]?.action, 'no-running-release');
});
