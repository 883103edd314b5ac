/**
 * Bake after promotion, end to end on the real stack: process target (go-service binaries with
 * FAULT_CONTROL), HAProxy router, the real Prometheus evaluating a fast rule of this test, the
 * stack's Alertmanager routing it to the stack's receiver, which signals the baking release.
 * - v2 promoted with a bake; its error rate is switched up at run time during the bake: the
 *   alert rolls it back (AlertFired) and the router answers v1 again.
 * - the same with the worker SIGKILLed during the bake: the alert arrives while no worker runs,
 *   and the next worker rolls back.
 * - a bake without fault ends promoted after the bake, the previous version retired.
 * - bake analysis (templates against the promoted instance) detects the fault and rolls back.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { createDeployActivities } from '../../src/activities/deploy';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { createRouter } from '../../src/activities/routers/registry';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import type { DeploymentStatus } from '../../src/domain/status';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { adapterConfig, catalogue, eventually, stack, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary } from '../targets/fixtures';
import { BAKE_ALERT, ensureAlertPath, installAlertRule, setFault, startLoad } from './support/bake';
import { startReceiver } from '../notify/receiver';
import { startE2eWorker, versionsThroughRouter, type E2eWorker } from './support/e2e';
import { release } from './support/harness';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const environment = 'bake';
const prefix = uniqueName('bk').slice(0, 24);

interface Scenario {
  service: string;
  listenPort: number;
  basePort: number;
}

let e2e: E2eWorker;
let binaries: Record<string, string>;
const scenarios: Scenario[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
const children: ChildProcess[] = [];

async function scenario(name: string): Promise<Scenario> {
  // Five instance slots, then the router's frontend.
  const basePort = await freePortBlock(6);
  const listenPort = basePort + 5;
  const s = { service: `${prefix}-${name}`, listenPort, basePort };
  scenarios.push(s);
  return s;
}

const router = (s: Scenario) => ({ kind: 'haproxy' as const, settings: { listenPort: s.listenPort, drainTimeoutMs: 1000 } });
const target = (s: Scenario) => ({
  kind: 'process' as const,
  // The process target's stateDir is one service's: pid files, logs, retained binaries.
  settings: { stateDir: join(e2e.dir, 'processes', s.service), basePort: s.basePort, env: { ...FAST_STOP_ENV, FAULT_CONTROL: 'true' }, stopTimeoutMs: 5000, readyTimeoutMs: 20000 },
});

function specFor(s: Scenario, version: string, extra: Partial<ReleaseSpecInput> = {}) {
  return validateReleaseSpec(
    {
      service: s.service,
      environment,
      source: { kind: 'prebuilt', version, binaryPath: binaries[version]! },
      target: target(s),
      router: router(s),
      strategy: { kind: 'canary', steps: [{ setWeight: 100 }] },
      healthCheck: { interval: '500ms', window: '1s', failureThreshold: 3, timeout: '1s' },
      ...extra,
    } satisfies ReleaseSpecInput,
    catalogue,
  );
}

async function deploy(s: Scenario, version: string, extra: Partial<ReleaseSpecInput> = {}, taskQueue = e2e.taskQueue) {
  return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
    taskQueue,
    workflowId: deployWorkflowId(s.service, environment),
    args: [specFor(s, version, extra)],
  });
}

async function installV1(s: Scenario, taskQueue?: string): Promise<void> {
  const first = await settleDeployment((await deploy(s, V1, {}, taskQueue)).result());
  assert.equal(first.outcome, 'promoted', first.message);
  assert.deepEqual(await versionsThroughRouter(s.listenPort, 5), { [V1]: 5 });
}

type Handle = Awaited<ReturnType<typeof deploy>>;

async function baking(handle: Handle): Promise<DeploymentStatus & { bake: NonNullable<DeploymentStatus['bake']> }> {
  return eventually(
    'the release to be baking',
    async () => {
      const st = await handle.query(statusQuery);
      if (st.result) throw new Error(`the release ended before its bake: ${st.result.outcome} ${st.result.message}`);
      return st.bake ? (st as DeploymentStatus & { bake: NonNullable<DeploymentStatus['bake']> }) : undefined;
    },
    120000,
    200,
  );
}

before(async () => {
  await ensureAlertPath();
  e2e = await startE2eWorker('bake');
  binaries = { [V1]: await serviceBinary(V1), [V2]: await serviceBinary(V2) };
  // One rule for the scenarios that roll back by alert; the others never fire it.
  cleanups.push(await installAlertRule(`${prefix}-rule`, [`${prefix}-alert`, `${prefix}-kill`]));
});

after(async () => {
  await Promise.all(children.map(killHard));
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  const deployActivities = createDeployActivities({ config: adapterConfig, logger: pino({ level: 'warn' }), prometheusTargetsDir: stack.prometheus.targetsDir });
  for (const s of scenarios) {
    const ref = { service: s.service, environment, target: target(s), router: router(s) };
    for (const v of [V1, V2]) await deployActivities.retireRelease({ ...ref, release: release(s.service, v) }).catch(() => undefined);
    await createRouter('haproxy', router(s).settings, adapterConfig)
      .remove({ service: s.service, environment })
      .catch(() => undefined);
  }
  await e2e?.stop(
    () => ({ service: `${prefix}-none`, environment, target: { kind: 'process', settings: { stateDir: join(e2e.dir, 'processes') } }, router: { kind: 'none', settings: {} } }),
    [],
  );
});

/** Switches the fault on in v2 during the bake, under load, and expects the alert to roll it back. */
async function faultRollsBackByAlert(
  s: Scenario,
  handle: Handle,
  st: DeploymentStatus & { bake: NonNullable<DeploymentStatus['bake']> },
  t: { diagnostic: (m: string) => void },
  afterFault: () => Promise<void> = async () => undefined,
): Promise<void> {
  assert.equal(st.bake.alerts, true);
  const load = startLoad(`http://127.0.0.1:${s.listenPort}`, 20);
  try {
    await setFault(st.bake.instance, { errorRate: 1 });
    const faultAt = Date.now();
    await afterFault();
    const res = await settleDeployment(handle.result());
    const endedAt = Date.now();
    t.diagnostic(`${res.outcome} ${res.reason} ${endedAt - faultAt} ms after the fault: ${res.message}`);
    assert.equal(res.outcome, 'rolled-back', res.message);
    assert.equal(res.reason, Reason.AlertFired);
    assert.match(res.message, new RegExp(BAKE_ALERT));
    assert.ok(res.timeToDetectMs !== null && res.timeToDetectMs !== undefined && res.timeToDetectMs > 0, `time to detect ${res.timeToDetectMs}`);
    assert.equal(res.compensations[0], `restore ${V1} as stable`, `the router flip to ${V1} ran first: ${res.compensations.join(', ')}`);
    const events = (await handle.query(statusQuery)).events;
    assert.ok(
      events.some((e) => e.type === 'alert' && e.data?.action === 'rollback'),
      'the alert is in the event log',
    );
    // Users' requests sent once the release ended all reach v1.
    await eventually('load answered after the rollback', async () => (load.samples.filter((x) => x.sentAt >= endedAt).length >= 10 ? true : undefined), 10000, 100);
    const after = load.samples.filter((x) => x.sentAt >= endedAt);
    assert.ok(
      after.every((x) => x.version === V1),
      `every request after the rollback answered by ${V1}: ${JSON.stringify(after.filter((x) => x.version !== V1))}`,
    );
  } finally {
    await load.stop();
  }
  assert.deepEqual(await versionsThroughRouter(s.listenPort, 10), { [V1]: 10 }, 'the router answers v1 again');
}

test('an alert during the bake rolls v2 back through Prometheus, Alertmanager and the receiver, and a signed rolled-back event is sent', { timeout: 300000 }, async (t) => {
  const s = await scenario('alert');
  // The in-process worker reads `{ env: … }` secrets from this process's environment.
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  process.env.SLUICE_TEST_BAKE_WEBHOOK_SECRET = secret;
  const sink = await startReceiver();
  cleanups.push(() => sink.close());
  await installV1(s);
  const handle = await deploy(s, V2, {
    postPromotion: { bake: '3m' },
    notifications: [{ kind: 'webhook', url: `${sink.url}/sluice`, secret: { env: 'SLUICE_TEST_BAKE_WEBHOOK_SECRET' }, events: ['rolled-back'] }],
  });
  await faultRollsBackByAlert(s, handle, await baking(handle), t);

  const request = await eventually('the rolled-back notification', async () => sink.received.find((r) => r.path === '/sluice'), 30000, 100);
  const event = new Webhook(secret).verify(request.body, request.headers) as { type: string; data: Record<string, unknown> };
  assert.match(event.type, /rolled-back/);
  assert.equal(event.data.reason, Reason.AlertFired);
  assert.equal(event.data.service, s.service);
  assert.ok(Number(event.data.timeToRestoreMs) >= 0 && Number(event.data.timeToDetectMs) > 0, JSON.stringify(event.data));
  assert.throws(() => new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(request.body, request.headers), 'another secret does not verify it');
});

test('a worker SIGKILLed during the bake is replaced and the alert still rolls back', { timeout: 300000 }, async (t) => {
  const s = await scenario('kill');
  const taskQueue = uniqueName('bake-kill');
  const entry = require.resolve('./support/e2e-worker-process');
  const artifacts = join(e2e.dir, 'artifacts-kill');
  const first = spawnNode(entry, [taskQueue, artifacts]);
  children.push(first);
  await waitForLine(first, 'ready', 120000);
  await installV1(s, taskQueue);
  const handle = await deploy(s, V2, { postPromotion: { bake: '3m' } }, taskQueue);
  const st = await baking(handle);
  await killHard(first);
  let second: ChildProcess | undefined;
  // The alert fires while no worker runs: the receiver's status query goes unanswered, it signals
  // on visibility's phase, and the signal waits in the history for the next worker.
  await faultRollsBackByAlert(s, handle, st, t, async () => {
    await eventually(
      'the alert signal in the history while no worker runs',
      async () => ((await handle.fetchHistory()).events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'alert') || undefined,
      90000,
      250,
    );
    second = spawnNode(entry, [taskQueue, artifacts]);
    children.push(second);
    await waitForLine(second, 'ready', 120000);
  });
  assert.ok(second);
  const history = await handle.fetchHistory();
  const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
  assert.equal(identities.at(-1), `e2e-worker-${second.pid}`, 'the second worker finished the release');
  assert.ok(identities.includes(`e2e-worker-${first.pid}`));
});

test('a bake without fault ends promoted after the bake and retires the previous version', { timeout: 300000 }, async () => {
  const s = await scenario('pass');
  await installV1(s);
  const handle = await deploy(s, V2, {
    strategy: { kind: 'blueGreen', previewChecks: { window: '1s' }, scaleDownDelay: '0s' },
    postPromotion: { bake: '6s' },
  });
  const st = await baking(handle);
  // While it bakes, the previous version is still warm and the new one has the traffic.
  assert.deepEqual(await versionsThroughRouter(s.listenPort, 5), { [V2]: 5 });
  assert.equal(st.phase === 'baking' || st.phase === 'analysing', true, `phase ${st.phase}`);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.ok((res.phaseDurations.baking ?? 0) + (res.phaseDurations.analysing ?? 0) >= 6000, `baked 6 s: ${JSON.stringify(res.phaseDurations)}`);
  const events = (await handle.query(statusQuery)).events.map((e) => e.message);
  const passed = events.findIndex((m) => m.startsWith('bake passed'));
  const retired = events.findIndex((m) => m === `retired ${V1}`);
  assert.ok(passed >= 0 && retired > passed, `the previous version is retired after the bake: ${events.join(' | ')}`);
  assert.deepEqual(await versionsThroughRouter(s.listenPort, 5), { [V2]: 5 });
});

test('bake analysis detects the fault switched on after promotion and rolls back', { timeout: 300000 }, async (t) => {
  const s = await scenario('analysis');
  await installV1(s);
  const handle = await deploy(s, V2, {
    analysis: {
      templates: [{ ...defaultThresholdTemplate({ interval: '1s', initialDelay: '2s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
      load: { ratePerSecond: 30, via: 'candidate' },
      rateWindow: '3s',
    },
    postPromotion: { bake: '3m', templates: ['errors'], alerts: false },
  });
  const st = await baking(handle);
  assert.deepEqual(st.bake.templates, ['errors']);
  // The fault comes once the bake analysis measures, as a regression that shows after promotion.
  await eventually('the bake analysis to measure', async () => ((await handle.query(statusQuery)).phase === 'analysing' ? true : undefined), 60000, 200);
  await setFault(st.bake.instance, { errorRate: 0.5 });
  const faultAt = Date.now();
  const res = await settleDeployment(handle.result());
  t.diagnostic(`${res.outcome} ${res.reason} ${Date.now() - faultAt} ms after the fault: ${res.message}`);
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AnalysisFailed);
  assert.deepEqual(await versionsThroughRouter(s.listenPort, 10), { [V1]: 10 });
});
