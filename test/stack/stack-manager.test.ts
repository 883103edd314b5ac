import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { logFile, pidFile, type Component } from '../../src/dev/component';
import { loadStackConfig } from '../../src/dev/config';
import { TEMPORAL_CLUSTER_COMPONENTS } from '../../src/dev/components/temporal-cluster';
import { spawnDaemon } from '../../src/dev/process';
import { stackUp } from '../../src/dev/stack';
import { spawnNode } from '../helpers/child';
import { freePort, stack } from '../helpers/stack';

const cli = require.resolve('../../src/cli/main');
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups) await c();
});

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnNode(cli, args, { ...process.env, ...env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function scratchStateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-state-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('dev status lists every component healthy with its URL', async () => {
  const { code, stdout } = await runCli(['dev', 'status', '--output', 'json']);
  const rows = JSON.parse(stdout) as Array<{ name: string; healthy: boolean; url: string }>;
  // The Temporal the stack runs: the dev server, or the cluster's processes (SLUICE_TEST_TEMPORAL=cluster).
  const temporal = stack.temporal.mode === 'cluster' ? TEMPORAL_CLUSTER_COMPONENTS.map((c) => c.name) : ['temporal'];
  assert.deepEqual(rows.map((r) => r.name).slice(0, temporal.length + 5), [...temporal, 'dockerd', 'registry', 'prometheus', 'alertmanager', 'haproxy']);
  for (const row of rows) assert.ok(row.healthy, `${row.name} is healthy`);
  const ui = rows.find((r) => r.name === (stack.temporal.mode === 'cluster' ? 'temporal-ui' : 'temporal'));
  assert.match(ui?.url ?? '', new RegExp(`127\\.0\\.0\\.1:${stack.temporal.uiPort}`));
  assert.equal(code, 0);
});

test('dev up on a running stack reuses every component instead of starting a second copy', async () => {
  const { code, stdout } = await runCli(['dev', 'up', '--output', 'json']);
  assert.equal(code, 0);
  const result = JSON.parse(stdout) as Record<string, string>;
  for (const [name, how] of Object.entries(result)) assert.match(how, /^reused/, `${name} was reused`);
});

test('a port held by something else is reported, never started over', async () => {
  const port = await freePort();
  const squatter: Server = createServer((_req, res) => res.end('not prometheus'));
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => squatter.close(r)));
  const { code, stderr } = await runCli(['dev', 'up', '--only', 'prometheus'], {
    SLUICE_STATE_DIR: await scratchStateDir(),
    SLUICE_PROMETHEUS_PORT: String(port),
  });
  assert.equal(code, 1);
  assert.match(stderr, new RegExp(`port 127\\.0\\.0\\.1:${port} is already taken`));
});

test('a missing binary is named together with the command that installs it', async () => {
  const { code, stderr } = await runCli(['dev', 'up', '--only', 'temporal'], {
    SLUICE_STATE_DIR: await scratchStateDir(),
    SLUICE_TEMPORAL_PORT: String(await freePort()),
    SLUICE_TEMPORAL_UI_PORT: String(await freePort()),
    SLUICE_TEMPORAL_METRICS_PORT: String(await freePort()),
    SLUICE_TEMPORAL_BIN: '/nonexistent/temporal',
  });
  assert.equal(code, 1);
  assert.match(stderr, /Temporal CLI v1\.5\.1 \(\/nonexistent\/temporal\) is missing: run `npm run bootstrap`/);
});

test('a bad port setting is refused with the variable name', async () => {
  const { code, stderr } = await runCli(['dev', 'status'], { SLUICE_REGISTRY_PORT: 'abc' });
  assert.equal(code, 1);
  assert.match(stderr, /SLUICE_REGISTRY_PORT must be a TCP port/);
});

test('a daemon that exits while starting fails dev up at once, with the lines it wrote before it exited', async () => {
  // A component of this test's own: a real process that prints why it gives up and exits, as a
  // kubelet did when its container runtime was not ready yet (CI). The stack used to wait out
  // readyTimeoutMs and show the log as it was before the start.
  const config = loadStackConfig({ ...process.env, SLUICE_STATE_DIR: await scratchStateDir() });
  const quitter: Component = {
    name: 'exits-while-starting',
    url: () => 'nowhere',
    ports: () => [],
    healthy: async () => false,
    readyTimeoutMs: 60000,
    async start(c) {
      const script = "setTimeout(() => { console.log('giving up: the runtime is not initialized yet'); process.exit(3); }, 300)";
      spawnDaemon({ command: process.execPath, args: ['-e', script], logFile: logFile(c, 'exits-while-starting'), pidFile: pidFile(c, 'exits-while-starting') });
    },
  };
  const started = Date.now();
  await assert.rejects(stackUp(config, [quitter]), (err: Error) => {
    assert.match(err.message, /exits-while-starting exited \(pid \d+\) before it became ready/);
    assert.match(err.message, /giving up: the runtime is not initialized yet/, 'the log tail is read when the wait fails');
    return true;
  });
  assert.ok(Date.now() - started < 10000, `failed after ${Date.now() - started} ms, not after readyTimeoutMs`);
});
