import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { createDeployActivities } from '../../src/activities/deploy';
import { loadStackConfig } from '../../src/dev/config';
import { supervisordLayout, supervisordAnswers } from '../../src/lib/supervisord-instance';
import { adapterConfigFromStack } from '../../src/worker/adapters';
import { runCli } from '../cli/helpers';
import { eventually, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, quiet, release, serviceBinary } from '../targets/fixtures';

const execFileAsync = promisify(execFile);

/**
 * The stack's optional supervisord component on a scratch state dir (never the shared stack's):
 * `dev up --only supervisord` starts it, the worker's AdapterConfig names its socket, so a spec
 * that only says `supervisor: {kind: 'supervisord'}` runs its instances there, supervisorctl
 * sees them, and `dev down --only supervisord` stops it with its programs.
 */
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

test('dev up --only supervisord: a spec asking for supervisord without a socket runs on the stack’s one; dev down stops it', async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'sluice-state-'));
  const env = { SLUICE_STATE_DIR: stateDir };
  cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
  cleanups.push(() => runCli(['dev', 'down', '--only', 'supervisord'], { env }));
  const up = await runCli(['dev', 'up', '--only', 'supervisord', '--output', 'json'], { env });
  assert.equal(up.code, 0, up.stderr);
  assert.deepEqual(JSON.parse(up.stdout), { supervisord: 'started' });

  const stack = loadStackConfig({ ...process.env, ...env });
  const layout = supervisordLayout(stack.supervisord.dir);
  assert.equal((await stat(join(layout.socket, '..'))).mode & 0o777, 0o700, 'the socket directory is private');
  const config = adapterConfigFromStack(stack);
  const service = uniqueName('stack-sv');
  const base = await freePortBlock(5);
  const ref = {
    service,
    environment: 'test',
    target: { kind: 'process', settings: { basePort: base, stateDir: join(stateDir, 'proc'), env: FAST_STOP_ENV, stopTimeoutMs: 5000, supervisor: { kind: 'supervisord' } } },
    router: { kind: 'none', settings: {} },
  };
  const v1 = release(service, '3.2.0+abc7777', { binaryPath: await serviceBinary('3.2.0+abc7777') });
  const acts = createDeployActivities({ config, logger: quiet });
  await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
  const stable = await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
  await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
  assert.equal((await fetch(`${stable.url}/healthz`)).status, 200);

  // supervisorctl (what an operator uses) sees the program running: once it has stayed up for
  // startsecs (1 s), which may be after it already answers, supervisord says RUNNING, not STARTING.
  const running = new RegExp(`sluice-${service}-test-[0-9a-f]{6}-stable-a\\s+RUNNING`);
  await eventually(
    'supervisorctl to show the program RUNNING',
    async () => {
      const { stdout } = await execFileAsync('supervisorctl', ['-c', layout.config, 'status']).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
      return running.test(stdout) ? true : undefined;
    },
    10_000,
    200,
  );

  const down = await runCli(['dev', 'down', '--only', 'supervisord'], { env });
  assert.equal(down.code, 0, down.stderr);
  assert.equal(await supervisordAnswers(layout.socket), false);
  await assert.rejects(fetch(`${stable.url}/healthz`, { signal: AbortSignal.timeout(2000) }), 'supervisord stopped its programs on the way down');
});
