/**
 * The worker's telemetry plumbing, on the real embedded Prometheus where it matters:
 * - two metrics endpoints in one process register two file-SD entries of job sluice-worker, both
 *   scraped; a clean close removes only its own entry and Prometheus drops that target;
 * - the state gauges' visibility reads are cached (one read per maxAge however often scraped,
 *   shared by both gauges), a slow read never holds a scrape, a failed one is counted and the last
 *   good snapshot kept; the readers here are fakes on purpose (countingFakeLister), the real
 *   visibility reader runs in release-metrics.test.ts;
 * - Temporal Core's page failing to answer costs only its own series.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createWorkerMetrics } from '../../src/worker/metrics';
import { registerReleaseState, runningReleasesQuery, type RunningRelease } from '../../src/worker/release-state';
import { startWorkerTelemetry } from '../../src/worker/telemetry';
import { freePort, stack, eventually } from '../helpers/stack';
import { parseExposition, promQuery, samples } from '../helpers/exposition';

const RUNNING: RunningRelease = { service: 'svc', environment: 'prod', version: '1.2.3+abc', strategy: 'canary', phase: 'canary', weight: 30 };

function countingFakeLister(answer: () => Promise<RunningRelease[]>) {
  const lister = Object.assign(
    () => {
      lister.calls++;
      return answer();
    },
    { calls: 0 },
  );
  return lister;
}

async function activeTargets(): Promise<{ scrapePool: string; scrapeUrl: string; health: string }[]> {
  const res = await fetch(`http://${stack.prometheus.host}:${stack.prometheus.port}/api/v1/targets?state=active`);
  const body = (await res.json()) as { data: { activeTargets: { scrapePool: string; scrapeUrl: string; health: string }[] } };
  return body.data.activeTargets;
}

test('two endpoints in one process register apart, are both scraped in job sluice-worker, and a clean close removes only its own entry', { timeout: 60000 }, async () => {
  const a = await startWorkerTelemetry({ host: '127.0.0.1', port: 0, registrationDir: stack.prometheus.workersDir, labels: { worker_task_queue: 'telemetry-a' } });
  const b = await startWorkerTelemetry({ host: '127.0.0.1', port: 0, registrationDir: stack.prometheus.workersDir, labels: { worker_task_queue: 'telemetry-b' } });
  try {
    assert.ok(a.registration && b.registration);
    assert.notEqual(a.registration.path, b.registration.path);
    const entry = JSON.parse(readFileSync(a.registration.path, 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
    assert.deepEqual(entry, [{ targets: [a.address], labels: { worker_task_queue: 'telemetry-a' } }]);
    await eventually(
      'Prometheus to scrape both endpoints',
      async () => {
        const up = await promQuery(`up{job="sluice-worker", instance=~"${a.address}|${b.address}"}`);
        return up.length === 2 && up.every((u) => u.value === 1) ? true : undefined;
      },
      30000,
      500,
    );
    await a.close();
    assert.equal(existsSync(a.registration.path), false);
    assert.equal(existsSync(b.registration.path), true, "closing one endpoint leaves the other's entry");
    await eventually(
      'Prometheus to drop the closed endpoint only',
      async () => {
        const pool = (await activeTargets()).filter((t) => t.scrapePool === 'sluice-worker').map((t) => t.scrapeUrl);
        return !pool.includes(a.url) && pool.includes(b.url) ? true : undefined;
      },
      30000,
      500,
    );
  } finally {
    await a.close();
    await b.close();
  }
  assert.equal(existsSync(b.registration.path), false);
});

test('state gauges: one visibility read per maxAge shared by both gauges, a slow read never holds the scrape, a failed one keeps the last snapshot', async () => {
  const metrics = createWorkerMetrics();
  let answer: () => Promise<RunningRelease[]> = () => Promise.resolve([RUNNING]);
  const lister = countingFakeLister(() => answer());
  const errors: string[] = [];
  registerReleaseState(metrics.registry, lister, { maxAgeMs: 400, waitMs: 100, staleMs: 60000, onError: (e) => errors.push(e.message) });

  for (let i = 0; i < 10; i++) {
    const page = parseExposition(await metrics.registry.metrics());
    assert.equal(samples(page, 'sluice_release_info', { service: 'svc', environment: 'prod', version: '1.2.3+abc', strategy: 'canary', phase: 'canary' })[0]?.value, 1);
    assert.equal(samples(page, 'sluice_canary_weight', { service: 'svc', environment: 'prod', version: '1.2.3+abc' })[0]?.value, 30);
  }
  assert.equal(lister.calls, 1, 'ten scrapes within maxAge, two gauges each: one read');

  // Past maxAge a read that never answers: the scrape returns after waitMs with the previous snapshot.
  await new Promise((r) => setTimeout(r, 450));
  let release!: (r: RunningRelease[]) => void;
  answer = () => new Promise((resolve) => (release = resolve));
  const startedAt = Date.now();
  const stale = parseExposition(await metrics.registry.metrics());
  assert.ok(Date.now() - startedAt < 1000, `the scrape took ${Date.now() - startedAt} ms`);
  assert.equal(samples(stale, 'sluice_release_info', { service: 'svc' }).length, 1);
  assert.equal(lister.calls, 2);
  await metrics.registry.metrics();
  assert.equal(lister.calls, 2, 'a read in flight is shared, never doubled');
  release([{ ...RUNNING, phase: 'analysing', weight: 50 }]);
  await eventually(
    'the new snapshot',
    async () => (samples(parseExposition(await metrics.registry.metrics()), 'sluice_release_info', { phase: 'analysing' }).length === 1 ? true : undefined),
    5000,
    20,
  );

  // A failing read: counted, logged, the last good snapshot still served.
  await new Promise((r) => setTimeout(r, 450));
  answer = () => Promise.reject(new Error('visibility unavailable'));
  await metrics.registry.metrics();
  const page = parseExposition(await metrics.registry.metrics());
  assert.equal(samples(page, 'sluice_release_state_errors_total')[0]?.value, 1);
  assert.deepEqual(errors, ['visibility unavailable']);
  assert.equal(samples(page, 'sluice_canary_weight', { service: 'svc' })[0]?.value, 50);
});

test('a Core exporter that does not answer costs only its own series; the visibility query quotes the task queue', async () => {
  const port = await freePort();
  const t = await startWorkerTelemetry({ host: '127.0.0.1', port: 0, core: { bindAddress: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/metrics` } });
  try {
    t.metrics.release.releases.inc({ service: 'svc', environment: 'prod', outcome: 'promoted' });
    const res = await fetch(t.url);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /# Temporal Core metrics unavailable/);
    assert.equal(samples(parseExposition(text), 'sluice_releases_total', { outcome: 'promoted' })[0]?.value, 1);
  } finally {
    await t.close();
  }
  assert.equal(runningReleasesQuery("it's"), "WorkflowType = 'deployWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = 'it\\'s'");
});
