/**
 * Rollback drills end to end. Runs on: the real Temporal dev server, workers wired exactly like
 * production (createSluiceActivities in-process, and `sluice worker` processes for the kill
 * test), the process target running examples/go-service binaries, the HAProxy router, and the
 * real Prometheus for analysis. Versions are checked where users see them: through the router.
 * - bad-canary and rollback-restore pass on a healthy service with their times, and leave the
 *   live version live;
 * - a drill whose fault no check can see fails loudly (DrillFaultUndetected) and still restores;
 * - a release started during a drill aborts it and starts only after the drill has closed;
 * - a worker SIGKILLed mid-drill: the next worker finishes it with the original version live.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { SluiceClient } from '../../src/client';
import { readScrapeGroup, unregisterScrapeGroup } from '../../src/lib/prometheus-sd';
import { temporalAddress } from '../../src/dev/config';
import { drillWorkflowId, type DrillResult } from '../../src/domain/drill';
import { ErrorType } from '../../src/domain/errors';
import { Reason } from '../../src/domain/reasons';
import { imageTagForVersion } from '../../src/domain/release';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpec, ReleaseSpecInput } from '../../src/domain/spec';
import type { DeploymentStatus } from '../../src/domain/status';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { samples, scrape } from '../helpers/exposition';
import { catalogue, eventually, freePort, repoRoot, stack, stackConnectionSettings, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary } from '../targets/fixtures';
import { retainBinary, startE2eWorker, versionsThroughRouter as throughRouter, type E2eWorker } from './support/e2e';
import { release } from './support/harness';
import { assertReleaseWaitedForAbortedDrill } from './support/drill';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';

const service = uniqueName('drill').slice(0, 40);
const environment = 'e2e';
let listenPort: number;
let basePort: number;
let e2e: E2eWorker;
let sluice: SluiceClient;
const children: ChildProcess[] = [];

const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 1000 } });
const target = () => ({
  kind: 'process' as const,
  settings: { stateDir: join(e2e.dir, 'processes'), basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000 },
});
const artifacts = () => join(e2e.dir, 'artifacts');

/** Puts a version's binary in the artifact store the worker's retention reads, as a build would. */
async function retain(version: string): Promise<string> {
  return retainBinary(artifacts(), service, version, await serviceBinary(version));
}

type Steps = Extract<ReleaseSpecInput['strategy'], { kind: 'canary' }>['steps'];
const ANALYSED: Steps = [
  { kind: 'setWeight', weight: 20 },
  { kind: 'analysis', templates: ['errors'] },
  { kind: 'setWeight', weight: 100 },
];

function specInput(version: string, options: { steps?: Steps; analysis?: boolean } = {}): ReleaseSpecInput {
  const analysis = options.analysis ?? true;
  return {
    service,
    environment,
    source: { kind: 'prebuilt', version, binaryPath: join(artifacts(), service, imageTagForVersion(version), service) },
    target: target(),
    router: router(),
    strategy: { kind: 'canary', steps: options.steps ?? ANALYSED, scaleDownDelay: '0s' },
    healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
    analysis: analysis
      ? {
          templates: [{ ...defaultThresholdTemplate({ interval: '1000ms', count: 6, initialDelay: '5s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
          load: { ratePerSecond: 40, via: 'candidate' },
          rateWindow: '10s',
        }
      : {},
    drill: { fault: { env: { FAULT_ERROR_RATE: '0.5' } }, budget: '5m' },
  };
}

function specFor(version: string, options: { steps?: Steps; analysis?: boolean } = {}): ReleaseSpec {
  return validateReleaseSpec(specInput(version, options), catalogue);
}

/** The drill's result, also when the workflow failed (a failed drill carries its result). */
async function runDrill(client: SluiceClient, spec: ReleaseSpec, kind: DrillResult['kind']): Promise<DrillResult> {
  const started = await client.drill(spec, kind, { wait: true, by: 'e2e-drill test' });
  assert.ok(started.result, 'a waited drill has a result');
  console.log(
    `drill ${kind}: ${started.result.outcome} ${started.result.reason} ttd=${started.result.timeToDetectMs} ttr=${started.result.timeToRestoreMs} — ${started.result.message}`,
  );
  return started.result;
}

const versionsThroughRouter = (n: number) => throughRouter(listenPort, n);

/** The status of the running release under the release id, when it is a drill's and `ok` accepts it (closed runs never match). */
function drillRelease(ok: (st: DeploymentStatus) => boolean): () => Promise<DeploymentStatus | undefined> {
  return async () => {
    const handle = e2e.client.workflow.getHandle(deployWorkflowId(service, environment));
    const described = await handle.describe().catch(() => undefined);
    if (described?.status.name !== 'RUNNING' || described.searchAttributes.SluiceKind?.[0] !== 'drill') return undefined;
    const st = await e2e.client.workflow
      .getHandle(described.workflowId, described.runId)
      .query(statusQuery)
      .catch(() => undefined);
    return st && ok(st) ? st : undefined;
  };
}

/** Status codes of `n` GETs of `/` (the path the error fault acts on) at `base`. */
async function rootCodes(base: string, n: number): Promise<Record<number, number>> {
  const codes: Record<number, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    codes[res.status] = (codes[res.status] ?? 0) + 1;
  }
  return codes;
}

/** One value off the in-process worker's /metrics (0 when the series is absent). */
async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const page = await scrape(e2e.metricsUrl!);
  return samples(page, name, { service, environment, ...labels }).reduce((sum, s) => sum + s.value, 0);
}

before(async () => {
  listenPort = await freePort();
  basePort = await freePortBlock(5);
  e2e = await startE2eWorker('drill', { telemetry: true });
  await retain(V1);
  await retain(V2);
  sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: e2e.taskQueue });
  for (const version of [V1, V2]) {
    const handle = await e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue: e2e.taskQueue,
      workflowId: deployWorkflowId(service, environment),
      args: [specFor(version, { steps: [{ kind: 'setWeight', weight: 100 }] })],
    });
    const res = await settleDeployment(handle.result());
    assert.equal(res.outcome, 'promoted', res.message);
  }
  assert.deepEqual(await versionsThroughRouter(5), { [V2]: 5 });
});

after(async () => {
  await Promise.all(children.map(killHard));
  await sluice?.close();
  await e2e?.stop(
    () => ({ service, environment, target: target(), router: router() }),
    [V1, V2].map((v) => release(service, v)),
  );
});

test('bad-canary: the live version with the fault is caught by analysis and traffic is back within the budget', { timeout: 300000 }, async () => {
  const releasesBefore = await metric('sluice_releases_total', {});
  const result = await runDrill(sluice, specFor(V2), 'bad-canary');
  assert.equal(result.outcome, 'passed', result.message);
  assert.equal(result.reason, Reason.DrillPassed);
  // Counted as a drill, zero-initialised for the other outcomes, and never as a release.
  assert.equal(await metric('sluice_drills_total', { kind: 'bad-canary', outcome: 'passed' }), 1);
  const page = await scrape(e2e.metricsUrl!);
  assert.equal(samples(page, 'sluice_drills_total', { service, kind: 'bad-canary', outcome: 'failed' }).length, 1, 'the failed series exists at 0');
  assert.equal(await metric('sluice_drill_time_to_detect_seconds_count', { kind: 'bad-canary' }), 1);
  assert.equal(await metric('sluice_drill_time_to_restore_seconds_count', { kind: 'bad-canary' }), 1);
  assert.equal(await metric('sluice_releases_total', {}), releasesBefore, 'a drill is not a release');
  assert.equal(result.live?.version, V2);
  assert.equal(result.after?.version, V2);
  assert.ok(result.timeToDetectMs !== null && result.timeToDetectMs > 0, `time to detect ${result.timeToDetectMs}`);
  assert.ok(result.timeToRestoreMs !== null && result.timeToRestoreMs >= 0, `time to restore ${result.timeToRestoreMs}`);
  assert.ok(result.timeToDetectMs + result.timeToRestoreMs <= result.budgetMs);
  assert.equal(result.budgetMs, 5 * 60_000);
  // The drill's release is marked as one, under the release's id, and says why it stopped.
  const child = await e2e.client.workflow.getHandle(deployWorkflowId(service, environment)).describe();
  assert.equal(child.searchAttributes.SluiceKind?.[0], 'drill');
  const res = await settleDeployment(e2e.client.workflow.getHandle(deployWorkflowId(service, environment)).result() as ReturnType<typeof deployWorkflow>);
  assert.equal(res.reason, Reason.AnalysisFailed);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 }, 'the live version serves all traffic');
  assert.deepEqual(await rootCodes(`http://127.0.0.1:${listenPort}`, 30), { 200: 30 }, 'no fault left behind: the stable never had it');
});

test('rollback-restore: back to the previous retained version and forth again, within the budget', { timeout: 300000 }, async () => {
  const result = await runDrill(sluice, specFor(V2), 'rollback-restore');
  assert.equal(result.outcome, 'passed', result.message);
  assert.match(result.message, new RegExp(`rolled back to ${V1.replace(/[+.]/g, '\\$&')}`));
  assert.equal(result.timeToDetectMs, null);
  assert.ok(result.timeToRestoreMs !== null && result.timeToRestoreMs > 0 && result.timeToRestoreMs <= result.budgetMs);
  assert.equal(result.after?.version, V2);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 });
  // Filterable apart from releases.
  const drills = [];
  for await (const w of e2e.client.workflow.list({ query: `SluiceKind = "drill" AND SluiceService = "${service}" AND WorkflowType = "drillWorkflow"` })) drills.push(w);
  assert.ok(drills.length >= 1, 'drills are found by SluiceKind');
});

test('a drill whose fault no check can see fails loudly and still restores the live version', { timeout: 300000 }, async () => {
  // No templates: the analysis step is a health window on /healthz and /readyz, which the
  // error fault does not touch.
  const blind = specFor(V2, { analysis: false, steps: [{ kind: 'setWeight', weight: 20 }, { kind: 'analysis' }, { kind: 'setWeight', weight: 100 }] });
  const result = await runDrill(sluice, blind, 'bad-canary');
  assert.equal(result.outcome, 'failed');
  assert.equal(result.reason, Reason.DrillFaultUndetected);
  assert.match(result.message, /undetected/);
  assert.equal(await metric('sluice_drills_total', { kind: 'bad-canary', outcome: 'failed' }), 1);
  assert.equal(result.after?.version, V2);
  const described = await e2e.client.workflow.getHandle(drillWorkflowId(service, environment)).describe();
  assert.equal(described.status.name, 'FAILED', 'a failed drill fails its workflow');
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 });
});

test('sluice drill run --wait prints the result and exits 1 for a failed drill', { timeout: 300000 }, async () => {
  const file = join(e2e.dir, 'sluice.yaml');
  // JSON is YAML: the spec as a person would write it, with a blind health window.
  writeFileSync(file, JSON.stringify(specInput(V2, { analysis: false, steps: [{ kind: 'setWeight', weight: 20 }, { kind: 'analysis' }, { kind: 'setWeight', weight: 100 }] })));
  const cli = spawnNode(join(repoRoot(), 'bin', 'sluice.js'), [
    'drill',
    'run',
    service,
    environment,
    '--kind',
    'bad-canary',
    '--wait',
    '-f',
    file,
    '--address',
    temporalAddress(stack),
    '--task-queue',
    e2e.taskQueue,
  ]);
  children.push(cli);
  let out = '';
  cli.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  cli.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => cli.once('exit', r));
  assert.equal(code, 1, out);
  assert.match(out, /FAILED bad-canary drill/);
  assert.match(out, /DrillFaultUndetected/);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 });
});

test('a release started during a drill aborts it and starts once the drill has closed', { timeout: 300000 }, async () => {
  const slow = specFor(V2, {
    steps: [
      { kind: 'setWeight', weight: 20 },
      { kind: 'pause', duration: '5m' },
      { kind: 'setWeight', weight: 100 },
    ],
  });
  const started = await sluice.drill(slow, 'bad-canary', { by: 'e2e-drill test' });
  const st = await eventually(
    "the drill's canary to take traffic",
    drillRelease((s) => s.weight === 20 && s.phase === 'canary'),
    60000,
  );
  // The fault is on the canary only: its `/` fails half the time (the stable's never does, see the first test).
  const canaryUrl = st.events.find((e) => e.data && typeof e.data.url === 'string' && e.data.role === 'canary')?.data?.url as string | undefined;
  assert.ok(canaryUrl, JSON.stringify(st.events.map((e) => e.message)));
  assert.ok(((await rootCodes(canaryUrl, 40))[500] ?? 0) > 0, 'the canary carries the fault');
  // The drill's canary holds the release's id: a second drill sees a release and is refused.
  await assert.rejects(sluice.drill(slow, 'rollback-restore', { by: 'e2e-drill test' }), (err: { type?: string }) => err.type === ErrorType.DrillRefused);

  const release = await sluice.deploy(specFor(V2, { steps: [{ kind: 'setWeight', weight: 100 }] }));
  assert.equal(release.abortedDrill, drillWorkflowId(service, environment));
  await assertReleaseWaitedForAbortedDrill(e2e.client, started, release);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 });
});

test('a drill refuses to start while a release runs', { timeout: 120000 }, async () => {
  const slow = specFor(V1, {
    steps: [
      { kind: 'setWeight', weight: 0 },
      { kind: 'pause', duration: '5m' },
    ],
  });
  const release = await sluice.deploy(slow);
  try {
    await assert.rejects(sluice.drill(specFor(V2), 'bad-canary', { by: 'e2e-drill test' }), (err: { type?: string }) => err.type === ErrorType.DrillRefused);
  } finally {
    await sluice.abort({ service, environment }, 'test over');
    await settleDeployment(e2e.client.workflow.getHandle(release.workflowId, release.runId).result() as ReturnType<typeof deployWorkflow>);
  }
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 });
});

/** The ids of the Prometheus registrations of workers on `taskQueue` (src/worker/scrape-registration.ts). */
async function workerRegistrations(taskQueue: string): Promise<string[]> {
  const dir = stack.prometheus.workersDir;
  const ids = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  const groups = await Promise.all(ids.map((id) => readScrapeGroup(dir, id)));
  return ids.filter((_, i) => groups[i]?.labels.worker_task_queue === taskQueue);
}

test('a worker SIGKILLed mid-drill: the next worker finishes the drill with the original version live', { timeout: 420000 }, async () => {
  const taskQueue = uniqueName('drill-kill');
  const entry = join(repoRoot(), 'bin', 'sluice.js');
  const worker = () => {
    const child = spawnNode(entry, ['worker', '--task-queue', taskQueue, '--metrics-port', '0', '--artifact-store', artifacts()]);
    children.push(child);
    return child;
  };
  const first = worker();
  await waitForLine(first, 'sluice worker ready', 180000);
  const killClient = await SluiceClient.connect(stackConnectionSettings(), { taskQueue });
  try {
    const started = await killClient.drill(specFor(V2), 'bad-canary', { by: 'e2e-drill test' });
    await eventually(
      "the drill's canary to be under analysis",
      drillRelease((s) => s.phase === 'analysing' && s.weight === 20),
      120000,
    );
    await killHard(first);
    const second = worker();
    await waitForLine(second, 'sluice worker ready', 180000);
    const result = (await e2e.client.workflow.getHandle(started.workflowId, started.runId).result()) as DrillResult;
    assert.equal(result.outcome, 'passed', result.message);
    assert.equal(result.after?.version, V2);
    assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 }, 'the original version serves all traffic');
    // SIGTERM: the worker drains and takes its Prometheus registration with it.
    const exited = new Promise((r) => second.once('exit', r));
    second.kill('SIGTERM');
    await exited;
    // The killed worker stays registered, so Prometheus sees it down (SluiceWorkerDown).
    assert.equal((await workerRegistrations(taskQueue)).length, 1, 'only the killed worker is still registered');
  } finally {
    await killClient.close();
    // Taken away here: the stack's Prometheus would scrape it, and alert on it, after the test.
    for (const id of await workerRegistrations(taskQueue)) await unregisterScrapeGroup(stack.prometheus.workersDir, id);
  }
});
