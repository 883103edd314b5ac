import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { haproxyFiles } from '../../src/dev/components/haproxy';
import { applyFragment, removeFragment, workerPid } from '../../src/lib/haproxy';
import { HaproxyRouter } from '../../src/activities/routers/haproxy';
import { probeHealth } from '../../src/activities/health';
import { stack, uniqueName } from '../helpers/stack';
import { freePortBlock, sample } from './fixtures';

/**
 * The HAProxy router on the shared proxy: the fragment is written once (no reload when
 * unchanged), weights and addresses move without a reload, and a reload caused by someone else
 * keeps them (server-state file).
 */
const servers: Server[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  for (const s of servers) s.close();
});

async function backend(name: string, healthy = true): Promise<number> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz' || req.url === '/readyz') {
      res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'failing');
      return;
    }
    res.end(name);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('weights via the runtime socket, no reload; state survives a reload by another fragment', async () => {
  const service = uniqueName('tgt-router');
  const scope = { service, environment: 'test' };
  const listenPort = await freePortBlock(1);
  const router = new HaproxyRouter({ listenPort }, stack);
  cleanups.push(() => router.remove(scope));
  const [a, b] = await Promise.all([backend('A'), backend('B')]);
  const files = haproxyFiles(stack);

  await router.ensure(scope);
  const pid = await workerPid(files.masterSocket);
  await router.ensure(scope);
  assert.equal(await workerPid(files.masterSocket), pid, 'unchanged fragment: no reload');

  await router.route(scope, { stable: { address: { host: '127.0.0.1', port: a }, weight: 75 }, canary: { address: { host: '127.0.0.1', port: b }, weight: 25 } });
  assert.equal(await workerPid(files.masterSocket), pid, 'a weight change does not reload');
  const counts = await sample(`http://127.0.0.1:${listenPort}/`, 200);
  const bShare = (counts.get('B') ?? 0) / 200;
  assert.ok(bShare >= 0.15 && bShare <= 0.35, `canary share ${bShare} not within 25% ± 10 pp (${JSON.stringify([...counts])})`);

  // Another service's fragment reloads HAProxy: our runtime weights and addresses must survive.
  const other = uniqueName('tgt-other').replace(/[^a-zA-Z0-9_]/g, '_');
  const otherPort = await freePortBlock(1);
  await applyFragment(files, other, `frontend ${other}\n  bind 127.0.0.1:${otherPort}\n  http-request return status 200 content-type text/plain string ok\n`);
  cleanups.push(() => removeFragment(files, other));
  assert.notEqual(await workerPid(files.masterSocket), pid, 'the other fragment reloaded');
  const slots = await router.slots(scope);
  assert.deepEqual(
    slots.map((s) => [s.slot, s.address.port, s.weight, s.state]),
    [['stable', a, 75, 'ready'], ['canary', b, 25, 'ready'], ['baseline', 1, 0, 'maint']],
  );
  const again = await sample(`http://127.0.0.1:${listenPort}/`, 100);
  assert.equal((again.get('A') ?? 0) + (again.get('B') ?? 0), 100, `all requests answered after the reload: ${JSON.stringify([...again])}`);

  // Drain then disable the canary: everything to stable.
  await router.drain(scope, 'canary');
  await router.disable(scope, 'canary');
  assert.deepEqual([...(await sample(`http://127.0.0.1:${listenPort}/`, 20)).entries()], [['A', 20]]);
});

test('probeHealth: one GET per path, failures are data, not exceptions', async () => {
  const good = await backend('good');
  const bad = await backend('bad', false);
  const ok = await probeHealth({ url: `http://127.0.0.1:${good}`, paths: ['/healthz', '/readyz'], timeoutMs: 1000 });
  assert.equal(ok.ok, true);
  assert.deepEqual(ok.checks.map((c) => [c.path, c.status]), [['/healthz', 200], ['/readyz', 200]]);
  const failing = await probeHealth({ url: `http://127.0.0.1:${bad}/`, paths: ['/healthz'], timeoutMs: 1000 });
  assert.equal(failing.ok, false);
  assert.equal(failing.checks[0]!.status, 503);
  const closedPort = await freePortBlock(1);
  const down = await probeHealth({ url: `http://127.0.0.1:${closedPort}`, paths: ['/healthz'], timeoutMs: 1000 });
  assert.equal(down.ok, false);
  assert.equal(down.checks[0]!.status, null);
  assert.match(down.checks[0]!.error ?? '', /ECONNREFUSED/);
});
