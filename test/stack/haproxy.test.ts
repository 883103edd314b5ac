import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import { haproxyAction, serverStates } from '../../src/lib/haproxy';
import { ensureInstance, haproxyInstance, instanceGlobals, instancePid, removeInstance, type HaproxyInstance } from '../../src/lib/haproxy-instance';
import { freePort, stack, uniqueName } from '../helpers/stack';

/** HAProxy processes as the router runs them (src/lib/haproxy-instance.ts), on the real binary. */
const servers: Server[] = [];
const instances: HaproxyInstance[] = [];
after(async () => {
  for (const i of instances) await removeInstance(i).catch(() => undefined);
  for (const server of servers) server.close();
});

async function answering(body: string): Promise<number> {
  const port = await freePort();
  const server = createServer((_req, res) => res.end(body));
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return port;
}

async function split(url: string, requests: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const body = await res.text();
    counts[body] = (counts[body] ?? 0) + 1;
  }
  return counts;
}

function proxyConfig(instance: HaproxyInstance, backend: string, listenPort: number, servers: string[]): string {
  return [
    ...instanceGlobals(instance),
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
    `frontend fe_${backend}`,
    `  bind 127.0.0.1:${listenPort}`,
    `  default_backend ${backend}`,
    `backend ${backend}`,
    '  balance roundrobin',
    ...servers,
    '',
  ].join('\n');
}

test('a weight change through the runtime socket shifts the split of 200 requests within ±10 points, without a restart', async () => {
  const name = uniqueName('smoke');
  const backend = `be_${name}`.replace(/[^a-zA-Z0-9_]/g, '_');
  const instance = haproxyInstance(stack.haproxy.servicesDir, name);
  instances.push(instance);
  const [stablePort, canaryPort, listenPort] = [await answering('stable'), await answering('canary'), await freePort()];
  await ensureInstance(
    instance,
    proxyConfig(instance, backend, listenPort, [`  server stable 127.0.0.1:${stablePort} weight 100`, `  server canary 127.0.0.1:${canaryPort} weight 0`]),
  );
  const url = `http://127.0.0.1:${listenPort}/`;
  assert.deepEqual(await split(url, 20), { stable: 20 }, 'weight 0 gets no traffic');

  const pidBefore = await instancePid(instance);
  assert.ok(pidBefore, 'the instance runs');
  for (const [target, canaryWeight] of [
    [30, 30],
    [75, 75],
  ] as const) {
    await haproxyAction(instance.adminSocket, `set server ${backend}/stable weight ${100 - canaryWeight}`);
    await haproxyAction(instance.adminSocket, `set server ${backend}/canary weight ${canaryWeight}`);
    const counts = await split(url, 200);
    const share = ((counts.canary ?? 0) / 200) * 100;
    assert.ok(Math.abs(share - target) <= 10, `canary share ${share}% is within ±10 points of ${target}%`);
  }
  assert.equal(await instancePid(instance), pidBefore, 'no restart happened');
  const states = await serverStates(instance.adminSocket, backend);
  assert.deepEqual(states.map((s) => [s.server, s.weight]).sort(), [
    ['canary', 75],
    ['stable', 25],
  ]);
});

test('a broken configuration is refused and never reaches the running process', async () => {
  const name = uniqueName('broken');
  const instance = haproxyInstance(stack.haproxy.servicesDir, name);
  instances.push(instance);
  const [port, listenPort] = [await answering('ok'), await freePort()];
  const good = proxyConfig(instance, 'be_ok', listenPort, [`  server only 127.0.0.1:${port}`]);
  await ensureInstance(instance, good);
  const pidBefore = await instancePid(instance);
  await assert.rejects(ensureInstance(instance, `${good}  server nope\n`), /configuration for .* is invalid/);
  assert.equal(await instancePid(instance), pidBefore, 'the running process was left alone');
  assert.equal(await readFile(instance.config, 'utf8'), good, 'the configuration on disk is still the good one');
  assert.deepEqual(await split(`http://127.0.0.1:${listenPort}/`, 5), { ok: 5 });
});

test('a process that cannot bind its port is reported, and nothing is left running', async () => {
  const name = uniqueName('taken');
  const instance = haproxyInstance(stack.haproxy.servicesDir, name);
  instances.push(instance);
  const taken = await answering('someone else');
  await assert.rejects(
    ensureInstance(instance, proxyConfig(instance, 'be_taken', taken, ['  server only 127.0.0.1:1'])),
    /did not start: .*(cannot bind|Address already in use)/is,
  );
  assert.equal(await instancePid(instance), undefined);
});
