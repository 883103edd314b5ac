/**
 * The wait before an analysis measures, against the real Prometheus of the shared stack and real
 * example-service instances: it must end only when Prometheus scrapes what was registered, under
 * its labels, not when some target with those labels happens to be up. Both cases below made
 * analyses read "no data" in CI: a fleet host still labelled canary from the previous batch, and
 * a config-only release whose canary took the previous canary's address.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, test } from 'node:test';
import { prometheusUrl } from '../../src/dev/config';
import { createMetricsActivities } from '../../src/activities/metrics';
import { DISCOVERY_SETTLE_MS } from '../../src/activities/metrics/scrape-ready';
import { registerScrapeGroup, unregisterScrapeGroup } from '../../src/lib/prometheus-sd';
import { eventually, freePort, stack, uniqueName } from '../helpers/stack';
import { serviceBinary } from '../targets/fixtures';

const service = uniqueName('scrape');
const environment = 'test';
const version = '1.0.0';
const metrics = createMetricsActivities({ prometheusUrl: prometheusUrl(stack), targetsDir: stack.prometheus.targetsDir });
const groups = new Set<string>();
const children: ChildProcess[] = [];

after(async () => {
  for (const id of groups) await unregisterScrapeGroup(stack.prometheus.targetsDir, id);
  for (const child of children) await stop(child);
});

async function start(addr: string): Promise<ChildProcess> {
  const child = spawn(await serviceBinary(version), [], { env: { PATH: process.env.PATH ?? '', ADDR: addr, LOG_LEVEL: 'warn', DRAIN_DELAY: '0s' }, stdio: 'ignore' });
  children.push(child);
  await eventually(`an instance on ${addr}`, async () => ((await fetch(`http://${addr}/healthz`).catch(() => undefined))?.ok ? true : undefined), 20000, 100);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function register(id: string, addr: string, role: string): Promise<void> {
  groups.add(id);
  await registerScrapeGroup(stack.prometheus.targetsDir, { id, targets: [addr], labels: { service, environment, role, version } });
}

interface Target {
  labels: Record<string, string>;
  health: string;
  lastScrape: string;
}

/** This file's targets Prometheus scrapes under the given role. */
async function targetsAs(role: string): Promise<Target[]> {
  const res = await fetch(`${prometheusUrl(stack)}/api/v1/targets?state=active`);
  const body = (await res.json()) as { data: { activeTargets: Target[] } };
  return body.data.activeTargets.filter((t) => t.labels.service === service && t.labels.role === role);
}

/** Addresses Prometheus scrapes, and finds up, under the given role. */
async function upAs(role: string): Promise<string[]> {
  return (await targetsAs(role))
    .filter((t) => t.health === 'up')
    .map((t) => t.labels.instance!)
    .sort();
}

test('a host relabelled away from canary while another becomes canary: the wait ends when only the new one is scraped as canary', { timeout: 90_000 }, async () => {
  const a = `127.0.0.1:${await freePort()}`;
  const b = `127.0.0.1:${await freePort()}`;
  await Promise.all([start(a), start(b)]);
  await register(`${service}_a`, a, 'canary');
  await register(`${service}_b`, b, 'stable');
  await metrics.awaitScraped({ service, environment, role: 'canary', version, targets: [a] });
  assert.deepEqual(await upAs('canary'), [a]);

  // The next batch, as the fleet's analysis registers it: a goes back to stable, b becomes canary.
  await register(`${service}_a`, a, 'stable');
  await register(`${service}_b`, b, 'canary');
  const { waitedMs } = await metrics.awaitScraped({ service, environment, role: 'canary', version, targets: [b] });
  assert.deepEqual(await upAs('canary'), [b], `after waiting ${waitedMs} ms`);
  // Prometheus applies discovery changes in batches of seconds: a wait that ended at once would
  // have taken a's stale canary target for b.
  assert.ok(waitedMs > 250, `waited ${waitedMs} ms`);
});

test('a new instance on the address of the one it replaces: the wait ends after a scrape of the new process', { timeout: 90_000 }, async () => {
  const addr = `127.0.0.1:${await freePort()}`;
  const id = `${service}_same`;
  const old = await start(addr);
  await register(id, addr, 'preview');
  await metrics.awaitScraped({ service, environment, role: 'preview', version, targets: [addr] });
  // Same labels, same address: to Prometheus this is one target throughout.
  await stop(old);
  const restartedAt = Date.now();
  await start(addr);
  await register(id, addr, 'preview');
  await metrics.awaitScraped({ service, environment, role: 'preview', version, targets: [addr] });
  // The old process was gone before restartedAt: a successful scrape that began later read the new one.
  const [target] = await targetsAs('preview');
  assert.equal(target?.health, 'up');
  assert.ok(Date.parse(target.lastScrape) >= restartedAt, `last scrape ${target.lastScrape}, new process started after ${new Date(restartedAt).toISOString()}`);
});

test('an instance re-registered with the labels and address it had: the wait outlasts pending discovery changes', { timeout: 90_000 }, async () => {
  const addr = `127.0.0.1:${await freePort()}`;
  const id = `${service}_again`;
  const first = await start(addr);
  await register(id, addr, 'baseline');
  await metrics.awaitScraped({ service, environment, role: 'baseline', version, targets: [addr] });
  // Taken away, then the next instance of the same release on the same address (a config-only
  // release's canary): registered again with the same labels while Prometheus may still hold
  // the removal.
  await stop(first);
  await unregisterScrapeGroup(stack.prometheus.targetsDir, id);
  await register(id, addr, 'baseline');
  // The wait begins while the address has no process: Prometheus reads the old registration as
  // down (its removal may still be on its way: discovery changes come in batches up to 5 s
  // apart), and will read it up through the new process, whichever registration that is.
  const waiting = metrics.awaitScraped({ service, environment, role: 'baseline', version, targets: [addr] });
  await start(addr);
  const { waitedMs } = await waiting;
  assert.ok(waitedMs >= DISCOVERY_SETTLE_MS, `waited ${waitedMs} ms`);
  // From here on Prometheus keeps scraping it: no batch that drops it is still pending.
  for (let i = 0; i < 12; i++) {
    const [target] = await targetsAs('baseline');
    assert.equal(target?.health, 'up', `scraped as baseline ${i * 500} ms after the wait`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

test('the wait names what Prometheus does not scrape when it gives up', async () => {
  const nowhere = `127.0.0.1:${await freePort()}`;
  await assert.rejects(
    metrics.awaitScraped({ service, environment, role: 'baseline', version, targets: [nowhere], timeoutMs: 1500 }),
    new RegExp(`not yet scraped with these labels: ${nowhere}`),
  );
});
