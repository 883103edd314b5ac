/**
 * Release metrics end to end, on the real Temporal dev server and the real Prometheus, with
 * workers in their own processes (test/workflows/support/metrics-worker-process.ts: the
 * file-fake target, the production telemetry):
 * - a promoted, a rolled-back and an aborted release are counted exactly so on the worker's
 *   /metrics (counter and histograms), and an analysis run's measurements by metric and verdict;
 * - while a release waits for approval, the state gauges (from visibility) show its phase,
 *   strategy and weight, and they drop when it ends;
 * - Prometheus scrapes the worker (job sluice-worker) and gets both the release metrics and
 *   Temporal Core's temporal_* metrics;
 * - a worker SIGKILLed mid-release, replaced by a second one that replays the history and
 *   finishes: the release and its approval wait are counted once across both workers.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import type { deployWorkflow } from '../../src/workflows';
import type { analysisWorkflow } from '../../src/workflows/analysis';
import type { AnalysisWorkflowInput } from '../../src/workflows/analysis-types';
import { abortSignal, approveSignal, statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode } from '../helpers/child';
import { promQuery, samples, scrape, type Sample } from '../helpers/exposition';
import { eventually, temporalClient, uniqueName } from '../helpers/stack';
import { writeState } from './support/file-target';
import { release, spec } from './support/harness';
import { startHealthServer } from './support/health-server';

interface MetricsWorker {
  child: ChildProcess;
  metrics: string;
  address: string;
  registration: string;
}

let client: Client;
let connection: Connection;
let health: Awaited<ReturnType<typeof startHealthServer>>;
let dir: string;
const workers: MetricsWorker[] = [];

before(async () => {
  ({ client, connection } = await temporalClient());
  health = await startHealthServer();
  dir = mkdtempSync(join(tmpdir(), 'sluice-release-metrics-'));
});
after(async () => {
  for (const w of workers) {
    await killHard(w.child);
    // A killed worker keeps its file-SD entry on purpose (SluiceWorkerDown); a test's must not outlive it.
    rmSync(w.registration, { force: true });
  }
  await connection?.close();
  await health?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startMetricsWorker(taskQueue: string): Promise<MetricsWorker> {
  const child = spawnNode(require.resolve('./support/metrics-worker-process'), [taskQueue, dir, health.base]);
  const ready = await new Promise<{ metrics: string; address: string; registration: string }>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`worker not ready within 120 s: ${err}`)), 120000);
    child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { metrics: string; address: string; registration: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${err}`));
    });
  });
  const w = { child, ...ready };
  workers.push(w);
  return w;
}

function seed(service: string): void {
  writeState(dir, service, 'test', { stable: release(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
}

function start(taskQueue: string, s: ReturnType<typeof spec>): Promise<WorkflowHandle<typeof deployWorkflow>> {
  return client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(s.service, s.environment), args: [s] });
}

async function phaseIs(handle: WorkflowHandle<typeof deployWorkflow>, phase: string, timeoutMs = 60000): Promise<void> {
  await eventually(`phase ${phase}`, async () => ((await handle.query(statusQuery)).phase === phase ? true : undefined), timeoutMs, 100);
}

const gated: ReleaseSpecInput['strategy'] = { kind: 'canary', steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }] };

/** The total of the series matching `labels` (0 when none): a release's series start at 0, one per outcome. */
function value(page: Sample[], name: string, labels: Record<string, string>): number {
  return samples(page, name, labels).reduce((sum, s) => sum + s.value, 0);
}

test(
  'promoted, rolled-back and aborted releases, an approval wait and analysis measurements are counted exactly; the state gauges follow a running release; Prometheus scrapes it all',
  { timeout: 300000 },
  async () => {
    const taskQueue = uniqueName('relmetrics');
    const w = await startMetricsWorker(taskQueue);
    const promoted = uniqueName('rm-ok').slice(0, 50);
    const rolledBack = uniqueName('rm-bad').slice(0, 50);
    const aborted = uniqueName('rm-abort').slice(0, 50);
    for (const s of [promoted, rolledBack, aborted]) seed(s);

    const ok = await start(taskQueue, spec(promoted, '2.0.0+bbbbbbb', { strategy: gated }));
    const ab = await start(taskQueue, spec(aborted, '2.0.0+bbbbbbb', { strategy: gated }));
    // "bad" in the image tag: the health server answers 503, so the health window rolls it back.
    const bad = await start(taskQueue, spec(rolledBack, '2.0.0-bad+ccccccc', { healthCheck: { interval: '200ms', window: '2s', failureThreshold: 2, timeout: '1s' } }));

    // While waiting for approval: the gauges, read from visibility, show the release's state.
    await phaseIs(ok, 'awaiting-approval');
    await phaseIs(ab, 'awaiting-approval');
    const waiting = await eventually(
      'the state gauges of the waiting release',
      async () => {
        const page = await scrape(w.metrics);
        return value(page, 'sluice_release_info', { service: promoted, environment: 'test', version: '2.0.0+bbbbbbb', strategy: 'canary', phase: 'awaiting-approval' }) === 1
          ? page
          : undefined;
      },
      30000,
      200,
    );
    assert.equal(value(waiting, 'sluice_canary_weight', { service: promoted, environment: 'test', version: '2.0.0+bbbbbbb' }), 20);
    assert.equal(samples(waiting, 'sluice_release_info', { service: promoted }).length, 1, 'one info series per running release');
    assert.equal(value(waiting, 'sluice_releases_total', { service: promoted }), 0, 'nothing counted before the end');
    // ...but the series exist from the start, so the first count is an increase Prometheus sees.
    assert.equal(samples(waiting, 'sluice_releases_total', { service: promoted, outcome: 'rolled-back' }).length, 1, 'the rolled-back series starts at 0');
    assert.equal(samples(waiting, 'sluice_time_to_restore_seconds_count', { service: promoted }).length, 1, 'the time-to-restore histogram starts at 0');

    await ok.signal(approveSignal, 'tester');
    await ab.signal(abortSignal, 'test: abort while awaiting approval', 'tester');
    const results = await Promise.all([ok, ab, bad].map((h) => settleDeployment(h.result())));
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['promoted', 'aborted', 'rolled-back'],
      JSON.stringify(results.map((r) => r.message)),
    );

    // An analysis run on the same worker: real Prometheus queries, one metric passing, one failing.
    const analysisInput: AnalysisWorkflowInput = {
      templates: [
        {
          name: 'constants',
          judge: {
            kind: 'threshold',
            metrics: [
              { name: 'zero', provider: { kind: 'prometheus', query: 'vector(0)' }, successCondition: 'result < 1', interval: '200ms', count: 3 },
              { name: 'one', provider: { kind: 'prometheus', query: 'vector(1)' }, successCondition: 'result < 1', interval: '200ms', count: 2, failureLimit: 5 },
            ],
          },
        },
      ],
      context: { service: promoted, environment: 'test' },
    };
    const analysis = await client.workflow.execute<typeof analysisWorkflow>('analysisWorkflow', {
      taskQueue,
      workflowId: uniqueName('rm-analysis'),
      args: [analysisInput],
      workflowExecutionTimeout: '2m',
    });
    const tables = analysis.templates.flatMap((t) => t.metrics);
    const expected = (metric: string, outcome: string) => tables.find((t) => t.name === metric)!.measurements.filter((m) => m.outcome === outcome).length;
    // Whatever the judge stopped at, the counters must hold the run's own table.
    assert.ok(expected('zero', 'pass') > 0 && expected('one', 'fail') > 0, JSON.stringify(tables));

    const page = await eventually(
      'the finished releases to leave the state gauges',
      async () => {
        const p = await scrape(w.metrics);
        return samples(p, 'sluice_release_info', { service: promoted }).length === 0 && samples(p, 'sluice_canary_weight', { service: promoted }).length === 0 ? p : undefined;
      },
      30000,
      200,
    );
    // Outcomes counted (the other outcomes' series are there at 0).
    const outcomes = (service: string) =>
      samples(page, 'sluice_releases_total', { service })
        .filter((s) => s.value > 0)
        .map((s) => [s.labels.outcome, s.value]);
    assert.deepEqual(outcomes(promoted), [['promoted', 1]]);
    assert.deepEqual(outcomes(rolledBack), [['rolled-back', 1]]);
    assert.deepEqual(outcomes(aborted), [['aborted', 1]]);
    for (const [service, outcome] of [
      [promoted, 'promoted'],
      [rolledBack, 'rolled-back'],
      [aborted, 'aborted'],
    ] as const) {
      assert.equal(value(page, 'sluice_release_duration_seconds_count', { service, environment: 'test', outcome }), 1, `${service} duration observed once`);
      assert.ok(value(page, 'sluice_release_duration_seconds_sum', { service, outcome }) > 0);
    }
    // Time to detect: only the release that a check stopped; time to restore: every stopped release.
    assert.equal(value(page, 'sluice_time_to_detect_seconds_count', { service: rolledBack }), 1);
    assert.equal(value(page, 'sluice_time_to_detect_seconds_sum', { service: rolledBack }), results[2]!.timeToDetectMs! / 1000);
    assert.equal(value(page, 'sluice_time_to_detect_seconds_count', { service: promoted }), 0);
    assert.equal(value(page, 'sluice_time_to_restore_seconds_count', { service: rolledBack }), 1);
    assert.equal(value(page, 'sluice_time_to_restore_seconds_sum', { service: rolledBack }), results[2]!.timeToRollbackMs! / 1000);
    assert.equal(value(page, 'sluice_time_to_restore_seconds_count', { service: aborted }), 1);
    assert.equal(value(page, 'sluice_time_to_restore_seconds_count', { service: promoted }), 0);
    // Approval waits: the approved one and the aborted one, once each.
    assert.equal(value(page, 'sluice_approval_wait_seconds_count', { service: promoted }), 1);
    assert.equal(value(page, 'sluice_approval_wait_seconds_count', { service: aborted }), 1);
    assert.equal(value(page, 'sluice_approval_wait_seconds_count', { service: rolledBack }), 0);
    const measured = (metric: string, phase: string) =>
      value(page, 'sluice_analysis_measurements_total', { service: promoted, environment: 'test', template: 'constants', metric, phase });
    assert.deepEqual(
      [measured('zero', 'Successful'), measured('one', 'Failed'), measured('zero', 'Failed'), measured('one', 'Successful')],
      [expected('zero', 'pass'), expected('one', 'fail'), 0, 0],
    );
    // Temporal Core's own metrics ride on the same page.
    assert.ok(samples(page, 'temporal_worker_task_slots_available', { task_queue: taskQueue, worker_type: 'WorkflowWorker' }).length === 1, 'Core task slots');
    assert.ok(samples(page, 'temporal_workflow_task_schedule_to_start_latency_bucket', { task_queue: taskQueue }).length > 0, 'Core schedule-to-start histogram');
    assert.ok(samples(page, 'temporal_activity_schedule_to_start_latency_bucket', { task_queue: taskQueue }).length > 0, 'Core activity schedule-to-start histogram');

    // Prometheus scrapes this worker in job sluice-worker: up, the release counter, a Core metric.
    assert.ok(existsSync(w.registration), 'the worker registered itself');
    await eventually(
      'Prometheus to scrape the worker',
      async () => {
        const up = await promQuery(`up{job="sluice-worker", instance="${w.address}"}`);
        const counted = await promQuery(`sluice_releases_total{job="sluice-worker", instance="${w.address}", service="${rolledBack}", outcome="rolled-back"}`);
        const core = await promQuery(`temporal_worker_task_slots_available{job="sluice-worker", instance="${w.address}", task_queue="${taskQueue}"}`);
        return up[0]?.value === 1 && counted[0]?.metric.outcome === 'rolled-back' && counted[0].value === 1 && core.length > 0 ? true : undefined;
      },
      30000,
      500,
    );

    // A clean stop unregisters the worker.
    const exited = new Promise<number | null>((resolve) => w.child.once('exit', (code) => resolve(code)));
    w.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(existsSync(w.registration), false, 'a drained worker removes its file-SD entry');
  },
);

test(
  'a worker SIGKILLed mid-release: the second worker replays and finishes it, and the release and its approval wait are counted once across both',
  { timeout: 300000 },
  async () => {
    const taskQueue = uniqueName('relmetrics-kill');
    const service = uniqueName('rm-kill').slice(0, 50);
    seed(service);
    const first = await startMetricsWorker(taskQueue);
    const handle = await start(
      taskQueue,
      spec(service, '2.0.0+bbbbbbb', {
        // Two approval gates: the first is approved on the first worker (its wait counted there);
        // the release then holds at the second, a state that does not end by itself, while the
        // second worker starts, so a slow start cannot race a timer.
        strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { analysis: { window: '2s' } }, { setWeight: 80 }] },
        healthCheck: { interval: '300ms', failureThreshold: 3, timeout: '1s' },
      }),
    );
    await phaseIs(handle, 'awaiting-approval');
    await handle.signal(approveSignal, 'tester');
    await eventually('the second gate', async () => {
      const status = await handle.query(statusQuery);
      return status.stepIndex === 3 && status.awaitingApproval ? true : undefined;
    });
    const before = await eventually(
      'the first worker to show the release at its second gate',
      async () => {
        const page = await scrape(first.metrics);
        return value(page, 'sluice_release_info', { service, phase: 'awaiting-approval' }) === 1 && value(page, 'sluice_canary_weight', { service }) === 50 ? page : undefined;
      },
      30000,
      200,
    );
    assert.equal(value(before, 'sluice_approval_wait_seconds_count', { service }), 1, 'the first worker counted the first approval wait');
    assert.equal(value(before, 'sluice_releases_total', { service }), 0, 'not counted before the end');

    const second = await startMetricsWorker(taskQueue);
    // Both workers export the same state: it comes from visibility, not from either worker's memory.
    await eventually(
      'the second worker to show the same state',
      async () =>
        value(await scrape(second.metrics), 'sluice_release_info', { service, phase: 'awaiting-approval', version: '2.0.0+bbbbbbb', strategy: 'canary' }) === 1 ? true : undefined,
      30000,
      200,
    );
    await killHard(first.child);
    await handle.signal(approveSignal, 'tester');

    const result = await settleDeployment(handle.result());
    assert.equal(result.outcome, 'promoted', result.message);
    const history = await handle.fetchHistory();
    const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
    assert.equal(identities[0], `metrics-worker-${first.child.pid}`);
    assert.equal(identities.at(-1), `metrics-worker-${second.child.pid}`, 'the second worker finished the release (after replaying it)');

    const page = await scrape(second.metrics);
    assert.deepEqual(
      samples(page, 'sluice_releases_total', { service })
        .filter((s) => s.value > 0)
        .map((s) => [s.labels.outcome, s.value]),
      [['promoted', 1]],
    );
    assert.equal(value(page, 'sluice_release_duration_seconds_count', { service, outcome: 'promoted' }), 1);
    assert.equal(value(page, 'sluice_approval_wait_seconds_count', { service }), 1, 'the second worker counted the second wait only: replaying the first did not count it again');
    // Across both: the first (now dead) counted one wait and no release; the second the other wait and the release.
    assert.equal(value(before, 'sluice_releases_total', { service }) + value(page, 'sluice_releases_total', { service }), 1);
    assert.equal(value(before, 'sluice_approval_wait_seconds_count', { service }) + value(page, 'sluice_approval_wait_seconds_count', { service }), 2);
  },
);
