import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Gauge, Registry } from 'prom-client';
import { stringify } from 'yaml';
import { alertmanagerUrl, prometheusUrl } from '../../src/dev/config';
import { reloadPrometheus } from '../../src/dev/components/prometheus';
import { registerScrapeGroup, unregisterScrapeGroup } from '../../src/lib/prometheus-sd';
import { spawnNode } from '../helpers/child';
import { eventually, freePort, stack, uniqueName } from '../helpers/stack';

// Runs on: the embedded stack's real Prometheus and Alertmanager (`sluice dev up`); the last test
// starts a Prometheus of its own in a scratch state dir.

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
  assert.equal(res.status, 200, `GET ${url}`);
  return (await res.json()) as T;
}

interface RulesAnswer {
  data: { groups: Array<{ name: string; file: string; rules: Array<{ name: string; type: string }> }> };
}

test('Prometheus has loaded the shipped rules and sends to the stack Alertmanager', async () => {
  const rules = await getJson<RulesAnswer>(`${prometheusUrl(stack)}/api/v1/rules`);
  const shipped = rules.data.groups.filter((g) => g.file.startsWith(stack.prometheus.rulesDir));
  const names = shipped.map((g) => g.name).sort();
  assert.deepEqual(names, ['sluice-drill-alerts', 'sluice-release-alerts', 'sluice-service-alerts', 'sluice-service-recording', 'sluice-worker-alerts']);
  const alerts = shipped.flatMap((g) => g.rules.filter((r) => r.type === 'alerting').map((r) => r.name));
  for (const name of ['SluiceReleaseRolledBack', 'SluiceErrorRatioOverBudget', 'SluiceWorkerDown', 'TemporalWorkerNoTaskSlots', 'SluiceDrillFailed']) {
    assert.ok(alerts.includes(name), `${name} is loaded`);
  }

  // The notifier discovers its Alertmanagers every few seconds after a start or reload.
  await eventually('Prometheus to list the stack Alertmanager as active', async () => {
    const answer = await getJson<{ data: { activeAlertmanagers: Array<{ url: string }> } }>(`${prometheusUrl(stack)}/api/v1/alertmanagers`);
    return answer.data.activeAlertmanagers.some((a) => a.url.startsWith(alertmanagerUrl(stack))) ? true : undefined;
  });
});

test('an alert that fires from scraped data reaches Alertmanager with its service and environment', async () => {
  // A loopback exporter registered like a release's instance, and a rule of this test only
  // (in the state dir's own rules dir, evaluated every second) that its series makes true.
  const service = uniqueName('alerting');
  const registry = new Registry();
  new Gauge({ name: 'sluice_alerting_test_marker', help: 'set by the alerting test', registers: [registry] }).set(1);
  const server: Server = createServer((_req, res) => {
    void registry.metrics().then((body) => {
      res.setHeader('Content-Type', registry.contentType);
      res.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));

  await registerScrapeGroup(stack.prometheus.targetsDir, {
    id: service,
    targets: [`127.0.0.1:${port}`],
    labels: { service, environment: 'test', role: 'stable' },
  });
  cleanups.push(() => unregisterScrapeGroup(stack.prometheus.targetsDir, service));

  const ruleFile = join(stack.prometheus.localRulesDir, `${service}.yml`);
  await mkdir(stack.prometheus.localRulesDir, { recursive: true });
  await writeFile(
    ruleFile,
    stringify({
      groups: [
        {
          name: service,
          interval: '1s',
          rules: [
            {
              alert: 'SluiceAlertingTest',
              expr: `sluice_alerting_test_marker{service="${service}"} > 0`,
              labels: { severity: 'none' },
              annotations: { summary: `test alert for {{ $labels.service }}`, description: 'raised by test/stack/alerting.test.ts' },
            },
          ],
        },
      ],
    }),
  );
  cleanups.push(async () => {
    await rm(ruleFile, { force: true });
    await reloadPrometheus(stack);
  });
  await reloadPrometheus(stack);

  const filter = encodeURIComponent(`service="${service}"`);
  const alert = await eventually(
    'the alert to reach Alertmanager',
    async () => {
      const alerts = await getJson<Array<{ labels: Record<string, string>; annotations: Record<string, string>; status: { state: string } }>>(
        `${alertmanagerUrl(stack)}/api/v2/alerts?filter=${filter}`,
      );
      return alerts[0];
    },
    30000,
    250,
  );
  assert.equal(alert.labels.alertname, 'SluiceAlertingTest');
  assert.equal(alert.labels.environment, 'test');
  assert.equal(alert.labels.role, 'stable');
  assert.equal(alert.annotations.summary, `test alert for ${service}`);
  assert.equal(alert.status.state, 'active');
});

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnNode(require.resolve('../../src/cli/main'), args, { ...process.env, ...env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('dev up reloads a running Prometheus whose configuration predates the rules', async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'sluice-state-'));
  cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
  const env = { SLUICE_STATE_DIR: stateDir, SLUICE_PROMETHEUS_PORT: String(await freePort()), SLUICE_ALERTMANAGER_PORT: String(await freePort()) };
  const up = await runCli(['dev', 'up', '--only', 'prometheus', '--output', 'json'], env);
  assert.equal(up.code, 0, up.stderr);
  cleanups.push(() => runCli(['dev', 'down', '--only', 'prometheus'], env));
  const url = `http://127.0.0.1:${env.SLUICE_PROMETHEUS_PORT}`;
  const groups = async () => (await getJson<RulesAnswer>(`${url}/api/v1/rules`)).data.groups.length;
  assert.ok((await groups()) > 0);

  // What an older Sluice wrote: scraping only. Load it, as that Prometheus would run.
  const file = join(stateDir, 'prometheus', 'prometheus.yml');
  const current = await readFile(file, 'utf8');
  await writeFile(file, current.replace(/^rule_files:[\s\S]*?(?=^scrape_configs:)/m, ''));
  assert.doesNotMatch(await readFile(file, 'utf8'), /rule_files/);
  const res = await fetch(`${url}/-/reload`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.equal(await groups(), 0);

  const again = await runCli(['dev', 'up', '--only', 'prometheus', '--output', 'json'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout), { prometheus: 'reused-own' });
  assert.ok((await groups()) > 0, 'the rules are loaded again without a restart');
  assert.match(await readFile(file, 'utf8'), /alertmanagers/);
});
