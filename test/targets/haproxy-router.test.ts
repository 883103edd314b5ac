import assert from 'node:assert/strict';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFile } from 'node:fs/promises';
import { instancePid } from '../../src/lib/haproxy-instance';
import { haproxyCommand } from '../../src/lib/haproxy';
import { HaproxyRouter } from '../../src/activities/routers/haproxy';
import { probeHealth } from '../../src/activities/health';
import { haproxyComponent } from '../../src/dev/components/haproxy';
import { stack, uniqueName } from '../helpers/stack';
import { freePortBlock, sample } from './fixtures';
import { ErrorType } from '../../src/domain/errors';

/**
 * The HAProxy router: one HAProxy process per service and environment. Its configuration is
 * written once (no restart when unchanged), weights and addresses move through the runtime API,
 * they survive a restart of that process (server-state file), and adding or removing other
 * services never touches it.
 */
const servers: Server[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  for (const s of servers) s.close();
});

const deps = { runDir: stack.haproxy.servicesDir };

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

async function routedService(prefix: string, answer: string) {
  const scope = { service: uniqueName(prefix), environment: 'test' };
  const listenPort = await freePortBlock(1);
  const router = new HaproxyRouter({ listenPort }, deps);
  cleanups.push(() => router.remove(scope));
  await router.ensure(scope);
  await router.route(scope, { stable: { address: { host: '127.0.0.1', port: await backend(answer) }, weight: 100 } });
  return { scope, router, listenPort };
}

test('weights via the runtime socket without a restart; they survive a restart and a settings change of the proxy', async () => {
  const service = uniqueName('tgt-router');
  const scope = { service, environment: 'test' };
  const listenPort = await freePortBlock(1);
  const router = new HaproxyRouter({ listenPort }, deps);
  cleanups.push(() => router.remove(scope));
  const [a, b] = await Promise.all([backend('A'), backend('B')]);
  const instance = router.instance(scope);

  await router.ensure(scope);
  const pid = await instancePid(instance);
  assert.ok(pid, 'the proxy runs');
  await router.ensure(scope);
  assert.equal(await instancePid(instance), pid, 'unchanged settings: no restart');

  await router.route(scope, { stable: { address: { host: '127.0.0.1', port: a }, weight: 75 }, canary: { address: { host: '127.0.0.1', port: b }, weight: 25 } });
  assert.equal(await instancePid(instance), pid, 'a weight change does not restart');
  const counts = await sample(`http://127.0.0.1:${listenPort}/`, 200);
  const bShare = (counts.get('B') ?? 0) / 200;
  assert.ok(bShare >= 0.15 && bShare <= 0.35, `canary share ${bShare} not within 25% ± 10 pp (${JSON.stringify([...counts])})`);
  const expected = [
    ['stable', a, 75, 'ready'],
    ['canary', b, 25, 'ready'],
    ['baseline', 1, 0, 'maint'],
  ];
  const routing = async () => (await router.slots(scope)).map((s) => [s.slot, s.address.port, s.weight, s.state]);

  // The process dies (OOM, a reboot): ensure starts it again with the routing it had.
  process.kill(pid, 'SIGKILL');
  await router.ensure(scope);
  assert.notEqual(await instancePid(instance), pid, 'a new process');
  assert.deepEqual(await routing(), expected);

  // New settings for this service replace its process seamlessly, keeping the routing.
  const before = await instancePid(instance);
  const changed = new HaproxyRouter({ listenPort, timeouts: { connect: '1s', client: '20s', server: '20s' } }, deps);
  await changed.ensure(scope);
  assert.notEqual(await instancePid(instance), before, 'the new settings took a new process');
  assert.deepEqual(await routing(), expected);
  const again = await sample(`http://127.0.0.1:${listenPort}/`, 100);
  assert.equal((again.get('A') ?? 0) + (again.get('B') ?? 0), 100, `all requests answered after the replacement: ${JSON.stringify([...again])}`);

  // Drain then disable the canary: everything to stable.
  await router.drain(scope, 'canary');
  await router.disable(scope, 'canary');
  assert.deepEqual([...(await sample(`http://127.0.0.1:${listenPort}/`, 20)).entries()], [['A', 20]]);

  await router.remove(scope);
  assert.equal(await instancePid(instance), undefined, 'remove stops the process');
  assert.deepEqual(await router.slots(scope), [], 'no proxy, no slots');
});

test('a listen port another process holds is refused as PortInUse, never shared', async () => {
  const taken = await backend('someone else');
  const scope = { service: uniqueName('tgt-taken'), environment: 'test' };
  const router = new HaproxyRouter({ listenPort: taken }, deps);
  cleanups.push(() => router.remove(scope));
  await assert.rejects(router.ensure(scope), (err: Error & { type?: string }) => err.type === ErrorType.PortInUse);
  const first = await routedService('tgt-first', 'first');
  const second = { service: uniqueName('tgt-second'), environment: 'test' };
  const clash = new HaproxyRouter({ listenPort: first.listenPort }, deps);
  cleanups.push(() => clash.remove(second));
  await assert.rejects(clash.ensure(second), (err: Error & { type?: string }) => err.type === ErrorType.PortInUse);
  assert.deepEqual([...(await sample(`http://127.0.0.1:${first.listenPort}/`, 10)).entries()], [['first', 10]]);
});

test('0 failed requests at 200 req/s on keep-alive connections while 10 other services are added and removed', async () => {
  const watched = await routedService('tgt-watched', 'watched');
  const pid = await instancePid(watched.router.instance(watched.scope));
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const outcomes = { ok: 0, failed: [] as string[] };
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: watched.listenPort, path: '/', agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => {
          if (res.statusCode === 200 && body === 'watched') outcomes.ok++;
          else outcomes.failed.push(`${res.statusCode} ${body}`);
          resolve();
        });
      });
      req.on('error', (err) => {
        outcomes.failed.push(err.message);
        resolve();
      });
      req.end();
    });
  let healthChecks = 0;
  const unhealthy: number[] = [];
  let churning = true;
  const inFlight: Promise<void>[] = [];
  const loadStarted = Date.now();
  let loadStopped = loadStarted;
  let sent = 0;
  const load = (async () => {
    for (; churning; sent++) {
      inFlight.push(one());
      // 200 req/s: request i leaves at 5·i ms (a late loop catches up, so the rate holds).
      const wait = loadStarted + (sent + 1) * 5 - Date.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  const health = (async () => {
    while (churning) {
      healthChecks++;
      if (!(await haproxyComponent.healthy(stack))) unhealthy.push(Date.now());
      await sleep(100);
    }
  })();
  try {
    for (let i = 0; i < 10; i++) {
      const other = await routedService(`tgt-churn${i}`, `other${i}`);
      await other.router.remove(other.scope);
    }
    // The churn may take under a second on a quiet machine: keep the load on for 3 s at least.
    await sleep(Math.max(500, loadStarted + 3000 - Date.now()));
  } finally {
    churning = false;
    loadStopped = Date.now();
    await load;
    await health;
    await Promise.all(inFlight);
    agent.destroy();
  }
  const seconds = (loadStopped - loadStarted) / 1000;
  assert.deepEqual(outcomes.failed, [], `every request answered (${outcomes.ok} ok)`);
  assert.equal(outcomes.ok, sent, 'every request sent was answered');
  assert.ok(sent >= 0.9 * 200 * (seconds - 0.5), `the load ran at 200 req/s throughout (${sent} requests in ${seconds.toFixed(1)} s)`);
  assert.equal(await instancePid(watched.router.instance(watched.scope)), pid, "the watched service's proxy was never restarted");
  assert.deepEqual(unhealthy, [], `the stack's HAProxy stayed healthy through ${healthChecks} checks`);
});

test("side-by-side runtime changes (a fleet's hosts) each save the server state: none fails, the file ends with the last state", async () => {
  const { router, scope } = await routedService('tgt-router-save', 'A');
  const instance = router.instance(scope);
  // Ten changes at once, as hosts of one batch drain and come back side by side; each saves after its command.
  const weights = Array.from({ length: 10 }, (_, i) => i + 1);
  const saved = await Promise.allSettled(weights.map((w) => router.route(scope, { stable: { weight: w } })));
  assert.deepEqual(
    saved.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason)),
    [],
  );
  const live = await haproxyCommand(instance.adminSocket, 'show servers state');
  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && !/^\d+$/.test(l.trim()));
  assert.deepEqual(lines(await readFile(instance.stateFile, 'utf8')), lines(live), 'the state file holds what HAProxy runs now');
});

test('probeHealth: one GET per path, failures are data, not exceptions', async () => {
  const good = await backend('good');
  const bad = await backend('bad', false);
  const ok = await probeHealth({ url: `http://127.0.0.1:${good}`, paths: ['/healthz', '/readyz'], timeoutMs: 1000 });
  assert.equal(ok.ok, true);
  assert.deepEqual(
    ok.checks.map((c) => [c.path, c.status]),
    [
      ['/healthz', 200],
      ['/readyz', 200],
    ],
  );
  const failing = await probeHealth({ url: `http://127.0.0.1:${bad}/`, paths: ['/healthz'], timeoutMs: 1000 });
  assert.equal(failing.ok, false);
  assert.equal(failing.checks[0]!.status, 503);
  const closedPort = await freePortBlock(1);
  const down = await probeHealth({ url: `http://127.0.0.1:${closedPort}`, paths: ['/healthz'], timeoutMs: 1000 });
  assert.equal(down.ok, false);
  assert.equal(down.checks[0]!.status, null);
  assert.match(down.checks[0]!.error ?? '', /ECONNREFUSED/);
});
