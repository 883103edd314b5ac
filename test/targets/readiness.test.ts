import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { nextReadyPollMs, READY_POLL_FIRST_MS, READY_POLL_MAX_MS, waitForReady } from '../../src/activities/targets/readiness';

/**
 * The readiness poll the process and docker targets wait on for every instance they start: its
 * pauses, and what it reports against a real HTTP server on loopback.
 */
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A server that answers 503 to its first `notReadyFor` requests, then 200; it counts them. */
async function flippingServer(notReadyFor: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(requests > notReadyFor ? 200 : 503).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`, requests: () => requests };
}

test('the pause between readiness polls starts short and doubles up to a tenth of a second', () => {
  const pauses: number[] = [];
  let pause: number | undefined;
  for (let i = 0; i < 6; i++) pauses.push((pause = nextReadyPollMs(pause)));
  assert.deepEqual(pauses, [10, 20, 40, 80, 100, 100]);
  assert.equal(READY_POLL_FIRST_MS, 10);
  assert.equal(READY_POLL_MAX_MS, 100);
});

test('waitForReady polls until the instance answers 2xx, and asks whether it is alive between polls', async () => {
  const server = await flippingServer(3);
  let asked = 0;
  const result = await waitForReady(server.url, 5000, async () => {
    asked += 1;
    return undefined;
  });
  assert.deepEqual(result, { ok: true });
  assert.equal(server.requests(), 4);
  assert.equal(asked, 3);
});

test('waitForReady gives the reason an instance died, or what it last answered when time ran out', async () => {
  const dead = await flippingServer(Infinity);
  assert.deepEqual(await waitForReady(dead.url, 5000, async () => 'exited with code 2'), { ok: false, reason: 'exited with code 2' });
  assert.equal(dead.requests(), 1);
  const slow = await flippingServer(Infinity);
  const result = await waitForReady(slow.url, 150, async () => undefined);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.reason, /\/readyz answered HTTP 503 for 150 ms$/);
});
