import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import { Registry, Gauge } from 'prom-client';
import { prometheusUrl } from '../../src/dev/config';
import { readScrapeGroup, registerScrapeGroup, unregisterScrapeGroup } from '../../src/lib/prometheus-sd';
import { eventually, freePort, stack, uniqueName } from '../helpers/stack';

const servers: Server[] = [];
const groups: string[] = [];
after(async () => {
  for (const id of groups) await unregisterScrapeGroup(stack.prometheus.targetsDir, id);
  for (const server of servers) server.close();
});

interface QueryResult {
  status: string;
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

async function query(promql: string): Promise<QueryResult['data']['result']> {
  const res = await fetch(`${prometheusUrl(stack)}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as QueryResult;
  assert.equal(body.status, 'success');
  return body.data.result;
}

test('Prometheus scrapes a target registered while it runs, with its role labels', async () => {
  const registry = new Registry();
  const marker = Math.floor(Math.random() * 1e9);
  new Gauge({ name: 'sluice_smoke_marker', help: 'value chosen by the test', registers: [registry] }).set(marker);
  const port = await freePort();
  const server = createServer(async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));

  const service = uniqueName('smoke');
  groups.push(service);
  await registerScrapeGroup(stack.prometheus.targetsDir, {
    id: service,
    targets: [`127.0.0.1:${port}`],
    labels: { service, environment: 'test', role: 'canary' },
  });

  const sample = await eventually('Prometheus to scrape the new target', async () => (await query(`sluice_smoke_marker{service="${service}",role="canary"}`))[0], 30000, 500);
  assert.equal(Number(sample.value[1]), marker);
  assert.equal(sample.metric.instance, `127.0.0.1:${port}`);

  // Unregistering takes it out of the active targets again.
  await unregisterScrapeGroup(stack.prometheus.targetsDir, service);
  await eventually('the target to be dropped', async () => {
    const res = await fetch(`${prometheusUrl(stack)}/api/v1/targets?state=active`);
    const body = (await res.json()) as { data: { activeTargets: Array<{ labels: Record<string, string> }> } };
    return body.data.activeTargets.some((t) => t.labels.service === service) ? undefined : true;
  });
});

test("the stack's Prometheus scrapes Temporal's own metrics (job temporal): the dev server, or each of a cluster's services", async () => {
  const expected = stack.temporal.mode === 'cluster' ? ['frontend', 'history', 'matching', 'worker'] : ['dev-server'];
  // The job scrapes every 15 s: the first scrape of a stack started just now can take that long.
  // Only the endpoints this stack runs now, scraped since the test began: Prometheus's storage
  // outlives a switch between the dev server and the cluster, and for five minutes still answers
  // with the other's last samples.
  const since = Date.now() / 1000;
  await eventually(
    'every Temporal endpoint to be scraped and up',
    async () => {
      // timestamp() of a plain selector is the sample's own time (of anything else, the query's).
      const scrapedAt = Object.fromEntries((await query('timestamp(up{job="temporal"})')).map((r) => [r.metric.temporal_service, Number(r.value[1])]));
      const up = Object.fromEntries((await query('up{job="temporal"}')).map((r) => [r.metric.temporal_service, r.value[1]]));
      return expected.every((service) => (scrapedAt[service] ?? 0) >= since && up[service] === '1') ? true : undefined;
    },
    45000,
    1000,
  );
  // Real server metrics, from every role the server runs (a dev server runs all four in one process).
  const roles = (await query('count by (service_name) (persistence_requests{job="temporal"})')).map((r) => r.metric.service_name).sort();
  for (const role of ['frontend', 'history', 'matching']) assert.ok(roles.includes(role), `persistence_requests of ${role} in ${JSON.stringify(roles)}`);
});

test('registrations of one scrape group at once all succeed and leave one whole file, no staged copies', async () => {
  // A directory of its own: twenty addresses nobody serves stay out of the stack's Prometheus.
  const dir = await mkdtemp(join(tmpdir(), 'sluice-sd-'));
  try {
    const id = uniqueName('sd-race');
    const targets = Array.from({ length: 20 }, (_, i) => `127.0.0.1:${20000 + i}`);
    const settled = await Promise.allSettled(targets.map((t) => registerScrapeGroup(dir, { id, targets: [t], labels: { service: id } })));
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    assert.deepEqual(refused, []);
    const group = await readScrapeGroup(dir, id);
    assert.ok(group && group.targets.length === 1 && targets.includes(group.targets[0]!), `one registration's file, whole: ${JSON.stringify(group)}`);
    assert.deepEqual(await readdir(dir), [`${id}.json`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
