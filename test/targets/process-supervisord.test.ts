import assert from 'node:assert/strict';
import { mkdir, mkdtemp, copyFile, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDeployActivities } from '../../src/activities/deploy';
import { createRouter } from '../../src/activities/routers/registry';
import { createTarget } from '../../src/activities/targets/registry';
import type { AdapterConfig } from '../../src/activities/config';
import type { TargetRef } from '../../src/domain/ports';
import { startSupervisord, stopSupervisord, type SupervisordLayout } from '../../src/lib/supervisord-instance';
import { SupervisordClient } from '../../src/lib/supervisord-rpc';
import { SupervisordRunner } from '../../src/activities/targets/process/supervisord';
import { adapterConfig, eventually, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, quiet, release, sample, serviceBinary } from './fixtures';

/**
 * The process target with the supervisord runner, on a real supervisord of the test's own (its
 * state dir, socket and include directory in a temp dir; shut down after) and the real example
 * service binaries, behind the stack's HAProxy: a release deploys, promotes and rolls back, the
 * pid and running state come from supervisord, and a service process killed with SIGKILL is
 * brought back by supervisord with no release involved.
 */
const cleanups: (() => Promise<unknown>)[] = [];
let sv: SupervisordLayout & { pid: number };
let svDir: string;

before(async () => {
  svDir = await mkdtemp(join(tmpdir(), 'sluice-sv-'));
  sv = await startSupervisord(svDir);
});

after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await stopSupervisord(svDir);
  await rm(svDir, { recursive: true, force: true });
});

async function setup(prefix: string, supervisor: 'settings' | 'adapter-config') {
  const service = uniqueName(prefix);
  const base = await freePortBlock(6);
  const stateDir = await mkdtemp(join(tmpdir(), 'sluice-proc-sv-'));
  const store = await mkdtemp(join(tmpdir(), 'sluice-artifacts-'));
  const v1Bin = join(store, 'v1', 'go-service');
  const v2Bin = join(store, 'v2', 'go-service');
  await mkdir(join(store, 'v1'));
  await mkdir(join(store, 'v2'));
  await copyFile(await serviceBinary('3.0.0+eee5555'), v1Bin);
  await copyFile(await serviceBinary('3.1.0+fff6666'), v2Bin);
  // Either the spec names the supervisord, or the worker's (an agent's) configuration does.
  const settings = {
    basePort: base,
    stateDir,
    env: FAST_STOP_ENV,
    stopTimeoutMs: 5000,
    ...(supervisor === 'settings' ? { supervisor: { kind: 'supervisord', socket: sv.socket } } : {}),
  };
  const config: AdapterConfig = supervisor === 'settings' ? adapterConfig : { ...adapterConfig, processSupervisor: { kind: 'supervisord', socket: sv.socket } };
  const ref: TargetRef & { workflowId: string } = {
    service,
    environment: 'test',
    target: { kind: 'process', settings },
    router: { kind: 'haproxy', settings: { listenPort: base + 5, drainTimeoutMs: 2000 } },
    workflowId: `test/${service}`,
  };
  const target = createTarget('process', ref.target.settings, config);
  cleanups.push(async () => {
    for (const i of await target.instances(ref)) await target.removeInstance(ref, i);
    await createRouter(ref.router.kind, ref.router.settings, config).remove(ref);
    await rm(stateDir, { recursive: true, force: true });
    await rm(store, { recursive: true, force: true });
  });
  return {
    ref,
    base,
    stateDir,
    config,
    target,
    acts: createDeployActivities({ config, logger: quiet }),
    v1: release(service, '3.0.0+eee5555', { binaryPath: v1Bin }),
    v2: release(service, '3.1.0+fff6666', { binaryPath: v2Bin }),
  };
}

async function running(target: ReturnType<typeof createTarget>, ref: TargetRef & { workflowId: string }) {
  return (await target.instances(ref))
    .filter((i) => i.running)
    .map((i) => [i.slot, i.release.version, i.id] as const)
    .sort();
}

const SLOTS = ['stable-a', 'stable-b', 'canary', 'baseline', 'preview'];

/** supervisord's own view: slot → [state, pid], for this service's programs only. */
async function programs(service: string): Promise<Record<string, [string, number]>> {
  const all = await new SupervisordClient(sv.socket).allProcessInfo();
  return Object.fromEntries(all.filter((p) => p.name.includes(service)).map((p) => [SLOTS.find((s) => p.name.endsWith(`-${s}`)) ?? p.name, [p.statename, p.pid]]));
}

function share(counts: Map<string, number>, version: string): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return (counts.get(`go-service ${version}`) ?? 0) / total;
}

test('supervisord runner behind HAProxy: canary, promotion, rollback; pids and states come from supervisord; every call twice', async () => {
  const { ref, base, stateDir, target, acts, v1, v2 } = await setup('tgt-sv', 'settings');
  const proxy = `http://127.0.0.1:${base + 5}/`;

  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  assert.equal(share(await sample(proxy, 20), v1.version), 1);
  const [[, , v1Pid]] = (await running(target, ref)) as [[string, string, string]];
  // Ready within supervisord's startsecs, so STARTING or RUNNING: either way the same pid.
  const seen = await programs(ref.service);
  assert.deepEqual(Object.keys(seen), ['stable-a']);
  assert.ok(['STARTING', 'RUNNING'].includes(seen['stable-a']![0]), `state ${seen['stable-a']![0]}`);
  assert.equal(seen['stable-a']![1], Number(v1Pid), "the instance's id is supervisord's pid");

  // A canary deployed twice is applied once: same program, same pid.
  await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  const once = await running(target, ref);
  await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
  assert.deepEqual(await running(target, ref), once, 'a second deploy changes nothing');
  await acts.setTrafficWeight({ ...ref, release: v2, weight: 50 });
  const split = share(await sample(proxy, 100), v2.version);
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
  assert.equal((await programs(ref.service))['canary'], undefined, "a removed candidate's program is gone from supervisord");

  // Rollback (twice) flips to the warm v1 process: same pid; v2's program is stopped and removed.
  await acts.rollbackToRelease({ ...ref, release: v1, from: v2 });
  await acts.rollbackToRelease({ ...ref, release: v1, from: v2 });
  assert.equal(share(await sample(proxy, 20), v1.version), 1);
  assert.deepEqual(await running(target, ref), [['stable-a', v1.version, v1Pid]]);
  assert.deepEqual(Object.keys(await programs(ref.service)), ['stable-a'], 'only stable-a is left in supervisord');
  assert.equal((await readdir(join(stateDir, 'run')).catch(() => [])).length, 0, 'no pid files: state comes from supervisord');
  assert.ok(
    (await readdir(join(stateDir, 'logs'))).some((f) => f.startsWith('3.1.0_fff6666')),
    'one log per version',
  );

  // Stopping what is already stopped is fine.
  await acts.retireRelease({ ...ref, release: v1 });
  await acts.retireRelease({ ...ref, release: v1 });
  assert.deepEqual(await running(target, ref), []);
  assert.deepEqual(await programs(ref.service), {});
});

test('a service process killed with SIGKILL under supervisord comes back (new pid, /healthz 200) with no release involved', async () => {
  // supervisord named by the worker's AdapterConfig (as a host agent would), not by the spec.
  const { ref, base, target, acts, v1 } = await setup('tgt-sv-kill', 'adapter-config');
  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  const [[slot, , pid]] = (await running(target, ref)) as [[string, string, string]];
  assert.equal(slot, 'stable-a');

  const killedAt = Date.now();
  process.kill(Number(pid), 'SIGKILL');
  const back = await eventually(
    'supervisord to restart the killed process',
    async () => {
      const now = await target.currentRelease(ref);
      if (!now || now.id === pid || !now.running) return undefined;
      const res = await fetch(`http://127.0.0.1:${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      return res.status === 200 ? now : undefined;
    },
    15000,
    50,
  );
  const tookMs = Date.now() - killedAt;
  assert.notEqual(back.id, pid, 'a new process');
  assert.equal(back.release.version, v1.version);
  assert.equal(back.slot, 'stable-a', 'the same slot and port');
  assert.ok(tookMs < 15000, `back after ${tookMs} ms`);
  // Nothing but supervisord acted: the release's labels (generation) are unchanged, and traffic flows.
  assert.equal(share(await sample(`http://127.0.0.1:${base + 5}/`, 10), v1.version), 1);
  const [after] = (await target.instances(ref)).filter((i) => i.running);
  assert.equal(after?.generation, back.generation);
});

test('the supervisord runner is idempotent: the same program applied twice keeps its process; stopping twice is fine', async () => {
  const service = uniqueName('tgt-sv-idem');
  const [port, logDir] = [await freePortBlock(1), await mkdtemp(join(tmpdir(), 'sluice-proc-sv-'))];
  cleanups.push(() => rm(logDir, { recursive: true, force: true }));
  const runner = new SupervisordRunner({
    client: new SupervisordClient(sv.socket),
    programsDir: sv.programsDir,
    logDir,
    scope: { service, environment: 'test', workflowId: `test/${service}` },
    stopTimeoutMs: 5000,
  });
  const input = {
    binary: await serviceBinary('3.0.0+eee5555'),
    slot: 'stable-a',
    version: '3.0.0+eee5555',
    port,
    generation: 1,
    configHash: 'h1',
    workflowId: `test/${service}`,
    env: { ...FAST_STOP_ENV, ADDR: `127.0.0.1:${port}`, PORT: String(port), NOTE: 'a,b#c; 100%' },
  };
  const first = await runner.start(input);
  cleanups.push(() => runner.stop(first, 5000));
  assert.ok(first.pid > 0);
  const again = await runner.start(input);
  assert.equal(again.pid, first.pid, 'the same program applied twice keeps its process');
  assert.equal(again.startTime, first.startTime);
  // The environment reaches the process as written (commas, #, ;, %), on top of supervisord's PATH only.
  // Read once the child runs the binary: between supervisord's fork and its exec, /proc shows the
  // child with supervisord's own environment (CI run 45).
  await eventually(
    `pid ${first.pid} runs ${input.binary}`,
    async () => ((await readFile(`/proc/${first.pid}/cmdline`, 'utf8')).split('\0')[0] === input.binary ? true : undefined),
    5000,
    20,
  );
  const environ = Object.fromEntries(
    (await readFile(`/proc/${first.pid}/environ`, 'utf8'))
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  assert.equal(environ.NOTE, 'a,b#c; 100%');
  assert.deepEqual(
    Object.keys(environ)
      // SUPERVISOR_* are supervisord's own; LC_CTYPE is Python's C-locale coercion (PEP 538) in supervisord.
      .filter((k) => !k.startsWith('SUPERVISOR_') && k !== 'LC_CTYPE')
      .sort(),
    ['ADDR', 'DRAIN_DELAY', 'NOTE', 'PATH', 'PORT', 'SHUTDOWN_GRACE'],
  );
  const [state] = await runner.list();
  assert.deepEqual([state?.alive, state?.record.pid], [true, first.pid]);
  await runner.stop(first, 5000);
  await runner.stop(first, 5000);
  assert.deepEqual(await runner.list(), []);
  assert.equal(await new SupervisordClient(sv.socket).processInfo(`${service}`), undefined);
});
