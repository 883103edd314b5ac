/**
 * The docker target across a fleet, end to end (issue 14): three hosts on this machine at
 * 127.0.0.2, .3 and .4, each with its own dockerd (own socket, data root, exec root, containerd)
 * and its own agent process (`sluice agent --docker-socket`), so every host's containers run on an
 * engine no other host sees. Each engine pulls the example service from the stack's registry by
 * digest. The central worker (wired like production) runs the workflow and the HAProxy in front
 * of the three hosts; traffic is measured through HAProxy at 200 requests per second.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SluiceClient } from '../../src/client';
import { settleDeployment } from '../../src/domain/result';
import { steadyLoad, type LoadReport } from '../helpers/steady-load';
import { promQuery } from '../helpers/exposition';
import { eventually, stackConnectionSettings } from '../helpers/stack';
import { versionsThroughRouter } from '../workflows/support/e2e';
import { hostDocker } from './docker-hosts';
import { Fleet, waitForEvent } from './support';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const V3 = '1.2.0+ccc3333';
const RATE = 200;

let fleet: Fleet;

/** Runs `during` under a steady load through the fleet's HAProxy; every request must be answered. */
async function underLoad<T>(what: string, during: () => Promise<T>): Promise<{ result: T; report: LoadReport }> {
  const load = steadyLoad(`http://127.0.0.1:${fleet.listenPort}/version`, RATE);
  let result: T;
  let report: LoadReport;
  try {
    result = await during();
  } finally {
    report = await load.stop();
    console.log(`${what}: ${report.sent} requests, ${report.failed.length} failed, versions ${JSON.stringify(report.versions)}`);
    assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
  }
  return { result, report };
}

/** What runs on each host's own engine: `version/state` of the service's containers. */
async function containersOnHosts(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const h of fleet.hosts) {
    const list = await hostDocker(fleet.engines.get(h.name)!).listContainers({ all: true, filters: { label: [`sluice.service=${fleet.service}`] } });
    out[h.name] = list.map((c) => `${c.Labels['sluice.release']}/${c.State}`).sort();
  }
  return out;
}

before(async () => {
  fleet = await Fleet.create('dfleet', 3, [V1, V2, V3], { target: 'docker' });
  const first = await settleDeployment(fleet.deploy(fleet.spec(V1)).then((h) => h.result()));
  assert.equal(first.outcome, 'promoted', first.message);
  assert.deepEqual(await fleet.versionsOnHosts(), fleet.all(V1));
});

after(async () => {
  await fleet?.stop();
});

test(`a rolling release across three docker hosts, each on its own engine, drops no request at ${RATE} req/s`, { timeout: 120_000 }, async () => {
  const { result: res, report } = await underLoad('rolling V1 → V2', () => settleDeployment(fleet.deploy(fleet.spec(V2)).then((h) => h.result())));
  assert.equal(res.outcome, 'promoted', res.message);
  assert.equal(res.previous?.version, V1);
  assert.ok(report.versions[V1]! > 0 && report.versions[V2]! > 0, JSON.stringify(report.versions));
  // Each host answers the new version on its own address, from a container on its own engine only.
  assert.deepEqual(await fleet.versionsOnHosts(), fleet.all(V2));
  assert.deepEqual(await containersOnHosts(), Object.fromEntries(fleet.hosts.map((h) => [h.name, [`${V2}/running`]])));
  assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V2]: 9 });
  const onStackEngine = await fleet.e2e.docker.listContainers({ all: true, filters: { label: [`sluice.service=${fleet.service}`] } });
  assert.deepEqual(onStackEngine, [], 'nothing runs on the stack engine the images were built on');
  // Prometheus scrapes every host's container, labelled with its host and the version it runs.
  await eventually(
    'every docker host scraped with V2',
    async () => {
      const up = await promQuery(`up{service="${fleet.service}",environment="${fleet.environment}"}`);
      const seen = Object.fromEntries(up.filter((s) => s.value === 1).map((s) => [s.metric.host, s.metric.version]));
      return JSON.stringify(seen) === JSON.stringify(fleet.all(V2)) ? true : undefined;
    },
    30_000,
    500,
  );
});

test('an abort after two docker hosts restores both, newest first, dropping no request', { timeout: 120_000 }, async () => {
  const { result: res } = await underLoad('abort V2 → V3 after two hosts', async () => {
    const handle = await fleet.deploy(fleet.spec(V3));
    await waitForEvent(handle, /batch 2\/3 done/, 60_000);
    await handle.signal('abort', 'the test stops after two hosts', 'test');
    return settleDeployment(handle.result());
  });
  assert.equal(res.outcome, 'aborted', res.message);
  const restored = res.compensations.filter((c) => c.startsWith('restore '));
  assert.ok(restored.length >= 2, JSON.stringify(res.compensations));
  assert.match(restored[0]!, new RegExp(`restore (${fleet.hosts[1]!.name}|${fleet.hosts[2]!.name})`), 'the newest host first');
  assert.ok(
    restored.some((c) => c.startsWith(`restore ${fleet.hosts[0]!.name} `)),
    JSON.stringify(restored),
  );
  assert.deepEqual(await fleet.versionsOnHosts(), fleet.all(V2));
  assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V2]: 9 });
});

test("an agent SIGKILLed mid-release and restarted: the release resumes on its host's engine and finishes", { timeout: 120_000 }, async () => {
  const handle = await fleet.deploy(fleet.spec(V3));
  await waitForEvent(handle, /batch 1\/3 done/, 60_000);
  const victim = fleet.hosts[1]!;
  await fleet.killAgent(victim);
  await new Promise((r) => setTimeout(r, 3000));
  await fleet.startAgent(victim);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.deepEqual(await fleet.versionsOnHosts(), fleet.all(V3));
  assert.deepEqual(await containersOnHosts(), Object.fromEntries(fleet.hosts.map((h) => [h.name, [`${V3}/running`]])));
});

test('sluice rollback of a docker fleet restores every host, dropping no request', { timeout: 120_000 }, async () => {
  const sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: fleet.e2e.taskQueue });
  try {
    // Where the service runs comes from the latest release's input; the retained images from the
    // registry repository its prebuilt imageRef names.
    const { result: rolled } = await underLoad('sluice rollback V3 → V2 across three docker hosts', () =>
      sluice.rollback({ service: fleet.service, environment: fleet.environment }, { wait: true }),
    );
    assert.equal(rolled.result?.outcome, 'rolled-back', rolled.result?.message);
    assert.deepEqual([rolled.result?.from?.version, rolled.result?.to?.version], [V3, V2]);
  } finally {
    await sluice.close();
  }
  assert.deepEqual(await fleet.versionsOnHosts(), fleet.all(V2));
  assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V2]: 9 });
});

test("sluice releases of a docker fleet lists each host's live version and the images its engine keeps", { timeout: 60_000 }, async () => {
  const out = { hosts: await fleet.releasesByCli() };
  assert.deepEqual(
    out.hosts.map((h) => [h.host, h.address, h.live, h.error]),
    fleet.hosts.map((h) => [h.name, h.address, V2, undefined]),
  );
  // Every engine kept the image of each version it ran, newest last, though only V2's container is left.
  for (const h of out.hosts) assert.deepEqual(h.retained, [V1, V2, V3], h.host);
});

test(
  `hostSwitch blueGreen on docker hosts: the new container beside the old one on each engine, the old one removed, no request dropped at ${RATE} req/s`,
  { timeout: 120_000 },
  async () => {
    const before = await fleet.instancesOnHosts();
    const { result: res } = await underLoad('blue-green per docker host V2 → V3, batches of 1 then 2', () =>
      settleDeployment(fleet.deploy(fleet.spec(V3, { hostSwitch: 'blueGreen', canaryHosts: 1, batchSize: 2 })).then((h) => h.result())),
    );
    assert.equal(res.outcome, 'promoted', res.message);
    // Every host moved to its other stable port, and its engine runs the new container only.
    const after = await fleet.instancesOnHosts();
    for (const h of fleet.hosts) {
      const [oldPort] = Object.keys(before[h.name]!).map(Number);
      assert.deepEqual(after[h.name], { [oldPort === fleet.basePort ? fleet.basePort + 1 : fleet.basePort]: V3 }, h.name);
    }
    assert.deepEqual(await containersOnHosts(), Object.fromEntries(fleet.hosts.map((h) => [h.name, [`${V3}/running`]])));
    assert.deepEqual(await versionsThroughRouter(fleet.listenPort, 9), { [V3]: 9 });
  },
);
