/**
 * `sluice dev up --temporal cluster` for real: Temporal v1.32 built from source as four separate
 * processes (frontend, history, matching, system worker) on Debian's PostgreSQL, with its Web UI,
 * on ports of its own beside the shared stack. A real release goes through it with payload
 * encryption on, and three releases at once survive kill -9 of the history process and of one of
 * their two workers.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { pidFile } from '../../src/dev/component';
import { loadStackConfig, prometheusUrl, temporalAddress, temporalUiUrl } from '../../src/dev/config';
import { loadTemporalClusterConfig, TEMPORAL_SERVICES } from '../../src/dev/components/temporal-cluster/config';
import { TEMPORAL_CLUSTER_COMPONENTS } from '../../src/dev/components/temporal-cluster';
import { postgresPassword } from '../../src/dev/components/temporal-cluster/password';
import { livePid } from '../../src/dev/process';
import { settleDeployment } from '../../src/domain/result';
import { dataConverterFromEnv } from '../../src/lib/payload-encryption';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { embeddedStackDefaults } from '../../src/cli/context';
import { resolveConnectionSettings } from '../../src/client/settings';
import { workerOptionsFrom } from '../../src/worker/main';
import { describeResult, runCli, specDir, startCli, waitForOutput } from '../cli/helpers';
import { launchChromium } from '../helpers/chromium';
import { promQuery } from '../helpers/exposition';
import { fixtureSpec, startCliWorker, VERSIONS, type CliWorker } from '../cli/worker-fixture';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { eventually, repoRoot, temporalClient, uniqueName } from '../helpers/stack';
import { readCalls, readState, writeState } from '../workflows/support/file-target';
import { release, spec } from '../workflows/support/harness';
import { startHealthServer } from '../workflows/support/health-server';

/**
 * Fixed ports, in a band nothing else on the machine takes: below the kernel's ephemeral range
 * (32768 and up), outside the tests' port blocks (13000-16000, 17000-20000), the ports targets
 * derive from names (20000-29995), Kubernetes node ports (30000-32767, bound on loopback by the
 * stack's service proxy) and the shared stack's own. The services follow the frontend (+1, +2, +6,
 * HTTP +10, membership 300 below); the metrics port and the same offsets from it.
 */
const PORTS = {
  SLUICE_TEMPORAL_PORT: '11233',
  SLUICE_TEMPORAL_UI_PORT: '11333',
  SLUICE_TEMPORAL_POSTGRES_PORT: '11432',
  SLUICE_TEMPORAL_METRICS_PORT: '11133',
  // A Prometheus of its own for the metrics test, whose alerts go nowhere (no Alertmanager there).
  SLUICE_PROMETHEUS_PORT: '11090',
  SLUICE_ALERTMANAGER_PORT: '11093',
};
/** The codec server the cluster's Web UI is pointed at (SLUICE_UI_CODEC_ENDPOINT). */
const CODEC_PORT = 11089;
const CLUSTER_NAMES = TEMPORAL_CLUSTER_COMPONENTS.map((c) => c.name);

describe('the Temporal cluster on PostgreSQL', { timeout: 900_000 }, () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
  const keysDir = mkdtempSync(join(tmpdir(), 'sluice-cluster-keys-'));
  const keysFile = join(keysDir, 'keys.json');
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_STATE_DIR: stateDir, ...PORTS, SLUICE_UI_CODEC_ENDPOINT: `http://127.0.0.1:${CODEC_PORT}` };
  // Read again once `dev up --temporal cluster` has recorded the mode: the config then has the cluster's mTLS files.
  let config = loadStackConfig(env);
  const cluster = loadTemporalClusterConfig(config, env);
  const children: ChildProcess[] = [];
  let connection: Connection;
  let client: Client;

  const devUp = async (): Promise<Record<string, string>> => {
    const up = await runCli(['dev', 'up', '--temporal', 'cluster', '--only', 'temporal', '--output', 'json'], { env, timeoutMs: 600_000 });
    assert.equal(up.code, 0, describeResult(up));
    return JSON.parse(up.stdout) as Record<string, string>;
  };

  before(async () => {
    const made = await runCli(['codec', 'keygen', '--file', keysFile, '--id', 'k1']);
    assert.equal(made.code, 0, describeResult(made));
    const first = await devUp();
    assert.deepEqual(first, Object.fromEntries(CLUSTER_NAMES.map((n) => [n, 'started'])));
    config = loadStackConfig(env);
    assert.equal(config.temporal.mode, 'cluster');
    ({ client, connection } = await temporalClient(config, { dataConverter: dataConverterFromEnv({ SLUICE_CODEC_KEYS_FILE: keysFile }) }));
  });

  after(async () => {
    await Promise.all(children.map(killHard));
    await connection?.close();
    // `--only temporal` names the cluster in a cluster's state dir, as it does for `up`.
    const downTemporal = await runCli(['dev', 'down', '--only', 'temporal'], { env });
    assert.equal(downTemporal.code, 0, describeResult(downTemporal));
    for (const name of CLUSTER_NAMES) assert.ok(downTemporal.stdout.includes(name), `${name} stopped: ${downTemporal.stdout}`);
    const down = await runCli(['dev', 'down'], { env });
    assert.equal(down.code, 0, describeResult(down));
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(keysDir, { recursive: true, force: true });
    // As root the database lives outside the state dir (PostgreSQL will not run as root).
    rmSync(dirname(cluster.postgres.dataDir), { recursive: true, force: true });
  });

  test('four server processes on PostgreSQL with several history shards, mTLS only; dev up again reuses them; the password is in no file the server reads', async () => {
    const info = await connection.workflowService.getClusterInfo({});
    assert.equal(info.persistenceStore, 'postgres12');
    assert.equal(info.visibilityStore, 'postgres12');
    assert.equal(info.historyShardCount, cluster.numHistoryShards);
    assert.ok(cluster.numHistoryShards > 1);
    const pids = CLUSTER_NAMES.map((name) => livePid(pidFile(config, name)));
    assert.ok(
      pids.every((p) => p !== undefined),
      `every component runs: ${CLUSTER_NAMES.join(', ')}`,
    );
    assert.equal(new Set(pids).size, pids.length, 'each its own process');
    for (const service of TEMPORAL_SERVICES) {
      const name = service === 'worker' ? 'temporal-system-worker' : `temporal-${service}`;
      const cmdline = readFileSync(`/proc/${livePid(pidFile(config, name))}/cmdline`, 'utf8')
        .split('\0')
        .filter(Boolean);
      assert.deepEqual(cmdline.slice(-2), ['--service', service]);
    }

    const again = await devUp();
    assert.deepEqual(again, Object.fromEntries(CLUSTER_NAMES.map((n) => [n, 'reused-own'])));
    const status = await runCli(['dev', 'status', '--output', 'json'], { env });
    const rows = JSON.parse(status.stdout) as { name: string; healthy: boolean }[];
    for (const name of CLUSTER_NAMES) assert.equal(rows.find((r) => r.name === name)?.healthy, true, `${name} healthy in dev status`);
    assert.ok(!rows.some((r) => r.name === 'temporal'), 'the dev server is not part of a cluster stack');

    // mTLS: neither plaintext nor TLS without a client certificate gets an answer.
    const refused = async (tls: false | { serverRootCACertificate: Buffer }) => {
      const bare = await Connection.connect({ address: temporalAddress(config), tls, connectTimeout: 3000 }).catch((err: Error) => err);
      if (bare instanceof Error) return true;
      try {
        await bare.workflowService.getSystemInfo({});
        return false;
      } catch {
        return true;
      } finally {
        await bare.close();
      }
    };
    assert.ok(await refused(false), 'plaintext is refused');
    assert.ok(await refused({ serverRootCACertificate: readFileSync(config.temporal.tls!.ca) }), 'TLS without a client certificate is refused');

    // Clients of the state dir get its certificate for its own address only, and only while nothing else names TLS settings.
    const defaults = embeddedStackDefaults(env).connection;
    assert.deepEqual(resolveConnectionSettings({}, {}, defaults).tls, config.temporal.tls);
    assert.deepEqual(resolveConnectionSettings({}, { TEMPORAL_TLS_CA: '/etc/ssl/other-ca.pem' }, defaults).tls, {
      ca: '/etc/ssl/other-ca.pem',
      cert: undefined,
      key: undefined,
      serverName: undefined,
    });
    assert.equal(resolveConnectionSettings({ address: '127.0.0.1:7233' }, {}, defaults).tls, false);
    assert.equal(resolveConnectionSettings({ tls: false }, {}, defaults).tls, false);
    assert.ok(workerOptionsFrom([], env).connection.tls, 'the worker too');
    assert.equal(workerOptionsFrom(['--address', '127.0.0.1:7233'], env).connection.tls, undefined);

    // Production's search attribute cache: the release test below runs on attributes this cluster registered just now.
    const dynamic = readFileSync(cluster.dynamicConfigFile, 'utf8');
    assert.match(dynamic, /system\.enableActivityEagerExecution:\s*- value: true/);
    assert.doesNotMatch(dynamic, /forceSearchAttributesCacheRefreshOnRead/);

    // Both stores through the pgx driver (the cluster reports the schema, postgres12, above).
    const serverConfig = readFileSync(cluster.serverConfigFile, 'utf8');
    assert.equal(serverConfig.match(/pluginName: postgres12_pgx$/gm)?.length, 2, serverConfig.match(/pluginName: .*/g)?.join(', '));
    const password = postgresPassword(cluster);
    assert.ok(!serverConfig.includes(password));
    for (const name of CLUSTER_NAMES) assert.ok(!readFileSync(join(stateDir, 'logs', `${name}.log`), 'utf8').includes(password), `${name}'s log`);
  });

  test("each service serves Temporal's metrics on its own port, and the stack's Prometheus scrapes all four (job temporal)", async () => {
    for (const service of TEMPORAL_SERVICES) {
      const res = await fetch(`http://127.0.0.1:${cluster.services[service].metrics}/metrics`);
      assert.equal(res.status, 200, `${service}'s /metrics`);
      assert.match(await res.text(), new RegExp(`service_name="${service}"`), `${service}'s own series`);
    }
    const up = await runCli(['dev', 'up', '--only', 'prometheus', '--output', 'json'], { env, timeoutMs: 120_000 });
    assert.equal(up.code, 0, describeResult(up));
    const prometheus = prometheusUrl(config);
    // The job scrapes every 15 s.
    await eventually(
      'all four services scraped and up',
      async () => {
        const result = await promQuery('up{job="temporal"}', prometheus);
        const upServices = result.filter((r) => r.value === 1).map((r) => r.metric.temporal_service);
        return TEMPORAL_SERVICES.every((s) => upServices.includes(s)) ? true : undefined;
      },
      45_000,
      1000,
    );
    const roles = (await promQuery('count by (service_name) (persistence_requests{job="temporal"})', prometheus)).map((r) => r.metric.service_name);
    for (const role of ['frontend', 'history', 'matching']) assert.ok(roles.includes(role), `persistence_requests of ${role} in ${JSON.stringify(roles)}`);
  });

  test('a real release goes through the cluster with payload encryption on, and its Web UI lists it', async () => {
    let w: CliWorker | undefined;
    try {
      w = await startCliWorker({ temporal: config, dataConverter: dataConverterFromEnv({ SLUICE_CODEC_KEYS_FILE: keysFile }) });
      const service = uniqueName('cluster');
      await w.seedStable(service, 'production', VERSIONS.v1);
      const d = specDir(fixtureSpec(w, service, VERSIONS.v2, '[ { setWeight: 50 }, { analysis: { window: 1s } }, { setWeight: 100 } ]'));
      try {
        const r = await runCli(['deploy', '--wait'], { env: { ...w.env, SLUICE_CODEC_KEYS_FILE: keysFile }, cwd: d.dir });
        assert.equal(r.code, 0, describeResult(r));
        assert.match(r.stdout, /promoted/);
      } finally {
        d.remove();
      }
      const workflowId = `deploy/${service}/production`;
      // A person's shell after `dev up --temporal cluster` names no Temporal setting: the CLI finds
      // the state dir's client certificate for the stack's own address.
      const status = await runCli(['status', service, 'production', '--output', 'json'], { env: { ...env, SLUICE_CODEC_KEYS_FILE: keysFile } });
      assert.equal(status.code, 0, describeResult(status));
      assert.equal((JSON.parse(status.stdout) as { result: { outcome: string } }).result.outcome, 'promoted');
      const history = await new Client({ connection, namespace: config.temporal.namespace }).workflow.getHandle(workflowId).fetchHistory();
      const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
      assert.ok(raw.includes('binary/encrypted') && !raw.includes('binaryPath'), 'the cluster stores ciphertext only');

      const answer = await fetch(`${temporalUiUrl(config)}/api/v1/namespaces/${config.temporal.namespace}/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`);
      assert.equal(answer.status, 200);
      const listed = (await answer.json()) as { executions?: { execution?: { workflowId?: string } }[] };
      assert.deepEqual(
        listed.executions?.map((e) => e.execution?.workflowId),
        [workflowId],
      );
      await webUiDecodesAfterSignIn(workflowId, service);
    } finally {
      await w?.close();
    }
  });

  /**
   * The Web UI asks the codec server to decode with the browser's cookies: before signing in the
   * release's input stays ciphertext on the page, after signing in with the codec token it reads
   * in the clear. Screenshots of both go to test-artifacts/.
   */
  async function webUiDecodesAfterSignIn(workflowId: string, service: string): Promise<void> {
    const tokenFile = join(keysDir, 'codec-token');
    const token = randomBytes(24).toString('base64url');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const ui = temporalUiUrl(config);
    const codec = startCli(['codec', 'server', '--listen', `127.0.0.1:${CODEC_PORT}`, '--token-file', tokenFile, '--keys-file', keysFile, '--origin', ui]);
    const browser = await launchChromium();
    try {
      await waitForOutput(codec, /codec server listening/, 60_000);
      const page = await browser.context.newPage();
      const workflowPage = `${ui}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
      const decodeAnswers: number[] = [];
      page.on('response', (r) => {
        if (r.url().startsWith(`http://127.0.0.1:${CODEC_PORT}/decode`) && r.request().method() === 'POST') decodeAnswers.push(r.status());
      });
      mkdirSync(join(repoRoot(), 'test-artifacts'), { recursive: true });

      await page.goto(workflowPage);
      await eventually('the Web UI asked the codec server to decode', async () => (decodeAnswers.length > 0 ? true : undefined), 30_000);
      await page.getByText(service).first().waitFor({ timeout: 30_000 });
      assert.deepEqual(
        decodeAnswers.filter((s) => s !== 401),
        [],
        `signed out, every decode is refused: ${decodeAnswers.join(', ')}`,
      );
      assert.ok(!(await page.locator('body').innerText()).includes('binaryPath'), 'signed out, the input is not shown in the clear');
      await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'cluster-ui-signed-out.png'), fullPage: true });

      // Sign in at the codec server: its form sends the browser back to the workflow's page.
      await page.goto(`http://127.0.0.1:${CODEC_PORT}/login?returnTo=${encodeURIComponent(workflowPage)}`);
      await page.locator('input[name="token"]').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.toString().startsWith(ui), { timeout: 30_000 });
      decodeAnswers.length = 0;
      await page.reload();
      await page.getByText('binaryPath').first().waitFor({ timeout: 30_000 });
      assert.ok(decodeAnswers.includes(200), `signed in, the decode answers: ${decodeAnswers.join(', ')}`);
      await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'cluster-ui-signed-in.png'), fullPage: true });
      assert.ok(!codec.output().stdout.includes(token) && !codec.output().stderr.includes(token), 'the token is never logged');
    } finally {
      await browser.close();
      codec.kill('SIGTERM');
    }
  }

  test('three releases at once finish correctly after kill -9 of the history process and of one of their two workers', async () => {
    const health = await startHealthServer();
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-crash-'));
    try {
      const taskQueue = uniqueName('cluster-crash');
      const entry = require.resolve('../workflows/support/worker-process');
      const workerEnv = { ...env, SLUICE_CODEC_KEYS_FILE: keysFile };
      const workers = [spawnNode(entry, [taskQueue, dir, health.base], workerEnv), spawnNode(entry, [taskQueue, dir, health.base], workerEnv)];
      children.push(...workers);
      await Promise.all(workers.map((w) => waitForLine(w, 'ready', 120000)));

      const services = [1, 2, 3].map(() => uniqueName('cc').slice(0, 40));
      const handles = await Promise.all(
        services.map((service) => {
          writeState(dir, service, 'test', { stable: release(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
          const s = spec(service, '2.0.0+bbbbbbb', {
            strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '8s' } }, { setWeight: 60 }], scaleDownDelay: '1s' },
            healthCheck: { interval: '300ms', failureThreshold: 3, timeout: '1s' },
          });
          return client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [s] });
        }),
      );
      await eventually(
        'every release to be in its health window',
        async () => {
          const states = await Promise.all(handles.map((h) => h.query(statusQuery)));
          return states.every((st) => st.phase === 'analysing' && st.lastCheck?.ok) ? states : undefined;
        },
        120000,
        200,
      );

      const historyPid = livePid(pidFile(config, 'temporal-history'));
      assert.ok(historyPid);
      process.kill(historyPid, 'SIGKILL');
      await killHard(workers[0]!);
      // The survivor keeps the releases' workflows; history comes back by the same command a person runs.
      await new Promise((r) => setTimeout(r, 1500));
      const restarted = await devUp();
      assert.equal(restarted['temporal-history'], 'started');
      assert.notEqual(livePid(pidFile(config, 'temporal-history')), historyPid);

      const results = await Promise.all(handles.map((h) => settleDeployment(h.result())));
      for (const [i, res] of results.entries()) {
        const service = services[i]!;
        assert.equal(res.outcome, 'promoted', `${service}: ${res.message}`);
        assert.equal(readState(dir, service, 'test').stable?.version, '2.0.0+bbbbbbb');
        const weights = readCalls(dir, service)
          .filter((c) => c.name === 'setTrafficWeight')
          .map((c) => c.weight);
        assert.deepEqual(weights, [20, 60], `${service}: each step ran exactly once`);
      }
    } finally {
      await health.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
