/**
 * Metric providers, file-SD registration and the default queries against the real Prometheus on
 * the shared stack, scraping real example-service instances driven by the real load generator.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { prometheusUrl } from '../../src/dev/config';
import { createPrometheusProvider, createWebProvider, MetricInputError, renderTemplate } from '../../src/activities/metrics/providers';
import { ERROR_RATE_QUERY, LATENCY_P99_QUERY, mergeTemplates, defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { liveGroupId, scrapeGroupId } from '../../src/activities/metrics';
import { registerLive, unregisterLive } from '../../src/activities/metrics/scrape-groups';
import { readScrapeGroup } from '../../src/lib/prometheus-sd';
import { runLoad } from '../../src/activities/load';
import { eventually, freePort, stack } from '../helpers/stack';
import { Fleet } from './support';

const prometheus = createPrometheusProvider({ url: prometheusUrl(stack), timeoutMs: 5000 });
const fleet = new Fleet();
const ctx = (role: 'canary' | 'stable' = 'canary') => ({ service: fleet.service, environment: fleet.environment, role, window: '5s' });
let canaryUrl = '';

before(async () => {
  const canary = await fleet.start({ role: 'canary', errorRate: 0.5 });
  canaryUrl = canary.url;
  await fleet.start({ role: 'stable' });
  await fleet.scraped();
});
after(async () => {
  await fleet.close();
});

describe('Prometheus provider', () => {
  test('measures the error rate of a real instance serving 50% errors, and 0 (not no-data) for a clean one', async () => {
    const stable = fleet.instances.find((i) => i.role === 'stable')!;
    const report = await runLoad({ targets: [`${canaryUrl}/`, `${stable.url}/`], ratePerSecond: 80, durationMs: 3500 });
    assert.ok((report.byStatus['500'] ?? 0) > 20, `the canary answered 500s: ${JSON.stringify(report)}`);
    const canary = await eventually(
      'a canary error rate',
      async () => {
        const m = await prometheus.measure({ kind: 'prometheus', query: ERROR_RATE_QUERY }, ctx('canary'));
        return m.kind === 'value' ? m : undefined;
      },
      20000,
      500,
    );
    assert.equal(typeof canary.value, 'number');
    assert.ok((canary.value as number) > 0.3 && (canary.value as number) < 0.7, `error rate ${canary.value}`);
    const clean = await prometheus.measure({ kind: 'prometheus', query: ERROR_RATE_QUERY }, ctx('stable'));
    assert.deepEqual({ kind: clean.kind, value: clean.kind === 'value' ? clean.value : undefined }, { kind: 'value', value: 0 });
    const p99 = await prometheus.measure({ kind: 'prometheus', query: LATENCY_P99_QUERY }, ctx('stable'));
    assert.equal(p99.kind, 'value');
    assert.ok((p99 as { value: number }).value < 0.1);
  });

  test('an empty result is no-data, NaN is no-data, several series give an array', async () => {
    const empty = await prometheus.measure({ kind: 'prometheus', query: ERROR_RATE_QUERY }, { ...ctx(), service: `${fleet.service}-absent` });
    assert.equal(empty.kind, 'no-data');
    assert.match((empty as { reason: string }).reason, /empty result/);
    const nan = await prometheus.measure({ kind: 'prometheus', query: '0/0' }, ctx());
    assert.deepEqual({ kind: nan.kind, reason: (nan as { reason: string }).reason }, { kind: 'no-data', reason: 'result is NaN' });
    const one = await prometheus.measure({ kind: 'prometheus', query: 'vector(0.25)' }, ctx());
    assert.equal(one.kind === 'value' && one.value, 0.25);
    const many = await prometheus.measure({ kind: 'prometheus', query: 'up{service="{{service}}"}' }, ctx());
    assert.deepEqual(many.kind === 'value' && many.value, [1, 1]);
    const inf = await prometheus.measure({ kind: 'prometheus', query: 'vector(1/0)' }, ctx());
    assert.equal(inf.kind === 'value' && inf.value, Number.MAX_VALUE, '+Inf stays a (JSON-safe) huge number');
  });

  test('an unreachable Prometheus, a bad query and a timeout are errors, never values', async () => {
    const port = await freePort();
    const down = await createPrometheusProvider({ url: `http://127.0.0.1:${port}`, timeoutMs: 1000 }).measure({ kind: 'prometheus', query: 'vector(1)' }, ctx());
    assert.equal(down.kind, 'error');
    assert.match((down as { message: string }).message, /ECONNREFUSED|fetch failed/);

    const bad = await prometheus.measure({ kind: 'prometheus', query: 'sum(' }, ctx());
    assert.equal(bad.kind, 'error');
    assert.match((bad as { message: string }).message, /bad_data/);

    // A server that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: TcpServer = createTcpServer((s) => sockets.push(s));
    const silentPort = await freePort();
    await new Promise<void>((r) => silent.listen(silentPort, '127.0.0.1', r));
    try {
      const t0 = Date.now();
      const slow = await createPrometheusProvider({ url: `http://127.0.0.1:${silentPort}`, timeoutMs: 300 }).measure({ kind: 'prometheus', query: 'vector(1)' }, ctx());
      assert.equal(slow.kind, 'error');
      assert.match((slow as { message: string }).message, /timed out after 300 ms/);
      assert.ok(Date.now() - t0 < 3000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const cancelled = await createPrometheusProvider({ url: `http://127.0.0.1:${silentPort}`, timeoutMs: 5000 }).measure({ kind: 'prometheus', query: 'vector(1)' }, ctx(), {
        signal: controller.signal,
      });
      assert.match((cancelled as { message: string }).message, /cancelled/);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  test('query_range returns samples per step; labelled series carry their labels', async () => {
    const end = Date.now();
    const range = await prometheus.range({ kind: 'prometheus', query: 'sum(up{service="{{service}}",role="{{role}}"})' }, ctx(), { startMs: end - 5000, endMs: end, stepMs: 1000 });
    assert.equal(range.kind, 'samples');
    assert.ok(range.kind === 'samples' && range.values.length >= 4 && range.values.every((v) => v === 1), JSON.stringify(range));
    const series = await prometheus.series({ kind: 'prometheus', query: 'sum by (code) (http_requests_total{service="{{service}}",role="{{role}}"})' }, ctx());
    assert.equal(series.kind, 'series');
    const codes = series.kind === 'series' ? series.series.map((s) => s.labels.code).sort() : [];
    assert.ok(codes.includes('200') && codes.includes('500'), JSON.stringify(codes));
  });

  test('sampleSequential snapshots requests and 5xx by role; measure is the same measurement as an activity', async () => {
    const snap = await fleet.metrics.sampleSequential({
      metric: { kind: 'count', name: 'errors', direction: 'increase', canaryShare: 0.5, priorStrength: 10, minRequests: 10 },
      context: { service: fleet.service, environment: fleet.environment },
    });
    assert.equal(snap.canary.kind, 'count');
    assert.ok(snap.canary.kind === 'count' && snap.canary.errors > 0 && snap.canary.errors < snap.canary.requests);
    assert.equal(snap.baseline.kind, 'no-data', 'no baseline instance is registered in this file');
    const latency = await fleet.metrics.sampleSequential({
      metric: { kind: 'latency', name: 'latency', direction: 'increase', canaryShare: 0.5, priorStrength: 100, minRequests: 10 },
      context: { service: fleet.service, environment: fleet.environment },
    });
    assert.ok(latency.canary.kind === 'latency' && latency.canary.le.length === 12 && latency.canary.le.at(-1) === Number.MAX_VALUE);
    const measured = await fleet.metrics.measure({ kind: 'prometheus', query: 'vector(7)' }, ctx());
    assert.equal(measured.kind === 'value' && measured.value, 7);
  });
});

describe('query templates', () => {
  test('substitutes service, environment, role and window, and refuses what could inject PromQL', () => {
    assert.equal(renderTemplate('x{service="{{service}}",role="{{ role }}"}[{{window}}]', ctx()), `x{service="${fleet.service}",role="canary"}[5s]`);
    assert.throws(() => renderTemplate('{{service}}', { ...ctx(), service: 'a"} or vector(1) #' }), MetricInputError);
    assert.throws(() => renderTemplate('{{nope}}', ctx()), /unknown template variable \{\{nope\}\}/);
    assert.throws(() => renderTemplate('[{{window}}]', { ...ctx(), window: '5s]) or vector(1' }), /not a Prometheus duration/);
  });

  test('user templates override default metrics by name and add new ones', () => {
    const merged = mergeTemplates(
      [defaultThresholdTemplate({ interval: '1s', count: 3 })],
      [
        {
          name: 'default-threshold',
          judge: { kind: 'threshold', metrics: [{ name: 'error-rate', provider: { kind: 'prometheus', query: 'vector(0)' }, successCondition: 'result < 0.01', count: 2 }] },
        },
        { name: 'mine', judge: { kind: 'threshold', metrics: [{ name: 'x', provider: { kind: 'web', url: 'http://127.0.0.1:1/x', jsonPath: 'a' }, count: 1 }] } },
      ],
    );
    assert.deepEqual(
      merged.map((t) => t.name),
      ['default-threshold', 'mine'],
    );
    const metrics = merged[0]!.judge.metrics as { name: string; successCondition?: string }[];
    assert.deepEqual(
      metrics.map((m) => [m.name, m.successCondition]),
      [
        ['error-rate', 'result < 0.01'],
        ['latency-p99', 'result <= 0.15'],
      ],
    );
  });
});

describe('web provider', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createHttpServer((req, res) => {
      if (req.url === '/fail') return void res.writeHead(500).end('boom');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ service: req.url, data: { errorRate: 0.02, items: [{ p99: '0.3' }], none: null, text: 'high', list: [1, 2] } }));
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    base = `http://127.0.0.1:${port}`;
  });
  after(() => server.close());

  test('reads a value by a dotted path; missing or null is no-data; text and HTTP errors are errors', async () => {
    const web = createWebProvider({ timeoutMs: 2000 });
    const m = (url: string, jsonPath: string) => web.measure({ kind: 'web', url, jsonPath }, ctx());
    assert.equal(((await m(`${base}/{{service}}`, 'data.errorRate')) as { value: number }).value, 0.02);
    assert.equal(((await m(`${base}/`, 'data.items[0].p99')) as { value: number }).value, 0.3);
    assert.deepEqual(((await m(`${base}/`, 'data.list')) as { value: number[] }).value, [1, 2]);
    assert.equal(((await m(`${base}/{{service}}`, 'service')) as { kind: string }).kind, 'error', 'a string is not a number');
    assert.equal((await m(`${base}/`, 'data.missing')).kind, 'no-data');
    assert.equal((await m(`${base}/`, 'data.none')).kind, 'no-data');
    assert.equal((await m(`${base}/`, 'data.__proto__.x')).kind, 'no-data');
    assert.equal((await m(`${base}/`, 'data.text')).kind, 'error');
    assert.match(((await m(`${base}/fail`, '')) as { message: string }).message, /HTTP 500/);
  });
});

describe('file service discovery', () => {
  test('registerTargets writes one labelled group per role; unregisterTargets removes it; bad targets are refused', async () => {
    const input = { service: `${fleet.service}-sd`, environment: 'test', role: 'baseline' as const, version: '1.2.3+abc', targets: ['127.0.0.1:1'] };
    const { id } = await fleet.metrics.registerTargets(input);
    assert.equal(id, scrapeGroupId(input));
    const file = join(stack.prometheus.targetsDir, `${id}.json`);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), [
      { targets: ['127.0.0.1:1'], labels: { service: input.service, environment: 'test', role: 'baseline', version: '1.2.3+abc' } },
    ]);
    await fleet.metrics.unregisterTargets(input);
    await assert.rejects(readFile(file, 'utf8'), /ENOENT/);
    await assert.rejects(fleet.metrics.registerTargets({ ...input, targets: ['not a target'] }), /host:port/);
  });

  test('an instance registered for as long as it runs is neither registered twice by an analysis nor removed when it ends', async () => {
    const dir = stack.prometheus.targetsDir;
    const key = { service: `${fleet.service}-live`, environment: 'test', role: 'canary' as const };
    const input = { ...key, version: '2.0.0+def', targets: ['127.0.0.1:2'] };
    try {
      // An analysis group left from an earlier attempt goes when the live registration takes the address.
      await fleet.metrics.registerTargets(input);
      await registerLive(dir, { ...key, version: input.version, address: '127.0.0.1:2' });
      assert.equal(await readScrapeGroup(dir, scrapeGroupId(key)), undefined);

      const { id } = await fleet.metrics.registerTargets(input);
      assert.equal(id, liveGroupId(key));
      assert.equal(await readScrapeGroup(dir, scrapeGroupId(key)), undefined, 'no second group for the same instance');
      await fleet.metrics.unregisterTargets(key);
      assert.deepEqual(await readScrapeGroup(dir, liveGroupId(key)), {
        id: liveGroupId(key),
        targets: ['127.0.0.1:2'],
        labels: { ...key, version: '2.0.0+def' },
      });

      // Another version in the role (a stale live group) is not this instance: the analysis registers its own.
      assert.equal((await fleet.metrics.registerTargets({ ...input, version: '3.0.0+abc' })).id, scrapeGroupId(key));
      await fleet.metrics.unregisterTargets(key);
      // Removing a candidate of another version leaves the live group alone.
      await unregisterLive(dir, { ...key, version: '3.0.0+abc' });
      assert.ok(await readScrapeGroup(dir, liveGroupId(key)));
      await unregisterLive(dir, { ...key, version: '2.0.0+def' });
      assert.equal(await readScrapeGroup(dir, liveGroupId(key)), undefined);
    } finally {
      await unregisterLive(dir, key);
      await fleet.metrics.unregisterTargets(key);
    }
  });
});
