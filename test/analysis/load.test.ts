/**
 * The bounded load generator against a real example-service instance: rate, duration, counts by
 * status, cancellation, and the loopback-only rule (checked before any socket opens).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { checkLoadSpec, isLoopbackAddress, LoadSpecError, NotLoopbackError, runLoad } from '../../src/activities/load';
import { freePort } from '../helpers/stack';
import { Fleet } from './support';

const fleet = new Fleet();
let url = '';
before(async () => {
  url = (await fleet.start({ role: 'canary', errorRate: 0.3 })).url;
});
after(async () => {
  await fleet.close();
});

test('refuses every target outside 127.0.0.0/8 and ::1, before sending anything', () => {
  for (const target of [
    'http://10.0.0.1/',
    'http://192.168.1.10:8080/',
    'http://172.16.0.1/',
    'http://8.8.8.8/',
    'http://example.com/',
    'http://[::ffff:10.0.0.1]/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
  ]) {
    assert.throws(() => checkLoadSpec({ targets: [target], ratePerSecond: 1, durationMs: 1000 }), NotLoopbackError, target);
  }
  assert.throws(() => checkLoadSpec({ targets: ['https://127.0.0.1/'], ratePerSecond: 1, durationMs: 1000 }), NotLoopbackError);
  assert.throws(() => checkLoadSpec({ targets: ['http://user:pw@127.0.0.1/'], ratePerSecond: 1, durationMs: 1000 }), NotLoopbackError);
  for (const target of ['http://127.0.0.1:1/', 'http://127.9.8.7/', 'http://[::1]:8080/x', 'http://localhost:3000/']) {
    assert.doesNotThrow(() => checkLoadSpec({ targets: [target], ratePerSecond: 1, durationMs: 1000 }), target);
  }
  assert.equal(isLoopbackAddress('127.255.255.255'), true);
  assert.equal(isLoopbackAddress('128.0.0.1'), false);
});

test('refuses unbounded specs', () => {
  const ok = { targets: ['http://127.0.0.1:1/'], ratePerSecond: 10, durationMs: 1000 };
  assert.throws(() => checkLoadSpec({ ...ok, ratePerSecond: 0 }), LoadSpecError);
  assert.throws(() => checkLoadSpec({ ...ok, ratePerSecond: 1e6 }), LoadSpecError);
  assert.throws(() => checkLoadSpec({ ...ok, durationMs: 24 * 3600 * 1000 }), LoadSpecError);
  assert.throws(() => checkLoadSpec({ ...ok, maxInFlight: 0 }), LoadSpecError);
  assert.throws(() => checkLoadSpec({ ...ok, targets: [] }), LoadSpecError);
});

test('sends at the configured rate for the configured time and counts answers by status', async () => {
  const progress: number[] = [];
  const t0 = Date.now();
  const report = await runLoad({ targets: [`${url}/`], ratePerSecond: 100, durationMs: 2000 }, { onProgress: (r) => progress.push(r.sent), progressEveryMs: 500 });
  const took = Date.now() - t0;
  assert.ok(took >= 1900 && took < 5000, `took ${took} ms`);
  assert.ok(report.sent >= 180 && report.sent <= 201, `sent ${report.sent}`);
  const ok = report.byStatus['200'] ?? 0;
  const failed = report.byStatus['500'] ?? 0;
  assert.equal(ok + failed, report.sent, JSON.stringify(report));
  assert.ok(failed / report.sent > 0.15 && failed / report.sent < 0.45, `30% injected errors, saw ${failed}/${report.sent}`);
  assert.ok(progress.length >= 3, 'reports progress while it runs');
});

test('network failures are counted separately; a cancelled run stops at once', async () => {
  const closed = await freePort();
  const refused = await runLoad({ targets: [`http://127.0.0.1:${closed}/`], ratePerSecond: 50, durationMs: 500 });
  assert.equal(refused.byStatus['200'], undefined);
  assert.ok((refused.failures.ECONNREFUSED ?? 0) >= 20, JSON.stringify(refused));

  // A server that holds requests: cancelling must not wait for them.
  const held: Server = createServer(() => undefined);
  const port = await freePort();
  await new Promise<void>((r) => held.listen(port, '127.0.0.1', r));
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const t0 = Date.now();
    const report = await runLoad({ targets: [`http://127.0.0.1:${port}/`], ratePerSecond: 50, durationMs: 60000, requestTimeoutMs: 30000 }, { signal: controller.signal });
    assert.ok(Date.now() - t0 < 3000, `stopped after ${Date.now() - t0} ms`);
    assert.ok(report.sent > 0 && report.sent < 40);
    assert.equal(report.failures.ECANCELLED, report.sent);
  } finally {
    held.closeAllConnections();
    held.close();
  }
});

test('resumes from an earlier attempt for the remaining duration only', async () => {
  const resume = { sent: 50, byStatus: { '200': 50 }, failures: {}, skipped: 0, elapsedMs: 1500 };
  const t0 = Date.now();
  const report = await runLoad({ targets: [`${url}/`], ratePerSecond: 100, durationMs: 2000 }, { resume });
  assert.ok(Date.now() - t0 < 1500, 'only the remaining 500 ms ran');
  assert.ok(report.sent >= 90 && report.sent <= 101, `sent ${report.sent}`);
  assert.equal(report.elapsedMs, 2000);
});
