/**
 * Drill notifications end to end: real rollback drills (the process target behind HAProxy, the
 * real Prometheus for analysis) on a worker wired like production, with the real delivery
 * activity posting to receivers on 127.0.0.1 that verify Standard Webhooks signatures with the
 * `standardwebhooks` library.
 * - a drill with a webhook sink sends signed `drill.started` and `drill.passed`, with the kind,
 *   the reason, time to detect and to restore against the budget, and the Web UI link; its own
 *   release sends no release event;
 * - a drill whose fault no check sees sends `drill.failed`, and a sink filtered on
 *   `events: [drill.failed]` gets that and nothing else; Slack gets it as a headline;
 * - a drill aborted by a release sends `drill.aborted`, and the release none of its own (no sinks).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { SluiceClient } from '../../src/client';
import { temporalUiUrl } from '../../src/dev/config';
import type { DrillResult } from '../../src/domain/drill';
import type { NotificationSink } from '../../src/domain/notifications';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { deployWorkflow } from '../../src/workflows';
import { eventually, stack, stackConnectionSettings } from '../helpers/stack';
import { startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { ProcessService, type SpecFields } from '../workflows/support/process-service';
import { notificationTrace } from './drill-history';
import { startReceiver, type ReceivedRequest, type Receiver } from './receiver';

const V1 = '1.0.0+ccc3333';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SECRET_ENV = 'SLUICE_TEST_DRILL_WEBHOOK_SECRET';
const SLACK_ENV = 'SLUICE_TEST_DRILL_SLACK_URL';

let e2e: E2eWorker;
let svc: ProcessService;
let sluice: SluiceClient;
let webhook: Receiver;
let failures: Receiver;
let slack: Receiver;

interface Envelope {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { service: string; event: string; workflowId: string; runId: string };
}

const sink = (url: string, name?: string, events?: NotificationSink['events']): NotificationSink => ({
  kind: 'webhook',
  url,
  secret: { env: SECRET_ENV },
  ...(name ? { name } : {}),
  ...(events ? { events } : {}),
});

const steps = [
  { kind: 'setWeight' as const, weight: 20 },
  { kind: 'analysis' as const, templates: ['errors'] },
  { kind: 'setWeight' as const, weight: 100 },
];
const analysed: SpecFields = {
  strategy: { kind: 'canary', steps, scaleDownDelay: '0s' },
  analysis: {
    templates: [{ ...defaultThresholdTemplate({ interval: '1000ms', count: 6, initialDelay: '5s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
    load: { ratePerSecond: 40, via: 'candidate' },
    rateWindow: '10s',
  },
  drill: { fault: { env: { FAULT_ERROR_RATE: '0.5' } }, budget: '5m' },
};
// No templates: the analysis step is a health window on /healthz and /readyz, which the error fault does not touch.
const blind: SpecFields = { ...analysed, analysis: {}, strategy: { kind: 'canary', steps: [steps[0], { kind: 'analysis' }, steps[2]], scaleDownDelay: '0s' } };

function verified(req: ReceivedRequest): Envelope {
  return new Webhook(SECRET).verify(req.body, req.headers) as Envelope;
}

/** The verified events of one drill run, in the order it sent them (by the sequence in the webhook-id). */
async function eventsOf(r: Receiver, runId: string, count: number): Promise<Envelope[]> {
  return eventually(`${count} deliveries of drill run ${runId}`, async () => {
    const got = r.received.filter((req) => (req.headers['webhook-id'] ?? '').includes(`/notify/${runId}/`));
    if (got.length < count) return undefined;
    const seq = (req: ReceivedRequest) => Number(/\/(\d+)-[a-z.-]+$/.exec(req.headers['webhook-id'] ?? '')?.[1]);
    return got.sort((a, b) => seq(a) - seq(b)).map(verified);
  });
}

async function drill(fields: SpecFields, notifications: NotificationSink[]): Promise<{ result: DrillResult; runId: string; workflowId: string }> {
  const started = await sluice.drill(svc.spec(V1, { ...fields, notifications }), 'bad-canary', { wait: true, by: 'drill notification test' });
  assert.ok(started.result);
  console.log(`drill: ${started.result.outcome} ${started.result.reason} — ${started.result.message}`);
  return { result: started.result, runId: started.runId, workflowId: started.workflowId };
}

before(async () => {
  // The production-wired worker reads `{ env: NAME }` secrets from its process environment.
  process.env[SECRET_ENV] = SECRET;
  webhook = await startReceiver();
  failures = await startReceiver();
  slack = await startReceiver();
  process.env[SLACK_ENV] = `${slack.url}/services/T000/B000/${randomBytes(8).toString('hex')}`;
  e2e = await startE2eWorker('drill-notify');
  svc = await ProcessService.create(e2e, { prefix: 'drill-notify', versions: [V1] });
  sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: e2e.taskQueue });
  // The live version, released without sinks: whatever the receivers get comes from drills.
  const res = await settleDeployment(
    (await svc.deploy(V1, { strategy: { kind: 'canary', steps: [{ kind: 'setWeight', weight: 100 }] } })).result() as ReturnType<typeof deployWorkflow>,
  );
  assert.equal(res.outcome, 'promoted', res.message);
});

after(async () => {
  await sluice?.close();
  await e2e?.stop(() => svc.ref(), svc.releases());
  await webhook?.close();
  await failures?.close();
  await slack?.close();
});

test('a drill with a webhook sink sends signed drill.started and drill.passed with its figures; its release sends nothing', { timeout: 300000 }, async () => {
  const { result, runId, workflowId } = await drill(analysed, [sink(`${webhook.url}/drills`), sink(`${failures.url}/only-failures`, 'failures', ['drill.failed'])]);
  assert.equal(result.outcome, 'passed', result.message);

  const [started, passed] = (await eventsOf(webhook, runId, 2)) as [Envelope, Envelope];
  assert.deepEqual([started.type, passed.type], ['drill.started', 'drill.passed']);
  assert.equal(started.data.drillKind, 'bad-canary');
  assert.equal(started.data.version, V1);
  assert.equal(started.data.service, svc.service);
  assert.equal(passed.data.drillKind, 'bad-canary');
  assert.equal(passed.data.outcome, 'passed');
  assert.equal(passed.data.reason, Reason.DrillPassed);
  assert.equal(passed.data.timeToDetectMs, result.timeToDetectMs);
  assert.equal(passed.data.timeToRestoreMs, result.timeToRestoreMs);
  assert.ok(typeof passed.data.timeToDetectMs === 'number' && passed.data.timeToDetectMs > 0);
  assert.equal(passed.data.budgetMs, 5 * 60_000);
  assert.equal(passed.data.workflowId, workflowId);
  assert.equal(passed.data.link, `${temporalUiUrl(stack)}/namespaces/${stack.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`);
  assert.deepEqual(
    webhook.received.map((r) => r.headers['webhook-id']).sort(),
    [`${workflowId}/notify/${runId}/1-drill.started`, `${workflowId}/notify/${runId}/2-drill.passed`],
    'one delivery per event, its webhook-id from the drill run',
  );
  assert.equal(webhook.received.length, 2, "the drill's own release sent no release event");
  // Behind its own patch, one abandoned notifyWorkflow child per event (beside the drill's release).
  const trace = await notificationTrace(e2e.client, workflowId, runId);
  assert.ok(trace.patches.includes('drill-notifications'), JSON.stringify(trace.patches));
  assert.deepEqual(
    trace.children.filter((c) => c === 'notifyWorkflow'),
    ['notifyWorkflow', 'notifyWorkflow'],
  );
  // A sink filtered on drill.failed hears nothing of a passed drill: the drill completed only once
  // every delivery child had started, and none was started for it.
  assert.equal(failures.received.length, 0);
});

test('a drill whose fault goes undetected sends drill.failed, also to a sink filtered on it and to Slack', { timeout: 300000 }, async () => {
  const before = webhook.received.length;
  const { result, runId } = await drill(blind, [
    sink(`${webhook.url}/drills`),
    sink(`${failures.url}/only-failures`, 'failures', ['drill.failed']),
    { kind: 'slack', url: { env: SLACK_ENV }, events: ['drill.failed'] },
  ]);
  assert.equal(result.outcome, 'failed');
  assert.equal(result.reason, Reason.DrillFaultUndetected);

  const [started, failed] = (await eventsOf(webhook, runId, 2)) as [Envelope, Envelope];
  assert.deepEqual([started.type, failed.type], ['drill.started', 'drill.failed']);
  assert.equal(failed.data.outcome, 'failed');
  assert.equal(failed.data.reason, Reason.DrillFaultUndetected);
  assert.equal(failed.data.timeToDetectMs, null);
  assert.match(String(failed.data.message), /undetected/);
  assert.equal(webhook.received.length - before, 2, 'no release events from the drill');
  const [only] = (await eventsOf(failures, runId, 1)) as [Envelope];
  assert.equal(only.type, 'drill.failed');
  assert.equal(failures.received.length, 1);
  const [chat] = await eventually('the Slack message', async () => (slack.received.length >= 1 ? slack.received : undefined));
  const text = (JSON.parse(chat!.body) as { text: string }).text;
  assert.match(text, new RegExp(`${svc.service} ${V1.replace(/[+.]/g, '\\$&')} bad-canary drill FAILED in e2e \\(DrillFaultUndetected\\)`));
  assert.match(text, /budget 5 min 0 s/);
});

test('a drill aborted by a release sends drill.aborted', { timeout: 300000 }, async () => {
  const before = webhook.received.length;
  // A canary that holds: the drill still runs when the release comes.
  const slow: SpecFields = { ...analysed, strategy: { kind: 'canary', steps: [steps[0], { kind: 'pause', duration: '5m' }, steps[2]], scaleDownDelay: '0s' } };
  const started = await sluice.drill(svc.spec(V1, { ...slow, notifications: [sink(`${webhook.url}/drills`)] }), 'bad-canary', { by: 'drill notification test' });
  await eventsOf(webhook, started.runId, 1);
  const release = await sluice.deploy(svc.spec(V1, { strategy: { kind: 'canary', steps: [{ kind: 'setWeight', weight: 100 }] } }));
  assert.equal(release.abortedDrill, started.workflowId);
  const [first, aborted] = (await eventsOf(webhook, started.runId, 2)) as [Envelope, Envelope];
  assert.deepEqual([first.type, aborted.type], ['drill.started', 'drill.aborted']);
  assert.equal(aborted.data.outcome, 'aborted');
  assert.equal(aborted.data.reason, Reason.DrillAborted);
  await settleDeployment(e2e.client.workflow.getHandle(release.workflowId, release.runId).result() as ReturnType<typeof deployWorkflow>);
  assert.equal(webhook.received.length - before, 2);
  assert.deepEqual(await svc.versionsThroughRouter(10), { [V1]: 10 });
});
