/**
 * A release across a fleet, end to end (issue 14): three hosts on this machine at 127.0.0.2, .3
 * and .4, each with its own agent process (`sluice agent`, real, on its own task queue and state
 * directory) and its own supervisord running the example service under the process target; the
 * central worker (wired like production) runs the workflow and the HAProxy in front of the three
 * hosts. Traffic is measured where users see it, through HAProxy, at 200 requests per second.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SluiceClient } from '../../src/client';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import { statusQuery } from '../../src/workflows/definitions';
import { steadyLoad } from '../helpers/steady-load';
import { eventually, stack, stackConnectionSettings } from '../helpers/stack';
import { promQuery } from '../helpers/exposition';
import { versionsThroughRouter } from '../workflows/support/e2e';
import { Fleet, waitForEvent } from './support';
import { defaultSequentialTemplate, defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { hostGroupId } from '../../src/activities/metrics/scrape-groups';
import { readScrapeGroup } from '../../src/lib/prometheus-sd';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const V3 = '1.2.0+ccc3333';
const V4 = '1.3.0+ddd4444';
const RATE = 200;

let fleet: Fleet;
const spec = (...args: Parameters<Fleet['spec']>) => fleet.spec(...args);
const deploy = (s: ReturnType<typeof spec>) => fleet.deploy(s);
const versionsOnHosts = () => fleet.versionsOnHosts();
const all = (version: string) => fleet.all(version);

/** `sluice rollback` of the fleet at RATE requests per second through its router; no request may fail. */
async function rollbackUnderLoad(what: string) {
  const sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: fleet.e2e.taskQueue });
  const load = steadyLoad(`http://127.0.0.1:${fleet.listenPort}/version`, RATE);
  let rolled;
  try {
    rolled = await sluice.rollback({ service: fleet.service, environment: fleet.environment }, { wait: true });
  } finally {
    const report = await load.stop();
    await sluice.close();
    assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
    console.log(`sluice rollback ${what}: ${report.sent} requests, ${report.failed.length} failed, ${rolled?.result?.durationMs} ms`);
  }
  return rolled;
}

before(async () => {
  fleet = await Fleet.create('fleet', 3, [V1, V2, V3, V4]);
  const first = await settleDeployment(deploy(spec(V1)).then((h) => h.result()));
  assert.equal(first.outcome, 'promoted', first.message);
  assert.deepEqual(await versionsOnHosts(), all(V1));
});

after(async () => {
  await fleet?.stop();
});

test(`a rolling release across three hosts, host by host through their agents, drops no request at ${RATE} req/s`, { timeout: 300_000 }, async () => {
  const load = steadyLoad(`http://127.0.0.1:${fleet.listenPort}/version`, RATE);
  let res;
  try {
    res = await settleDeployment(deploy(spec(V2)).then((h) => h.result()));
  } finally {
    const report = await load.stop();
    assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
    assert.ok(report.versions[V1]! > 0 && report.versions[V2]! > 0, JSON.stringify(report.versions));
    console.log(`rolling V1 → V2: ${report.sent} requests, ${report.failed.length} failed, versions ${JSON.stringify(report.versions)}`);
  }
  assert.equal(res.outcome, 'promoted', res.message);
  assert.equal(res.previous?.version, V1);
  assert.deepEqual(await versionsOnHosts(), all(V2));
  assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V2]: 9 });
  // Prometheus scrapes every host's instance, labelled with its host and the version it runs.
  await eventually(
    'every host scraped with V2',
    async () => {
      const up = await promQuery(`up{service="${fleet.service}",environment="${fleet.environment}"}`);
      const seen = Object.fromEntries(up.filter((s) => s.value === 1).map((s) => [s.metric.host, s.metric.version]));
      return JSON.stringify(seen) === JSON.stringify(all(V2)) ? true : undefined;
    },
    30_000,
    500,
  );
});

test('an abort after two hosts restores every host that changed, newest first, dropping no request', { timeout: 300_000 }, async () => {
  const load = steadyLoad(`http://127.0.0.1:${fleet.listenPort}/version`, RATE);
  let res;
  try {
    const handle = await deploy(spec(V3));
    await waitForEvent(handle, /batch 2\/3 done/);
    await handle.signal('abort', 'the test stops after two hosts', 'test');
    res = await settleDeployment(handle.result());
  } finally {
    const report = await load.stop();
    assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
    console.log(`abort V2 → V3 after two hosts: ${report.sent} requests, ${report.failed.length} failed, versions ${JSON.stringify(report.versions)}`);
  }
  assert.equal(res.outcome, 'aborted', res.message);
  const restored = res.compensations.filter((c) => c.startsWith('restore '));
  assert.ok(restored.length >= 2, JSON.stringify(res.compensations));
  assert.match(restored[0]!, new RegExp(`restore (${fleet.hosts[1]!.name}|${fleet.hosts[2]!.name})`), 'the newest host first');
  assert.deepEqual(await versionsOnHosts(), all(V2));
  assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V2]: 9 });
});

test('an agent SIGKILLed mid-release and restarted: the release waits for it, resumes and finishes', { timeout: 300_000 }, async () => {
  const handle = await deploy(spec(V3));
  await waitForEvent(handle, /batch 1\/3 done/);
  const victim = fleet.hosts[1]!;
  await fleet.killAgent(victim);
  await new Promise((r) => setTimeout(r, 3000));
  await fleet.startAgent(victim);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.deepEqual(await versionsOnHosts(), all(V3));
});

test('an agent that does not come back within agentTimeout: the release is rolled back with AgentLost', { timeout: 300_000 }, async () => {
  const victim = fleet.hosts[2]!;
  await fleet.killAgent(victim);
  const started = Date.now();
  const res = await settleDeployment(deploy(spec(V4, { agentTimeout: '5s' })).then((h) => h.result()));
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AgentLost);
  assert.match(res.message, new RegExp(`${victim.name} did not take its step within 5s`));
  assert.ok(Date.now() - started < 120_000);
  // The hosts that changed are back; the lost host was never touched and still serves V3.
  assert.deepEqual(await versionsOnHosts(), all(V3));
  await fleet.startAgent(victim);
});

test('onAgentLost skip: a host whose agent is gone stays out of the router and the others are released', { timeout: 300_000 }, async () => {
  const victim = fleet.hosts[2]!;
  await fleet.killAgent(victim);
  try {
    const res = await settleDeployment(deploy(spec(V4, { agentTimeout: '5s', onAgentLost: 'skip', maxUnavailable: 1 })).then((h) => h.result()));
    assert.equal(res.outcome, 'promoted', res.message);
    assert.deepEqual(await versionsOnHosts(), { ...all(V4), [victim.name]: V3 });
    // Only the released hosts take traffic.
    assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V4]: 9 });
  } finally {
    await fleet.startAgent(victim);
  }
  // A later release brings the host back in.
  const again = await settleDeployment(deploy(spec(V3)).then((h) => h.result()));
  assert.equal(again.outcome, 'promoted', again.message);
  assert.deepEqual(await versionsOnHosts(), all(V3));
});

test('sluice rollback of a fleet restores every host, half the fleet serving at a time, dropping no request', { timeout: 300_000 }, async () => {
  const rolled = await rollbackUnderLoad('V3 → V2 across three hosts');
  assert.equal(rolled.result?.outcome, 'rolled-back', rolled.result?.message);
  assert.deepEqual([rolled.result?.from?.version, rolled.result?.to?.version], [V3, V2]);
  assert.deepEqual(await versionsOnHosts(), all(V2));
  assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V2]: 9 });
});

test('sluice releases of a fleet lists what each host runs and keeps, asked of its agent', { timeout: 120_000 }, async () => {
  const out = { hosts: await fleet.releasesByCli() };
  assert.deepEqual(
    out.hosts.map((h) => [h.host, h.address, h.live]),
    fleet.hosts.map((h) => [h.name, h.address, V2]),
  );
  // Every host kept each version it ran (the skip test left the lost host without V4).
  for (const h of out.hosts) {
    const expected = h.host === fleet.hosts[2]!.name ? [V1, V2, V3] : [V1, V2, V3, V4];
    assert.deepEqual(h.retained, expected, h.host);
  }
});

/**
 * Analysis between batches on live traffic through the fleet's router: the hosts on the new
 * version (scraped as canary) against those still on the previous one (scraped as baseline).
 */
const analysis = {
  templates: [
    { ...defaultThresholdTemplate({ interval: '1s', count: 4, initialDelay: '3s', inconclusivePolicy: 'rollback' }), name: 'errors' },
    { ...defaultSequentialTemplate({ interval: '1s', maxDuration: '6s', minRequests: 40, inconclusivePolicy: 'rollback' }), name: 'sequential' },
  ],
  load: { ratePerSecond: 60, via: 'router' as const },
  rateWindow: '4s',
};
// V4 is the faulty release here: 30% of its answers are 500s.
const faulty = { releaseEnv: { [V4]: { FAULT_ERROR_RATE: '0.3' } } };

async function hostRoles(): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const h of fleet.hosts) {
    const group = await readScrapeGroup(stack.prometheus.targetsDir, hostGroupId({ service: fleet.service, environment: fleet.environment, host: h.name }));
    out[h.name] = group?.labels.role;
  }
  return out;
}

test('analysis between batches: a faulty version is judged on the canary host against the others and rolled back there', { timeout: 300_000 }, async () => {
  const handle = await deploy(spec(V4, { analysis: { templates: ['errors', 'sequential'] } }, { target: faulty, analysis }));
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AnalysisFailed, res.message);
  assert.match(res.message, /batch 1 analysis/);
  const events = (await handle.query(statusQuery)).events.map((e) => e.message);
  const [h1, h2] = fleet.hosts.map((h) => h.name);
  assert.ok(
    events.some((m) => m.includes(`batch 1 analysis: errors, sequential on ${h1} against ${h2} (on ${V2})`)),
    events.join('\n'),
  );
  // Only the canary host changed, and only it was restored; every host is scraped as stable again.
  assert.deepEqual(
    res.compensations.filter((c) => c.startsWith('restore ')),
    [`restore ${h1} to ${V2}`],
  );
  assert.deepEqual(await versionsOnHosts(), all(V2));
  assert.deepEqual(await hostRoles(), Object.fromEntries(fleet.hosts.map((h) => [h.name, 'stable'])));
});

test('analysis between batches: a good version passes the analysis after each batch but the last, and every host ends scraped as stable', { timeout: 300_000 }, async () => {
  const handle = await deploy(spec(V3, { analysis: { templates: ['errors', 'sequential'] } }, { target: faulty, analysis }));
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  const events = (await handle.query(statusQuery)).events.map((e) => e.message);
  const passed = events.filter((m) => /^batch \d analysis: analysis Successful → promote/.test(m));
  assert.equal(passed.length, 2, events.join('\n'));
  // Each batch's host against one host still on the previous version: equal shares of the traffic.
  const [h1, h2, h3] = fleet.hosts.map((h) => h.name);
  assert.ok(events.includes(`batch 2 analysis: errors, sequential on ${h2} against ${h3} (on ${V2})`), events.join('\n'));
  assert.ok(
    events.some((m) => m.startsWith(`batch 1 analysis: errors, sequential on ${h1} against `)),
    events.join('\n'),
  );
  assert.ok(!events.some((m) => m.startsWith('batch 3 analysis')), 'no analysis after the last batch');
  assert.deepEqual(await versionsOnHosts(), all(V3));
  assert.deepEqual(await hostRoles(), Object.fromEntries(fleet.hosts.map((h) => [h.name, 'stable'])));
});

test(
  `hostSwitch blueGreen: each host starts the new version beside the old one and never stops serving; two hosts at once drop no request at ${RATE} req/s`,
  { timeout: 300_000 },
  async () => {
    const before = await fleet.instancesOnHosts();
    const load = steadyLoad(`http://127.0.0.1:${fleet.listenPort}/version`, RATE);
    let res;
    try {
      res = await settleDeployment(deploy(spec(V4, { hostSwitch: 'blueGreen', canaryHosts: 1, batchSize: 2 })).then((h) => h.result()));
    } finally {
      const report = await load.stop();
      assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
      console.log(`blue-green per host V3 → V4, batches of 1 then 2: ${report.sent} requests, ${report.failed.length} failed, versions ${JSON.stringify(report.versions)}`);
    }
    assert.equal(res.outcome, 'promoted', res.message);
    // Every host moved to its other stable port, and the old instance is gone.
    const after = await fleet.instancesOnHosts();
    for (const h of fleet.hosts) {
      const [oldPort] = Object.keys(before[h.name]!).map(Number);
      assert.deepEqual(after[h.name], { [oldPort === fleet.basePort ? fleet.basePort + 1 : fleet.basePort]: V4 }, h.name);
    }
    assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V4]: 9 });
  },
);

test('sluice rollback of a blue-green fleet switches every host at once, dropping no request', { timeout: 300_000 }, async () => {
  const rolled = await rollbackUnderLoad('V4 → V3, blue-green, all hosts at once');
  assert.equal(rolled.result?.outcome, 'rolled-back', rolled.result?.message);
  assert.deepEqual([rolled.result?.from?.version, rolled.result?.to?.version], [V4, V3]);
  assert.deepEqual(await versionsOnHosts(), all(V3));
  // All at once: every host's step is asked for in one go (in halves, the second half's hosts would
  // only be asked after the first half's instances started).
  const history = await fleet.e2e.client.workflow.getHandle(rolled.workflowId).fetchHistory();
  const scheduled = (name: string) => (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name).map((e) => Number(e.eventId));
  const asked = scheduled('currentRelease').slice(-fleet.hosts.length);
  const started = scheduled('promoteCandidate');
  assert.equal(started.length, fleet.hosts.length);
  assert.ok(Math.max(...asked) < Math.min(...started), `live versions asked at events ${asked}, instances started at ${started}`);
});
