/**
 * `sluice report` end to end: real releases on the shared stack (process target, HAProxy, real
 * Prometheus, the production activities; the same setup as test/workflows/e2e-analysis.test.ts),
 * each reported by the CLI and opened in headless Chromium from file://:
 * - a promoted release, one rolled back by a threshold template, one rolled back by the
 *   sequential judge, and one aborted while it waited at a pause;
 * - each chart has data points, the decision marker is drawn where the workflow history records
 *   the decision (checked on the canvas pixels), no request leaves the page, screenshots go to
 *   test-artifacts/;
 * - the rolled-back release reported against an empty Prometheus (a real one, started by the test
 *   with fresh storage: what a Prometheus past its retention answers) says so on each chart and
 *   still shows what history holds;
 * - `sluice status --web` serves the page of the running release on loopback, refreshing until it
 *   ends, and refuses anything but GET; `sluice report --web` serves the same page.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { chromium, type Browser, type Page } from 'playwright-core';
import { defaultKayentaTemplate } from '../../src/activities/metrics/templates';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import { abortSignal, statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { startDrill } from '../../src/client/drill';
import { drillWorkflowId } from '../../src/domain/drill';
import type { temporal } from '@temporalio/proto';
import { describeResult, runCli, startCli, waitForOutput } from '../cli/helpers';
import { killHard } from '../helpers/child';
import { eventually, freePort, repoRoot, uniqueName } from '../helpers/stack';
import { ANALYSED_VERSIONS, analysedService, errorsAndSequential, type AnalysedService, type CanarySteps } from '../workflows/support/process-release';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../helpers/chromium';

const { v2: V2, v3: V3, v4: V4 } = ANALYSED_VERSIONS;
const DECIDED_PHASES = ['promoting', 'succeeded', 'rolling-back', 'rolled-back', 'aborted', 'failed'];

const service = uniqueName('rep').slice(0, 40);
const environment = 'e2e';
let rig: AnalysedService;
let browser: Browser;
const outDir = mkdtempSync(join(tmpdir(), 'sluice-report-'));
const artifacts = join(repoRoot(), 'test-artifacts');
const start = (version: string, steps: CanarySteps) => rig.start(version, steps);

/** Plus a baseline-vs-canary (Mann-Whitney) template named `kayenta` over a short window. */
function withKayenta(analysis: ReturnType<typeof errorsAndSequential>): ReturnType<typeof errorsAndSequential> {
  if (!analysis) return analysis;
  const kayenta = { ...defaultKayentaTemplate({ interval: '1s', window: '12s', minSamples: 5, inconclusivePolicy: 'rollback' }), name: 'kayenta' };
  return { ...analysis, templates: [...(analysis.templates ?? []), kayenta] };
}

const analysed = (template: string): CanarySteps => [
  { kind: 'setWeight', weight: 20 },
  { kind: 'analysis', templates: [template] },
  { kind: 'setWeight', weight: 100 },
];

/** When the first event `match` selects happened, read from the run's history here on its own. */
async function eventInHistory(workflowId: string, runId: string, match: (e: temporal.api.history.v1.IHistoryEvent) => boolean): Promise<number> {
  const history = await rig.e2e.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const event = (history.events ?? []).find(match);
  assert.ok(event, `no such event in the history of ${workflowId} run ${runId}`);
  return optionalTsToMs(event.eventTime)!;
}

/** The decision as the run's history records it, read here on its own: the first upsert of a deciding phase. */
async function decisionInHistory(runId: string): Promise<number> {
  const history = await rig.e2e.client.workflow.getHandle(deployWorkflowId(service, environment), runId).fetchHistory();
  for (const event of history.events ?? []) {
    const payload = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.SluicePhase;
    if (!payload) continue;
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    const phase = Array.isArray(value) ? value[0] : value;
    if (DECIDED_PHASES.includes(String(phase))) return optionalTsToMs(event.eventTime)!;
  }
  throw new Error(`no decision in the history of run ${runId}`);
}

async function report(runId: string, name: string, extra: string[] = []): Promise<string> {
  const out = join(outDir, `${name}.html`);
  const r = await runCli(['report', service, environment, '--run', runId, '--out', out, ...extra]);
  assert.equal(r.code, 0, describeResult(r));
  return out;
}

/**
 * Runs in the page (a string: this build has no DOM types): each chart's data attributes, its
 * notice, and how many pixels along the decision's x position have the decision's colour.
 */
const PROBE = `Array.from(document.querySelectorAll('[data-chart],[data-timeline]')).map((el) => {
  const d = el.dataset;
  const fig = el.closest('figure');
  const out = { id: d.chart || 'timeline', points: Number(d.points), notice: fig && fig.querySelector('[data-notice]') ? fig.querySelector('[data-notice]').textContent : null };
  if (d.decisionAt && d.decisionColor) {
    out.decisionAt = Number(d.decisionAt);
    const ctx = el.querySelector('canvas').getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    const x = Math.round((Number(d.plotLeft) + Number(d.decisionX)) * dpr);
    const want = [1, 3, 5].map((i) => parseInt(d.decisionColor.slice(i, i + 2), 16));
    let hits = 0;
    const samples = 20;
    for (let i = 0; i < samples; i++) {
      const y = Math.round((Number(d.plotTop) + (Number(d.plotHeight) * (i + 0.5)) / samples) * dpr);
      // The line is 3 px wide: any of the pixels around x.
      const near = [-1, 0, 1].map((dx) => Array.from(ctx.getImageData(x + dx, y, 1, 1).data));
      if (near.some((px) => px.slice(0, 3).every((c, k) => Math.abs(c - want[k]) < 40))) hits++;
    }
    out.decisionPixels = hits / samples;
  }
  return out;
})`;

interface Drawn {
  id: string;
  points: number;
  decisionAt?: number;
  /** Share of sampled pixels along the decision's x that have the decision's colour. */
  decisionPixels?: number;
  notice: string | null;
}

/** Opens a report from file://, checks that nothing but the file itself was requested, and describes every chart. */
async function open(file: string, screenshot: string): Promise<{ page: Page; charts: Drawn[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  await page.waitForSelector('body[data-rendered=true]', { timeout: 30_000 });
  assert.deepEqual(errors, [], 'the page script ran without errors');
  assert.deepEqual(requests, [url], 'no request leaves the page');
  const charts = (await page.evaluate(PROBE)) as Drawn[];
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, screenshot), fullPage: true });
  return { page, charts };
}

interface ChartData {
  id: string;
  source: string;
  notice?: string;
  series: { role: string; points: unknown[] }[];
}

/** The metric charts as the page holds them, by series role: which numbers came from Prometheus and which from history. */
async function chartData(page: Page): Promise<ChartData[]> {
  const json = (await page.evaluate('JSON.stringify(window.SLUICE_REPORT.analyses.flatMap((a) => a.metrics.flatMap((m) => m.charts)))')) as string;
  return JSON.parse(json) as ChartData[];
}

const pointsOf = (c: ChartData, roles: string[]) => c.series.filter((s) => roles.includes(s.role)).reduce((n, s) => n + s.points.length, 0);

function assertDecisionDrawn(charts: Drawn[], decidedAt: number): void {
  for (const c of charts.filter((c) => !c.id.startsWith('record-'))) {
    assert.equal(c.decisionAt, decidedAt, `${c.id}: the decision marker is at the history's decision time`);
    assert.ok((c.decisionPixels ?? 0) >= 0.6, `${c.id}: the decision line is drawn at its x (${c.decisionPixels} of the samples)`);
  }
}

/** Reports a run and opens it (screenshot `report-<name>.png`): every chart has data points, the decision is drawn where history has it. */
async function openReported(runId: string, name: string): Promise<{ page: Page; charts: Drawn[] }> {
  const decidedAt = await decisionInHistory(runId);
  const opened = await open(await report(runId, name), `report-${name}.png`);
  for (const c of opened.charts) assert.ok(c.points > 0, `${c.id} has data points`);
  assertDecisionDrawn(opened.charts, decidedAt);
  return opened;
}

describe('sluice report: releases as self-contained HTML pages', () => {
  before(async () => {
    rig = await analysedService({
      prefix: 'rep',
      service,
      environment,
      analysis: withKayenta(errorsAndSequential({ intervalMs: 1000, count: 4, initialDelay: '4s', maxDurationMs: 20_000 })),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await rig?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  let thresholdRollbackRun = '';

  test('a promoted release: timeline, threshold charts with data, the promotion marked where history has it', { timeout: 180_000 }, async () => {
    const handle = await start(V2, analysed('errors'));
    const res = await settleDeployment(handle.result());
    assert.equal(res.outcome, 'promoted', res.message);
    const decidedAt = await decisionInHistory(handle.firstExecutionRunId);
    const { page, charts } = await open(await report(handle.firstExecutionRunId, 'promoted', ['--since', '1d']), 'report-promoted.png');
    assert.equal(await page.getAttribute('[data-outcome]', 'data-outcome'), 'promoted');
    const metrics = charts.filter((c) => !c.id.startsWith('record-') && c.id !== 'timeline');
    assert.equal(metrics.length, 2, 'one chart per threshold metric (error rate, p99 latency)');
    for (const c of charts.filter((c) => c.id !== 'record-drills')) assert.ok(c.points > 0, `${c.id} has data points`);
    for (const c of metrics) assert.equal(c.notice, null, `${c.id}: Prometheus still has the data`);
    for (const c of await chartData(page)) {
      assert.ok(pointsOf(c, ['canary']) > 0, `${c.id}: the canary's values from Prometheus`);
      assert.ok(pointsOf(c, ['measurement']) > 0, `${c.id}: the judge's measurements from history`);
    }
    assertDecisionDrawn(charts, decidedAt);
    assert.match(await page.innerText('.record'), /Delivery record/);
    await page.close();
  });

  test('a release rolled back by its threshold template', { timeout: 180_000 }, async () => {
    const handle = await start(V3, analysed('errors'));
    const res = await settleDeployment(handle.result());
    assert.equal(res.outcome, 'rolled-back', res.message);
    assert.equal(res.reason, Reason.AnalysisFailed);
    thresholdRollbackRun = handle.firstExecutionRunId;
    const { page } = await openReported(thresholdRollbackRun, 'threshold-rollback');
    assert.equal(await page.getAttribute('[data-outcome]', 'data-outcome'), 'rolled-back');
    assert.match(await page.innerText('.analysis'), /Failed → rollback/);
    assert.match(await page.innerText('.analysis'), /errors\s+threshold\s+Failed/, 'the threshold template of this run');
    for (const c of await chartData(page)) assert.ok(pointsOf(c, ['canary']) > 0 && pointsOf(c, ['measurement']) > 0, `${c.id}: Prometheus values and measurements`);
    await page.close();
  });

  test('a release rolled back by the sequential judge: the evidence trail crosses 1/α', { timeout: 180_000 }, async () => {
    const handle = await start(V3, analysed('sequential'));
    const res = await settleDeployment(handle.result());
    assert.equal(res.outcome, 'rolled-back', res.message);
    const { page } = await openReported(handle.firstExecutionRunId, 'sequential-rollback');
    for (const c of await chartData(page)) {
      if (c.source === 'prometheus') assert.ok(pointsOf(c, ['canary']) > 0 && pointsOf(c, ['baseline']) > 0, `${c.id}: canary and baseline from Prometheus`);
      else assert.ok(pointsOf(c, ['evidence']) > 0, `${c.id}: one e-value per look`);
    }
    const evidence = await page.innerText('.analysis');
    assert.match(evidence, /e-value per look against 1\/α = 20/);
    const data = JSON.parse((await page.evaluate('JSON.stringify(window.SLUICE_REPORT)')) as string) as { analyses: { metrics: { charts: { crossedAt?: number }[] }[] }[] };
    assert.ok(
      data.analyses[0]!.metrics.some((m) => m.charts.some((c) => c.crossedAt !== undefined)),
      'the look where the e-value crossed 1/α is marked',
    );
    await page.close();
  });

  test('a release judged by Mann-Whitney: canary against baseline per metric, with its classification', { timeout: 180_000 }, async () => {
    const handle = await start(V3, analysed('kayenta'));
    const res = await settleDeployment(handle.result());
    assert.notEqual(res.outcome, 'failed', res.message);
    const { page } = await openReported(handle.firstExecutionRunId, 'mann-whitney');
    const data = await chartData(page);
    assert.equal(data.length, 3, 'one chart per metric: error rate, mean and p99 latency');
    for (const c of data) assert.ok(pointsOf(c, ['canary']) > 0 && pointsOf(c, ['baseline']) > 0, `${c.id}: canary and baseline from Prometheus`);
    const text = await page.innerText('.analysis');
    assert.match(text, /kayenta\s+mann-whitney\s+\w+\s+\d+(\.\d)?/, 'the template with its Kayenta score');
    assert.match(text, /(Pass|High|Low|NoData): /, "each metric's classification in the judge's words");
    await page.close();
  });

  test('an aborted release, served live by status --web while it waits, then reported from file', { timeout: 180_000 }, async () => {
    const handle = await start(V4, [{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }, { kind: 'setWeight', weight: 100 }]);
    await eventually('the release waits at its pause', async () => ((await handle.query(statusQuery)).awaitingApproval ? true : undefined), 120_000);
    const served = async (command: 'status' | 'report') => {
      const child = startCli([command, service, environment, '--web', '--refresh', '1']);
      await waitForOutput(child, /serving the report .* at (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000);
      return { child, url: /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(child.output().stdout)![1]! };
    };
    const viaReport = await served('report');
    try {
      const page = await fetch(viaReport.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /SLUICE_REPORT/, 'report --web serves the same page');
    } finally {
      viaReport.child.kill('SIGINT');
      await viaReport.child.done;
    }
    const { child: web, url } = await served('status');
    try {
      const refused = await fetch(url, { method: 'POST' });
      assert.equal(refused.status, 405, 'the live page is read-only');
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      await page.goto(url);
      await page.waitForSelector('body[data-rendered=true]');
      assert.equal(await page.getAttribute('body', 'data-execution'), 'RUNNING');
      assert.match(await page.innerText('[data-outcome]'), /running \(awaiting-approval\)/);
      await handle.signal(abortSignal, 'report test abort', 'report-test');
      // The page reloads itself every second while the run is open: it shows the end without being told.
      await page.waitForSelector('body[data-execution=COMPLETED]', { timeout: 60_000 });
      await page.waitForSelector('body[data-rendered=true]');
      assert.equal(await page.getAttribute('[data-outcome]', 'data-outcome'), 'aborted');
      await page.screenshot({ path: join(artifacts, 'report-live-aborted.png'), fullPage: true });
      await page.close();
    } finally {
      web.kill('SIGINT');
      await web.done;
    }
    const res = await settleDeployment(handle.result());
    assert.equal(res.outcome, 'aborted', res.message);
    const decidedAt = await decisionInHistory(handle.firstExecutionRunId);
    const { page, charts } = await open(await report(handle.firstExecutionRunId, 'aborted'), 'report-aborted.png');
    assert.equal(charts.length, 1, 'no analysis ran: the timeline only');
    assert.ok(charts[0]!.points > 0);
    assertDecisionDrawn(charts, decidedAt);
    const timeline = JSON.parse((await page.evaluate('JSON.stringify(window.SLUICE_REPORT.timeline)')) as string) as { interventions: { kind: string; detail: string }[] };
    assert.ok(
      timeline.interventions.some((i) => i.kind === 'abort' && /report test abort/.test(i.detail)),
      'the abort signal is on the timeline',
    );
    await page.close();
  });

  test('a rollback-restore drill: back to the retained version and forth, as bands, the decision and the time to restore against the budget', { timeout: 180_000 }, async () => {
    const started = await startDrill(rig.e2e.client, rig.e2e.taskQueue, rig.spec(V2, [{ kind: 'setWeight', weight: 100 }]), 'rollback-restore', { by: 'report test', wait: true });
    const drill = started.result!;
    assert.equal(drill.outcome, 'passed', drill.message);
    const firstRollbackAt = await eventInHistory(
      drillWorkflowId(service, environment),
      started.runId,
      (e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'rollbackWorkflow',
    );

    const out = join(outDir, 'drill.html');
    const r = await runCli(['report', service, environment, '--drill', '--out', out]);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /rollback-restore drill .* → .* and back, passed/);
    const { page, charts } = await open(out, 'report-drill-rollback-restore.png');
    assert.equal(charts.length, 1, 'the timeline');
    assert.ok(charts[0]!.points >= 3, "the older version's share: 0, 100 after the rollback, 0 after the return");
    assertDecisionDrawn(charts, firstRollbackAt);
    assert.equal(await page.getAttribute('[data-outcome]', 'data-outcome'), 'passed');
    const header = await page.innerText('header');
    assert.ok(header.includes(`${drill.live?.version} → `), header);
    assert.match(header, /time to restore\s+[\d.]+ (ms|s)[\s\S]*within the 5 min 0 s budget/);
    const bands = JSON.parse((await page.evaluate('JSON.stringify(window.SLUICE_REPORT.timeline.phases.map((p) => p.phase))')) as string) as string[];
    assert.deepEqual(
      bands.map((b) => b.replace(/ to .*/, '')),
      ['rolling back', 'health check', 'returning', 'health check'],
    );
    await page.close();
  });

  test('metrics Prometheus no longer holds: each chart says so and shows what history holds', { timeout: 120_000 }, async () => {
    assert.ok(thresholdRollbackRun, 'the threshold rollback ran');
    const empty = await startEmptyPrometheus();
    try {
      const file = await report(thresholdRollbackRun, 'metrics-gone', ['--prometheus', empty.url]);
      const { page, charts } = await open(file, 'report-metrics-gone.png');
      const metrics = charts.filter((c) => c.id !== 'timeline');
      assert.ok(metrics.length > 0);
      for (const c of metrics) assert.match(c.notice ?? '', /no samples of this metric/, `${c.id} carries the notice`);
      for (const c of await chartData(page)) {
        assert.equal(pointsOf(c, ['canary', 'baseline']), 0, `${c.id}: nothing from the empty Prometheus`);
        assert.ok(pointsOf(c, ['measurement']) > 0, `${c.id}: still the measurements history holds`);
      }
      assert.match(await page.innerText('.analysis'), /errors\s+threshold\s+Failed/);
      await page.close();
    } finally {
      await empty.stop();
    }
  });
});

/**
 * A real Prometheus with fresh, empty storage and nothing to scrape, on a free loopback port: it
 * answers range queries exactly as one past its retention does (an empty matrix).
 */
async function startEmptyPrometheus(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-empty-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global: { scrape_interval: 1m }\nscrape_configs: []\n');
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await eventually('the empty Prometheus is ready', async () => ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ? true : undefined), 60_000);
  return {
    url,
    stop: async () => {
      await killHard(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
