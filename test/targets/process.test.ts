import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createDeployActivities } from '../../src/activities/deploy';
import { createRouter } from '../../src/activities/routers/registry';
import { createTarget } from '../../src/activities/targets/registry';
import type { TargetRef } from '../../src/domain/ports';
import { adapterConfig, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, quiet, release, sample, serviceBinary } from './fixtures';
import { ErrorType } from '../../src/domain/errors';

/**
 * The process target on the real stack: versioned binaries under the pid-file supervisor,
 * behind HAProxy (canary, promotion, warm rollback) and without a proxy (stop old, start new on
 * the same port). State comes back from pid files checked against /proc.
 */
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function setup(routerKind: 'haproxy' | 'none') {
  const service = uniqueName(`tgt-proc-${routerKind}`);
  const base = await freePortBlock(6);
  const stateDir = await mkdtemp(join(tmpdir(), 'sluice-proc-'));
  // The artifact store's copies: the target must keep its own for rollback.
  const store = await mkdtemp(join(tmpdir(), 'sluice-artifacts-'));
  const v1Bin = join(store, 'v1', 'go-service');
  const v2Bin = join(store, 'v2', 'go-service');
  await Promise.all([
    import('node:fs/promises').then((fs) => fs.mkdir(join(store, 'v1'), { recursive: true })),
    import('node:fs/promises').then((fs) => fs.mkdir(join(store, 'v2'), { recursive: true })),
  ]);
  await copyFile(await serviceBinary('2.0.0+ccc3333'), v1Bin);
  await copyFile(await serviceBinary('2.1.0+ddd4444'), v2Bin);
  const ref: TargetRef & { workflowId: string } = {
    service,
    environment: 'test',
    target: { kind: 'process', settings: { basePort: base, stateDir, env: FAST_STOP_ENV, stopTimeoutMs: 5000 } },
    router: routerKind === 'haproxy' ? { kind: 'haproxy', settings: { listenPort: base + 5 } } : { kind: 'none', settings: {} },
    workflowId: `test/${service}`,
  };
  const target = createTarget('process', ref.target.settings, adapterConfig);
  cleanups.push(async () => {
    for (const i of await target.instances(ref)) await target.removeInstance(ref, i);
    await createRouter(ref.router.kind, ref.router.settings, adapterConfig).remove(ref);
    await rm(stateDir, { recursive: true, force: true });
    await rm(store, { recursive: true, force: true });
  });
  return {
    ref,
    base,
    stateDir,
    store,
    target,
    v1: release(service, '2.0.0+ccc3333', { binaryPath: v1Bin }),
    v2: release(service, '2.1.0+ddd4444', { binaryPath: v2Bin }),
  };
}

async function running(target: ReturnType<typeof createTarget>, ref: TargetRef & { workflowId: string }) {
  return (await target.instances(ref))
    .filter((i) => i.running)
    .map((i) => [i.slot, i.release.version, i.id] as const)
    .sort();
}

function share(counts: Map<string, number>, version: string): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return (counts.get(`go-service ${version}`) ?? 0) / total;
}

test('process target behind HAProxy: canary, promotion, warm rollback, stale pid files, retained binaries', async () => {
  const { ref, base, stateDir, store, target, v1, v2 } = await setup('haproxy');
  const acts = createDeployActivities({ config: adapterConfig, logger: quiet });
  const proxy = `http://127.0.0.1:${base + 5}/`;

  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  assert.equal(share(await sample(proxy, 20), v1.version), 1);
  const v1Pid = (await running(target, ref))[0]![2];

  await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  const once = await running(target, ref);
  await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  assert.deepEqual(await running(target, ref), once, 'a second deploy reuses the running canary');
  await acts.setTrafficWeight({ ...ref, release: v2, weight: 50 });
  const split = share(await sample(proxy, 200), v2.version);
  assert.ok(split >= 0.4 && split <= 0.6, `canary share ${split} not within 50% ± 10 pp`);

  await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
  await acts.removeCandidate({ ...ref, release: v2, role: 'canary' });
  assert.equal(share(await sample(proxy, 20), v2.version), 1);
  assert.deepEqual(
    (await running(target, ref)).map(([s, v]) => [s, v]),
    [
      ['stable-a', v1.version],
      ['stable-b', v2.version],
    ],
  );

  // A pid file naming a live process that is not ours (pid reuse) is stale: never signalled.
  const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
  cleanups.push(async () => stranger.kill('SIGKILL'));
  const canaryFile = join(stateDir, 'run', 'canary.json');
  const stableB = JSON.parse(await readFile(join(stateDir, 'run', 'stable-b.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(canaryFile, JSON.stringify({ ...stableB, slot: 'canary', pid: stranger.pid, startTime: '1' }));
  const stale = (await target.instances(ref)).find((i) => i.slot === 'canary');
  assert.equal(stale?.running, false);
  await acts.removeCandidate({ ...ref, release: v2, role: 'canary' });
  assert.equal(stranger.exitCode, null, 'the stranger was not signalled');
  assert.equal(stranger.signalCode, null);

  // Rollback (twice) flips to the warm v1 process: same pid, v2 stopped.
  const fresh = createDeployActivities({ config: adapterConfig, logger: quiet });
  assert.equal((await fresh.currentRelease(ref))?.version, v2.version);
  await fresh.rollbackToRelease({ ...ref, release: v1, from: v2 });
  await fresh.rollbackToRelease({ ...ref, release: v1, from: v2 });
  assert.equal(share(await sample(proxy, 20), v1.version), 1);
  assert.deepEqual(await running(target, ref), [['stable-a', v1.version, v1Pid]]);

  // The artifact store lost v2; rolling forward to it uses the retained copy.
  await rm(join(store, 'v2'), { recursive: true, force: true });
  const { binaryPath: _dropped, ...v2NoBinary } = v2;
  await fresh.deployCandidate({ ...ref, release: v2NoBinary, role: 'canary' });
  await fresh.promoteCandidate({ ...ref, release: v2NoBinary, role: 'canary', previous: v1 });
  await fresh.removeCandidate({ ...ref, release: v2, role: 'canary' });
  await fresh.retireRelease({ ...ref, release: v1 });
  assert.deepEqual(
    (await running(target, ref)).map(([s, v]) => [s, v]),
    [['stable-b', v2.version]],
  );
  assert.equal(share(await sample(proxy, 20), v2.version), 1);
  assert.ok(
    (await readdir(join(stateDir, 'logs'))).some((f) => f.startsWith('2.1.0_ddd4444')),
    'one log per version',
  );

  // A crashed stable (SIGKILL, stale pid file) is restarted by the same activity.
  const [, , pid] = (await running(target, ref))[0]!;
  process.kill(Number(pid), 'SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await target.currentRelease(ref), undefined);
  await fresh.rollbackToRelease({ ...ref, release: v2NoBinary, from: null });
  assert.equal(share(await sample(proxy, 20), v2.version), 1);
});

test('a promotion repeated after its candidate is gone, while the new stable misses a probe, keeps the previous release warm', async () => {
  const { ref, base, target, v1, v2 } = await setup('haproxy');
  const acts = createDeployActivities({ config: adapterConfig, logger: quiet });
  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
  await acts.removeCandidate({ ...ref, release: v2, role: 'canary' });
  const before = await running(target, ref);
  assert.deepEqual(
    before.map(([s, v]) => [s, v]),
    [
      ['stable-a', v1.version],
      ['stable-b', v2.version],
    ],
  );

  // A retry of the promotion (its worker died after the removal) finds v2 stopped for 1.5 s:
  // longer than the one probe's 1 s timeout, as a stable busy under load can be.
  const v2Pid = Number(before[1]![2]);
  process.kill(v2Pid, 'SIGSTOP');
  const resume = setTimeout(() => process.kill(v2Pid, 'SIGCONT'), 1500);
  try {
    await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
  } finally {
    clearTimeout(resume);
    if ((await running(target, ref)).some(([, , id]) => Number(id) === v2Pid)) process.kill(v2Pid, 'SIGCONT');
  }
  assert.deepEqual(await running(target, ref), before, 'the same two processes: v1 still warm, v2 waited for');
  assert.equal(share(await sample(`http://127.0.0.1:${base + 5}/`, 20), v2.version), 1);
});

test('process target without a proxy: stop old, start new on the same port, roll back', async () => {
  const { ref, base, target, v1, v2 } = await setup('none');
  const acts = createDeployActivities({ config: adapterConfig, logger: quiet });
  const direct = `http://127.0.0.1:${base}/`;

  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  const s1 = await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  assert.equal(s1.url, `http://127.0.0.1:${base}`);
  assert.equal(share(await sample(direct, 5), v1.version), 1);

  await assert.rejects(acts.setTrafficWeight({ ...ref, release: v2, weight: 50 }), (err: { type?: string }) => err.type === ErrorType.RouterUnsupported);

  // recreate: stop the old, start the new (the workflow's order), twice each.
  await acts.retireRelease({ ...ref, release: v1 });
  await acts.retireRelease({ ...ref, release: v1 });
  assert.deepEqual(await running(target, ref), []);
  await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  const s2 = await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: null });
  await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v2, role: 'canary' });
  assert.equal(s2.url, s1.url, 'same port without a proxy');
  assert.equal(share(await sample(direct, 5), v2.version), 1);

  await acts.rollbackToRelease({ ...ref, release: v1, from: v2 });
  await acts.rollbackToRelease({ ...ref, release: v1, from: v2 });
  assert.equal(share(await sample(direct, 5), v1.version), 1);
  assert.deepEqual(
    (await running(target, ref)).map(([s, v]) => [s, v]),
    [['stable-a', v1.version]],
  );
});

test("a state dir is one service's: another service pointed at it is refused and stops nothing", async () => {
  const { ref, target, v1 } = await setup('none');
  const acts = createDeployActivities({ config: adapterConfig, logger: quiet });
  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  const before = await running(target, ref);
  assert.equal(before.length, 1);
  const intruder = { ...ref, service: uniqueName('tgt-proc-other'), workflowId: 'test/other' };
  const refused = (err: { type?: string; message?: string }) => err.type === ErrorType.InvalidTargetSettings && /belongs to/.test(err.message ?? '');
  await assert.rejects(acts.deployCandidate({ ...intruder, release: { ...v1, service: intruder.service }, role: 'canary' }), refused);
  await assert.rejects(acts.removeCandidate({ ...intruder, release: { ...v1, service: intruder.service }, role: 'canary' }), refused);
  assert.deepEqual(await running(target, ref), before, "the owner's process still runs");
});

test('fault injection follows the release: releaseEnv reaches its instances, probeHealth sees it', async () => {
  const { ref, target, v1, v2 } = await setup('none');
  const settings = { ...ref.target.settings, releaseEnv: { [v2.version]: { FAULT_HEALTHZ_FAIL: 'true' } } };
  const faulty = { ...ref, target: { ...ref.target, settings } };
  const acts = createDeployActivities({ config: adapterConfig, logger: quiet });
  await acts.deployCandidate({ ...faulty, release: v1, role: 'canary' });
  const stable = await acts.promoteCandidate({ ...faulty, release: v1, role: 'canary', previous: null });
  // The canary is ready (/readyz) but unhealthy (/healthz): deploy succeeds, the check fails.
  const canary = await acts.deployCandidate({ ...faulty, release: v2, role: 'canary' });
  const bad = await acts.probeHealth({ url: canary.url, paths: ['/healthz', '/readyz'], timeoutMs: 1000 });
  assert.equal(bad.ok, false);
  assert.deepEqual(
    bad.checks.map((c) => [c.path, c.status]),
    [
      ['/healthz', 503],
      ['/readyz', 200],
    ],
  );
  const good = await acts.probeHealth({ url: stable.url, paths: ['/healthz', '/readyz'], timeoutMs: 1000 });
  assert.equal(good.ok, true);
  await acts.removeCandidate({ ...faulty, release: v2, role: 'canary' });
  await acts.removeCandidate({ ...faulty, release: v1, role: 'canary' });
  assert.deepEqual(
    (await running(target, ref)).map(([s, v]) => [s, v]),
    [['stable-a', v1.version]],
  );
});
