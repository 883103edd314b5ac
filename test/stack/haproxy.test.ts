import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import { haproxyFiles } from '../../src/dev/components/haproxy';
import { applyFragment, haproxyAction, removeFragment, serverStates, workerPid } from '../../src/lib/haproxy';
import { freePort, stack, uniqueName } from '../helpers/stack';

const files = haproxyFiles(stack);
const servers: Server[] = [];
const fragments: string[] = [];
after(async () => {
  for (const name of fragments) await removeFragment(files, name).catch(() => undefined);
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

test('a weight change through the runtime socket shifts the split of 200 requests within ±10 points, without a reload', async () => {
  const name = uniqueName('smoke');
  const backend = `be_${name}`;
  const [stablePort, canaryPort, listenPort] = [await answering('stable'), await answering('canary'), await freePort()];
  fragments.push(name);
  await applyFragment(
    files,
    name,
    [
      `frontend fe_${name}`,
      `  bind 127.0.0.1:${listenPort}`,
      `  default_backend ${backend}`,
      `backend ${backend}`,
      '  balance roundrobin',
      `  server stable 127.0.0.1:${stablePort} weight 100`,
      `  server canary 127.0.0.1:${canaryPort} weight 0`,
      '',
    ].join('\n'),
    backend,
  );
  const url = `http://127.0.0.1:${listenPort}/`;
  assert.deepEqual(await split(url, 20), { stable: 20 }, 'weight 0 gets no traffic');

  const pidBefore = await workerPid(files.masterSocket);
  for (const [target, canaryWeight] of [[30, 30], [75, 75]] as const) {
    await haproxyAction(files.adminSocket, `set server ${backend}/stable weight ${100 - canaryWeight}`);
    await haproxyAction(files.adminSocket, `set server ${backend}/canary weight ${canaryWeight}`);
    const counts = await split(url, 200);
    const share = ((counts.canary ?? 0) / 200) * 100;
    assert.ok(Math.abs(share - target) <= 10, `canary share ${share}% is within ±10 points of ${target}%`);
  }
  assert.equal(await workerPid(files.masterSocket), pidBefore, 'no reload happened');
  const states = await serverStates(files.adminSocket, backend);
  assert.deepEqual(
    states.map((s) => [s.server, s.weight]).sort(),
    [['canary', 75], ['stable', 25]],
  );
});

test('a broken fragment is refused and never reaches the running proxy', async () => {
  const name = uniqueName('broken');
  const pidBefore = await workerPid(files.masterSocket);
  await assert.rejects(applyFragment(files, name, 'backend be_x\n  server nope\n'), /configuration is invalid/);
  assert.equal(await workerPid(files.masterSocket), pidBefore);
});
