import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDeployActivities } from '../../src/activities/deploy';
import { createRouter } from '../../src/activities/routers/registry';
import { createTarget } from '../../src/activities/targets/registry';
import type { TargetRef } from '../../src/domain/ports';
import type { Release } from '../../src/domain/release';
import { adapterConfig, dockerClient, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, quiet, release, sample, serviceImage } from './fixtures';

/**
 * The docker target behind HAProxy on the real stack: a canary's share measured through the
 * proxy, promotion with the old stable kept warm, rollback as a router flip, every activity run
 * twice, and state recovered from container labels by a fresh set of activities.
 */
const docker = dockerClient();
const service = uniqueName('tgt-docker');
let ref: TargetRef & { workflowId: string };
let v1: Release;
let v2: Release;
let proxyUrl: string;

async function containers() {
  const list = await docker.listContainers({ all: true, filters: { label: [`sluice.service=${service}`] } });
  return list
    .map((c) => ({ id: c.Id, slot: c.Labels['sluice.slot'], role: c.Labels['sluice.role'], version: c.Labels['sluice.release'], state: c.State }))
    .sort((a, b) => a.slot!.localeCompare(b.slot!));
}

function share(counts: Map<string, number>, version: string): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return (counts.get(`go-service ${version}`) ?? 0) / total;
}

before(async () => {
  const base = await freePortBlock(6);
  ref = {
    service,
    environment: 'test',
    target: { kind: 'docker', settings: { basePort: base, env: FAST_STOP_ENV, stopTimeoutSec: 10 } },
    router: { kind: 'haproxy', settings: { listenPort: base + 5 } },
    workflowId: `test/${service}`,
  };
  proxyUrl = `http://127.0.0.1:${base + 5}/`;
  const [i1, i2] = await Promise.all([serviceImage(docker, 'sluice-targets-test', '1.0.0+aaa1111'), serviceImage(docker, 'sluice-targets-test', '1.1.0+bbb2222')]);
  v1 = release(service, '1.0.0+aaa1111', { imageRef: i1 });
  v2 = release(service, '1.1.0+bbb2222', { imageRef: i2 });
});

after(async () => {
  for (const c of await containers())
    await docker
      .getContainer(c.id)
      .remove({ force: true })
      .catch(() => undefined);
  await createRouter('haproxy', ref.router.settings, adapterConfig).remove(ref);
});

test('docker target: first release, canary split, promotion, rollback, idempotency, recovery', async () => {
  const acts = createDeployActivities({ config: { ...adapterConfig, docker }, logger: quiet });
  assert.equal(await acts.currentRelease(ref), null);

  // First release: candidate, promoted, candidate removed.
  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  const first = await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  assert.equal((await acts.currentRelease(ref))?.version, v1.version);
  assert.deepEqual([...(await sample(proxyUrl, 20)).entries()], [[`go-service ${v1.version}`, 20]]);
  const v1Container = (await containers()).find((c) => c.version === v1.version)!;

  // Canary, deployed twice: the same container, not a second one.
  const c1 = await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  const afterFirst = await containers();
  const c2 = await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  assert.deepEqual(await containers(), afterFirst);
  assert.equal(c1.url, c2.url);
  assert.notEqual(c1.url, first.url);
  // Weight 0 after deploy: no traffic to the canary yet.
  assert.equal(share(await sample(proxyUrl, 20), v2.version), 0);

  // 50% canary, set twice; measured through HAProxy.
  await acts.setTrafficWeight({ ...ref, release: v2, weight: 50 });
  await acts.setTrafficWeight({ ...ref, release: v2, weight: 50 });
  const split = share(await sample(proxyUrl, 200), v2.version);
  assert.ok(split >= 0.4 && split <= 0.6, `canary share ${split} not within 50% ± 10 pp`);
  await acts.setTrafficWeight({ ...ref, release: v2, weight: 10 });
  // Weighted round robin sends 20 of 200; 10% ± 5 pp excludes "no canary traffic at all".
  const ten = share(await sample(proxyUrl, 200), v2.version);
  assert.ok(ten >= 0.05 && ten <= 0.15, `canary share ${ten} not within 10% ± 5 pp`);

  // Promote (twice): v2 serves everything, v1 stays warm at 0%.
  await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
  await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
  await acts.removeCandidate({ ...ref, release: v2, role: 'canary' });
  await acts.removeCandidate({ ...ref, release: v2, role: 'canary' });
  assert.equal(share(await sample(proxyUrl, 40), v2.version), 1);
  assert.equal((await acts.currentRelease(ref))?.version, v2.version);
  let now = await containers();
  assert.deepEqual(
    now.map((c) => [c.role, c.version, c.state]).sort(),
    [
      ['stable', v1.version, 'running'],
      ['stable', v2.version, 'running'],
    ].sort(),
  );
  assert.ok(
    now.some((c) => c.id === v1Container.id),
    'the previous stable is kept warm, not recreated',
  );

  // Promoted again after the removal (a retry whose worker died after it), while v2 is stopped
  // for 1.5 s, longer than the one probe's 1 s timeout: v2 is waited for and v1 stays warm.
  const v2Container = docker.getContainer(now.find((c) => c.version === v2.version)!.id);
  await v2Container.kill({ signal: 'SIGSTOP' });
  const resume = setTimeout(() => void v2Container.kill({ signal: 'SIGCONT' }).catch(() => undefined), 1500);
  try {
    await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
  } finally {
    clearTimeout(resume);
    await v2Container.kill({ signal: 'SIGCONT' }).catch(() => undefined);
  }
  assert.deepEqual(
    (await containers()).map((c) => c.id),
    now.map((c) => c.id),
    'the same two containers',
  );
  assert.equal(share(await sample(proxyUrl, 40), v2.version), 1);

  // Crash recovery: fresh activities (no memory) see the same world through the labels.
  const fresh = createDeployActivities({ config: { ...adapterConfig, docker }, logger: quiet });
  assert.equal((await fresh.currentRelease(ref))?.version, v2.version);
  const target = createTarget('docker', ref.target.settings, { ...adapterConfig, docker });
  const ends = await target.endpoints({ ...ref });
  assert.equal(ends.stable?.release.version, v2.version);

  // Rollback, twice: a flip to the warm v1 (same container), v2 gone.
  const started = Date.now();
  const back = await fresh.rollbackToRelease({ ...ref, release: v1, from: v2 });
  const rollbackMs = Date.now() - started;
  assert.equal(share(await sample(proxyUrl, 40), v1.version), 1);
  await fresh.rollbackToRelease({ ...ref, release: v1, from: v2 });
  now = await containers();
  assert.deepEqual(
    now.map((c) => [c.role, c.version, c.id]),
    [['stable', v1.version, v1Container.id]],
  );
  assert.equal(back.url, first.url);
  assert.equal((await fresh.currentRelease(ref))?.version, v1.version);
  assert.ok(rollbackMs < 15000, `rollback took ${rollbackMs} ms`);

  // Retire after a second promotion: only the new stable is left, twice the same.
  await fresh.deployCandidate({ ...ref, release: v2, role: 'canary' });
  await fresh.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
  await fresh.removeCandidate({ ...ref, release: v2, role: 'canary' });
  await fresh.retireRelease({ ...ref, release: v1 });
  await fresh.retireRelease({ ...ref, release: v1 });
  now = await containers();
  assert.deepEqual(
    now.map((c) => [c.role, c.version]),
    [['stable', v2.version]],
  );
  assert.equal(share(await sample(proxyUrl, 20), v2.version), 1);

  // Rolling back to a release no longer running starts it from its pinned image.
  await fresh.rollbackToRelease({ ...ref, release: v1, from: v2 });
  assert.equal(share(await sample(proxyUrl, 20), v1.version), 1);
  assert.deepEqual(
    (await containers()).map((c) => [c.role, c.version]),
    [['stable', v1.version]],
  );
});
