/**
 * Notifications end to end, on the real Temporal dev server: releases of the file-fake target
 * (test/workflows/support) with the real delivery activity, posting to real HTTP receivers on
 * 127.0.0.1 that verify Standard Webhooks signatures with the `standardwebhooks` library.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import pino from 'pino';
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { createNotifyActivities } from '../../src/activities/notify';
import { ErrorType } from '../../src/domain/errors';
import type { NotificationSink } from '../../src/domain/notifications';
import { Reason } from '../../src/domain/reasons';
import { createNotificationMetrics } from '../../src/worker/notification-metrics';
import { approveUpdate } from '../../src/workflows/definitions';
import { readableHistory } from '../helpers/history-text';
import { eventually, freePort } from '../helpers/stack';
import { newService, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from '../workflows/support/harness';
import { startReceiver, type ReceivedRequest, type Receiver } from './receiver';

const UI = 'http://127.0.0.1:8233';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SLACK_TOKEN = randomBytes(16).toString('hex');
const registry = new Registry();
const logLines: string[] = [];
let h: Harness;
let webhook: Receiver;
let slack: Receiver;
const env: NodeJS.ProcessEnv = { SLUICE_TEST_WEBHOOK_SECRET: SECRET };

before(async () => {
  webhook = await startReceiver();
  slack = await startReceiver();
  env.SLUICE_TEST_SLACK_URL = `${slack.url}/services/T000/B000/${SLACK_TOKEN}`;
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  h = await startHarness({ activities: createNotifyActivities({ env, uiUrl: UI, recorder: createNotificationMetrics(registry), logger }) });
});
after(async () => {
  await h?.close();
  await webhook?.close();
  await slack?.close();
});

const webhookSink = (url: string, name?: string, events?: NotificationSink['events']): NotificationSink => ({
  kind: 'webhook',
  url,
  secret: { env: 'SLUICE_TEST_WEBHOOK_SECRET' },
  ...(name ? { name } : {}),
  ...(events ? { events } : {}),
});
const slackSink: NotificationSink = { kind: 'slack', url: { env: 'SLUICE_TEST_SLACK_URL' } };

interface Envelope {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { service: string; event: string; workflowId: string; runId: string };
}

/** Verifies the signature (throws when it does not match) and returns the parsed body. */
function verified(req: ReceivedRequest, secret = SECRET): Envelope {
  return new Webhook(secret).verify(req.body, req.headers) as Envelope;
}

function forService(r: Receiver, service: string): ReceivedRequest[] {
  return r.received.filter((req) => req.body.includes(`"${service}`) || req.body.includes(` ${service} `));
}

/** The event's sequence number in its release, from its webhook-id (`…/notify/<run>/<n>-<event>`). */
function sequence(req: ReceivedRequest): number {
  return Number(/\/(\d+)-[a-z-]+$/.exec(req.headers['webhook-id'] ?? '')?.[1] ?? NaN);
}

/** Verified events in the order the release sent them (deliveries run in parallel and may arrive in another). */
async function webhookEvents(r: Receiver, service: string, count: number): Promise<Envelope[]> {
  return eventually(`${count} webhook deliveries for ${service}`, async () => {
    const got = forService(r, service)
      .sort((a, b) => sequence(a) - sequence(b))
      .map((req) => verified(req));
    return got.length >= count ? got : undefined;
  });
}

async function counterValue(labels: { sink: string; event: string; outcome: string }): Promise<number> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`sluice_notifications_total{sink="${labels.sink}",event="${labels.event}",outcome="${labels.outcome}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function childStatus(id: string): Promise<WorkflowExecutionStatusName> {
  return (await h.client.workflow.getHandle(id).describe()).status.name;
}

test('a release sends signed started, awaiting-approval and promoted events to a webhook and a Slack sink; no secret reaches history', async () => {
  const service = newService('notify-ok');
  seedStable(h, service, '1.0.0+aaaaaaa');
  const s = spec(service, '1.1.0+bbbbbbb', {
    strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
    notifications: [webhookSink(`${webhook.url}/sluice`), slackSink],
  });
  const handle = await startDeploy(h, s);
  await waitForStatus(handle, 'the approval gate', (st) => st.phase === 'awaiting-approval');
  await handle.executeUpdate(approveUpdate, { args: ['alice'] });
  const res = await result(handle);
  assert.equal(res.outcome, 'promoted');

  const events = await webhookEvents(webhook, service, 3);
  assert.deepEqual(
    events.map((e) => e.type),
    ['release.started', 'release.awaiting-approval', 'release.promoted'],
  );
  const [started, gate, promoted] = events as [Envelope, Envelope, Envelope];
  assert.equal(started.data.version, '1.1.0+bbbbbbb');
  assert.equal(started.data.previousVersion, '1.0.0+aaaaaaa');
  assert.equal(gate.data.gate, 'canary step 2 (pause)');
  assert.equal(promoted.data.outcome, 'promoted');
  assert.equal(promoted.data.reason, Reason.Promoted);
  assert.equal(promoted.data.link, `${UI}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${promoted.data.runId}/history`);
  // Every request is signed with the secret; a receiver with another secret refuses it.
  const requests = forService(webhook, service);
  assert.equal(requests.length, 3, 'each event delivered once');
  assert.equal(new Set(requests.map((r) => r.headers['webhook-id'])).size, 3, 'one webhook-id per event');
  assert.throws(() => verified(requests[0]!, `whsec_${randomBytes(24).toString('base64')}`), /signature/i);
  assert.throws(() => new Webhook(SECRET).verify(requests[0]!.body.replace('"event":', '"event": '), requests[0]!.headers), /signature/i);

  const chat = await eventually('3 Slack messages', async () => {
    const got = forService(slack, service);
    return got.length >= 3 ? got : undefined;
  });
  assert.ok(chat.every((c) => c.path === `/services/T000/B000/${SLACK_TOKEN}`));
  const texts = chat.map((c) => (JSON.parse(c.body) as { text: string; blocks: unknown[] }).text).join('\n');
  assert.match(texts, new RegExp(`${service} 1\\.1\\.0\\+bbbbbbb release started in test`));
  assert.match(texts, /awaits approval in test: canary step 2 \(pause\)/);
  assert.match(texts, /promoted in test/);

  // The secret, the Slack URL and its token are in no history: the release's, nor the deliveries'.
  const ids = [handle.workflowId, ...requests.map((r) => r.headers['webhook-id']!)];
  const histories = await Promise.all(ids.map(async (id) => readableHistory(await h.client.workflow.getHandle(id).fetchHistory())));
  for (const [i, text] of histories.entries()) {
    assert.ok(text.includes('SLUICE_TEST_WEBHOOK_SECRET'), `${ids[i]}: the search sees the secret's reference, so it would see the secret`);
    for (const secret of [SECRET, SECRET.slice('whsec_'.length), SLACK_TOKEN, env.SLUICE_TEST_SLACK_URL!]) {
      assert.ok(!text.includes(secret), `${ids[i]}: a secret is in the history`);
    }
  }
  assert.ok(!logLines.join('').includes(SLACK_TOKEN) && !logLines.join('').includes(SECRET), 'no secret in the log');
  // Counted once the sink's answer is back, which is after the receiver recorded the request.
  for (const sink of ['webhook', 'slack']) {
    await eventually(`${sink} promoted counted as delivered`, async () => ((await counterValue({ sink, event: 'promoted', outcome: 'delivered' })) === 1 ? true : undefined));
  }
});

test('a rolled-back release says why, how long detection and restore took, and links the Web UI', async () => {
  const service = newService('notify-rb');
  seedStable(h, service, '1.0.0+aaaaaaa');
  const s = spec(service, '1.2.0+bad0001', { notifications: [webhookSink(`${webhook.url}/sluice`, undefined, ['rolled-back']), slackSink] });
  const handle = await startDeploy(h, s);
  const res = await result(handle);
  assert.equal(res.outcome, 'rolled-back');
  assert.equal(res.reason, Reason.HealthCheckFailed);

  const [event] = (await webhookEvents(webhook, service, 1)) as [Envelope];
  assert.equal(event.type, 'release.rolled-back');
  assert.equal(event.data.reason, Reason.HealthCheckFailed);
  assert.equal(event.data.version, '1.2.0+bad0001');
  assert.equal(event.data.timeToDetectMs, res.timeToDetectMs);
  assert.equal(event.data.timeToRestoreMs, res.timeToRollbackMs);
  assert.ok(typeof event.data.timeToDetectMs === 'number' && typeof event.data.timeToRestoreMs === 'number');
  assert.equal(event.data.link, `${UI}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${event.data.runId}/history`);
  assert.equal(forService(webhook, service).length, 1, 'the events filter kept started out');

  const chat = await eventually('the Slack rolled-back message', async () => forService(slack, service).find((c) => c.body.includes('rolled back')));
  const msg = JSON.parse(chat.body) as { text: string; blocks: { elements?: { text: string }[] }[] };
  assert.match(msg.text, /rolled back in test \(HealthCheckFailed\): detected in .+, restored in .+/);
  assert.ok(JSON.stringify(msg.blocks).includes(`<${UI}/namespaces/default/workflows/`), 'the Slack message links the Web UI');
});

test('a release cancelled at its approval gate still announces that it was aborted', async () => {
  const service = newService('notify-cancel');
  seedStable(h, service, '1.0.0+aaaaaaa');
  const s = spec(service, '1.1.0+eeeeeee', {
    strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
    notifications: [webhookSink(`${webhook.url}/sluice`, undefined, ['awaiting-approval', 'aborted'])],
  });
  const handle = await startDeploy(h, s);
  await waitForStatus(handle, 'the approval gate', (st) => st.phase === 'awaiting-approval');
  await handle.cancel();
  const res = await result(handle);
  assert.equal(res.outcome, 'aborted');
  assert.equal(res.reason, Reason.WorkflowCancelled);
  const events = await webhookEvents(webhook, service, 2);
  assert.deepEqual(
    events.map((e) => e.type),
    ['release.awaiting-approval', 'release.aborted'],
  );
  assert.equal(events[1]!.data.reason, Reason.WorkflowCancelled);
  assert.equal(events[1]!.data.timeToRestoreMs, res.timeToRollbackMs);
});

test('a sink that answers 500 twice then 200 gets one logical delivery with the same webhook-id in all three attempts', async () => {
  const service = newService('notify-flaky');
  let failuresLeft = 2;
  const flaky = await startReceiver(() => (failuresLeft-- > 0 ? 500 : 200));
  try {
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(h, spec(service, '1.1.0+ccccccc', { notifications: [webhookSink(flaky.url, 'flaky', ['promoted'])] }));
    assert.equal((await result(handle)).outcome, 'promoted');
    const attempts = await eventually('three attempts', async () => (flaky.received.length >= 3 ? flaky.received : undefined));
    const id = attempts[0]!.headers['webhook-id']!;
    assert.deepEqual(
      attempts.map((a) => a.headers['webhook-id']),
      [id, id, id],
    );
    assert.ok(
      attempts.every((a) => verified(a).type === 'release.promoted'),
      'every attempt is validly signed',
    );
    await eventually('the delivery workflow to complete', async () => ((await childStatus(id)) === 'COMPLETED' ? true : undefined));
    assert.equal(flaky.received.length, 3, 'no delivery after the 200');
    assert.equal(await counterValue({ sink: 'flaky', event: 'promoted', outcome: 'retrying' }), 2);
    assert.equal(await counterValue({ sink: 'flaky', event: 'promoted', outcome: 'delivered' }), 1);
    assert.equal(await counterValue({ sink: 'flaky', event: 'promoted', outcome: 'failed' }), 0);
  } finally {
    await flaky.close();
  }
});

test('a dead sink does not hold up the release, and its failure is counted, logged and visible in Temporal', async () => {
  const service = newService('notify-dead');
  const deadUrl = `http://127.0.0.1:${await freePort()}/hook`; // nothing listens: connection refused
  seedStable(h, service, '1.0.0+aaaaaaa');
  const handle = await startDeploy(
    h,
    spec(service, '1.1.0+ddddddd', { notifications: [webhookSink(deadUrl, 'dead', ['promoted']), webhookSink(`${webhook.url}/live`, 'live', ['promoted'])] }),
  );
  const res = await result(handle);
  assert.equal(res.outcome, 'promoted');
  // The release is done while its delivery is still retrying: it never waited for the sink.
  const [delivered] = (await webhookEvents(webhook, service, 1)) as [Envelope];
  const id = forService(webhook, service)[0]!.headers['webhook-id']!;
  assert.equal(delivered.type, 'release.promoted', 'the live sink got the event all the same');
  assert.equal(await childStatus(id), 'RUNNING', 'the dead sink is still being retried after the release ended');

  await eventually('the delivery workflow to give up', async () => ((await childStatus(id)) === 'FAILED' ? true : undefined), 90_000, 500);
  const failure = await h.client.workflow
    .getHandle(id)
    .result()
    .then(
      () => undefined,
      (err: { cause?: { type?: string; message?: string } }) => err.cause,
    );
  assert.equal(failure?.type, ErrorType.NotificationFailed);
  assert.match(failure?.message ?? '', /promoted not delivered to dead: .*connection failed \(ECONNREFUSED\)/);
  assert.equal(await counterValue({ sink: 'dead', event: 'promoted', outcome: 'failed' }), 1);
  assert.equal(await counterValue({ sink: 'dead', event: 'promoted', outcome: 'retrying' }), 4);
  assert.equal(await counterValue({ sink: 'live', event: 'promoted', outcome: 'delivered' }), 1);
  const logged = logLines.map((l) => JSON.parse(l) as { sink?: string; level: number; msg: string; webhookId?: string }).find((l) => l.sink === 'dead' && l.level >= 50);
  assert.match(logged?.msg ?? '', /notification promoted to webhook sink "dead" failed after 5 attempt\(s\); the release is unaffected/);
  assert.equal(logged?.webhookId, id);
});
