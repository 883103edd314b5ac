/**
 * analysisWorkflow with threshold (Argo-style) templates, end to end: the real Temporal dev
 * server (in-process worker, unique task queue), the real Prometheus scraping real
 * example-service instances with injected faults, load from the workflow's own load generator.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { after, before, test } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import { prometheusUrl } from '../../src/dev/config';
import { defaultThresholdTemplate, ERROR_RATE_QUERY } from '../../src/activities/metrics/templates';
import type { AnalysisTemplateInput } from '../../src/activities/metrics/templates';
import type { analysisWorkflow } from '../../src/workflows/analysis';
import type { AnalysisResult, AnalysisStatus, AnalysisWorkflowInput } from '../../src/workflows/analysis-types';
import { eventually, freePort, stack, temporalClient, uniqueName } from '../helpers/stack';
import { Fleet, startWorker, type TestWorker } from './support';

const INTERVAL_MS = 1000;
let client: Client;
let connection: Connection;
let worker: TestWorker;
const fleets: Fleet[] = [];
const closers: (() => Promise<void>)[] = [];

before(async () => {
  ({ client, connection } = await temporalClient());
  worker = await startWorker();
});
after(async () => {
  for (const close of closers.reverse()) await close();
  await worker.close();
  await connection.close();
  for (const f of fleets) await f.close();
});

async function canary(opts: { errorRate?: number; latencyMs?: number } = {}): Promise<Fleet> {
  const fleet = new Fleet();
  fleets.push(fleet);
  await fleet.start({ role: 'canary', version: '2.0.0', ...opts });
  await fleet.scraped();
  return fleet;
}

function input(fleet: Fleet, templates: AnalysisTemplateInput[], withLoad = true): AnalysisWorkflowInput {
  const url = fleet.instances[0]!.url;
  return {
    templates,
    context: { service: fleet.service, environment: fleet.environment, window: '4s' },
    ...(withLoad ? { load: { targets: [`${url}/`], ratePerSecond: 40 } } : {}),
  };
}

function analyse(args: AnalysisWorkflowInput, taskQueue = worker.taskQueue): Promise<AnalysisResult> {
  return client.workflow.execute<typeof analysisWorkflow>('analysisWorkflow', { taskQueue, workflowId: uniqueName('analysis'), args: [args], workflowExecutionTimeout: '3m' });
}

const template = (policy: 'pause' | 'rollback' | 'pass' = 'pause', count = 3) =>
  defaultThresholdTemplate({ interval: '1s', count, initialDelay: '4s', inconclusivePolicy: policy });

const metric = (r: AnalysisResult, name: string) => r.templates.flatMap((t) => t.metrics).find((m) => m.name === name)!;

test('a good canary passes: every measurement recorded as its own activity, load reported', async () => {
  const fleet = await canary();
  const workflowId = uniqueName('analysis-good');
  const handle = await client.workflow.start<typeof analysisWorkflow>('analysisWorkflow', { taskQueue: worker.taskQueue, workflowId, args: [input(fleet, [template()])] });
  const result = await handle.result();
  assert.equal(result.phase, 'Successful', JSON.stringify(result, null, 1));
  assert.equal(result.decision, 'promote');
  for (const name of ['error-rate', 'latency-p99']) {
    const m = metric(result, name);
    assert.equal(m.phase, 'Successful');
    assert.equal(m.measurements.length, 3);
    assert.ok(
      m.measurements.every((row) => row.outcome === 'pass' && typeof row.value === 'number'),
      JSON.stringify(m),
    );
  }
  assert.equal(metric(result, 'error-rate').measurements[0]!.value, 0);
  assert.ok(result.load && result.load.status !== 'failed' && (result.load.status === 'cancelled' || (result.load.byStatus?.['200'] ?? 0) > 0));

  const history = await handle.fetchHistory();
  const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
  assert.equal(scheduled.filter((n) => n === 'measure').length, 6, 'one activity per measurement');
  assert.equal(scheduled.filter((n) => n === 'judgeThresholdLook').length, 3);
  assert.ok(
    (history.events ?? []).some((e) => e.timerStartedEventAttributes),
    'waits are workflow timers',
  );
  const status = await handle.query<{ phase: string; templates: unknown[] }>('analysisStatus');
  assert.equal(status.phase, 'Successful');
});

test('15% errors fail within two intervals of the first canary measurement', async (t) => {
  const fleet = await canary({ errorRate: 0.15 });
  const result = await analyse(input(fleet, [template('pause', 10)]));
  assert.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
  assert.equal(result.decision, 'rollback');
  const errors = metric(result, 'error-rate');
  assert.equal(errors.phase, 'Failed');
  const failedAt = errors.measurements.findIndex((row) => row.outcome === 'fail');
  assert.ok(failedAt >= 0 && failedAt <= 1, `failed at measurement ${failedAt + 1}: ${JSON.stringify(errors.measurements)}`);
  assert.ok((errors.measurements[failedAt]!.value as number) > 0.05);
  const detectMs = Date.parse(result.decidedAt!) - Date.parse(result.firstMeasurementAt!);
  t.diagnostic(`decided ${detectMs} ms after the first measurement (measurement ${failedAt + 1}, error rate ${errors.measurements[failedAt]!.value})`);
  assert.ok(detectMs <= 2 * INTERVAL_MS, `decided ${detectMs} ms after the first measurement`);
  assert.ok(errors.measurements.length < 10, 'stopped at once: the remaining measurements were not taken');
});

test('+200 ms latency fails on the latency metric only', async () => {
  const fleet = await canary({ latencyMs: 200 });
  const result = await analyse(input(fleet, [template('pause', 10)]));
  assert.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
  assert.equal(result.decision, 'rollback');
  const latency = metric(result, 'latency-p99');
  assert.equal(latency.phase, 'Failed');
  assert.ok(latency.measurements.some((row) => row.outcome === 'fail' && (row.value as number) >= 0.2));
  const errors = metric(result, 'error-rate');
  assert.notEqual(errors.phase, 'Failed');
  assert.ok(
    errors.measurements.every((row) => row.outcome === 'pass'),
    JSON.stringify(errors),
  );
  assert.match(result.reason, /latency-p99/);
});

/** A loopback TCP relay to Prometheus that the test can cut, as if Prometheus stopped. */
async function relayToPrometheus(): Promise<{ url: string; cut(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(stack.prometheus.port, stack.prometheus.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  let open = true;
  const cut = () => {
    if (!open) return;
    open = false;
    server.close();
    for (const s of sockets) s.destroy();
  };
  closers.push(async () => cut());
  return { url: `http://127.0.0.1:${port}`, cut };
}

test('Prometheus gone mid-analysis: errors, never Successful, the inconclusive policy decides', async () => {
  const fleet = await canary();
  const relay = await relayToPrometheus();
  const cutWorker = await startWorker({ prometheusUrl: relay.url, timeoutMs: 1000 });
  closers.push(() => cutWorker.close());
  const templates = (policy: 'rollback' | 'pass') => [
    { ...defaultThresholdTemplate({ interval: '1s', count: 6, initialDelay: '4s', consecutiveErrorLimit: 2, inconclusivePolicy: policy }), name: `relay-${policy}` },
  ];
  const start = (policy: 'rollback' | 'pass') =>
    client.workflow.start<typeof analysisWorkflow>('analysisWorkflow', {
      taskQueue: cutWorker.taskQueue,
      workflowId: uniqueName('analysis'),
      args: [input(fleet, templates(policy))],
      workflowExecutionTimeout: '3m',
    });
  const handles = [await start('rollback'), await start('pass')];
  // Cut Prometheus off once each run has a measurement that passed (after the 4 s initial delay),
  // with five of its six still to take.
  await eventually(
    'a passing measurement in each run',
    async () => {
      const statuses = await Promise.all(handles.map((h) => h.query<AnalysisStatus>('analysisStatus')));
      return statuses.every((st) => st.templates.some((t) => t.metrics.some((m) => m.measurements.some((row) => row.outcome === 'pass')))) ? true : undefined;
    },
    60000,
    100,
  );
  relay.cut();
  const [rollback, pass] = handles.map((h) => h.result());
  const [r1, r2] = await Promise.all([rollback, pass]);
  for (const r of [r1, r2]) {
    assert.equal(r.phase, 'Error', JSON.stringify(r, null, 1));
    const rows = r.templates[0]!.metrics.flatMap((m) => m.measurements);
    assert.ok(
      rows.some((row) => row.outcome === 'pass'),
      'measured while Prometheus was there',
    );
    assert.ok(
      rows.some((row) => row.outcome === 'error' && /ECONNREFUSED|fetch failed|timed out|socket/.test(row.reason)),
      JSON.stringify(rows),
    );
  }
  assert.equal(r1.decision, 'rollback', 'policy rollback');
  assert.equal(r2.decision, 'pause', 'policy pass never promotes an analysis that could not measure');
});

test('Prometheus unreachable from the start: every measurement errors, the run cannot be Successful', async () => {
  const fleet = await canary();
  const down = await startWorker({ prometheusUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1000 });
  closers.push(() => down.close());
  const t = defaultThresholdTemplate({ interval: '1s', count: 2, consecutiveErrorLimit: 1, inconclusivePolicy: 'pass' });
  const result = await analyse(input(fleet, [t], false), down.taskQueue);
  assert.equal(result.phase, 'Error');
  assert.equal(result.decision, 'pause');
  const rows = result.templates[0]!.metrics.flatMap((m) => m.measurements);
  assert.ok(rows.length >= 2 && rows.every((row) => row.outcome === 'error'), JSON.stringify(rows));
});

test('an empty Prometheus result is a no-data measurement: inconclusive, then the policy', async () => {
  const fleet = await canary();
  const absent = {
    name: 'absent',
    inconclusivePolicy: 'rollback' as const,
    judge: {
      kind: 'threshold' as const,
      metrics: [
        {
          name: 'error-rate',
          provider: { kind: 'prometheus' as const, query: ERROR_RATE_QUERY.replaceAll('{{service}}', `${fleet.service}-nobody`) },
          interval: '1s',
          count: 2,
          successCondition: 'result <= 0.05',
        },
      ],
    },
  };
  const result = await analyse(input(fleet, [absent], false));
  assert.equal(result.phase, 'Inconclusive', JSON.stringify(result, null, 1));
  assert.equal(result.decision, 'rollback');
  const row = metric(result, 'error-rate').measurements[0]!;
  assert.equal(row.outcome, 'inconclusive');
  assert.match(row.reason, /no data: empty result/);
});

test('a load target off loopback is refused: the analysis ends in Error without sending a request', async () => {
  const fleet = await canary();
  const args = { ...input(fleet, [template('pause', 5)]), load: { targets: ['http://10.0.0.1/'], ratePerSecond: 10 } };
  const result = await analyse(args);
  assert.equal(result.phase, 'Error');
  assert.equal(result.load?.status, 'failed');
  assert.match(result.reason, /not on loopback/);
});

test('invalid templates are refused up front with the field and the reason', async () => {
  const fleet = await canary();
  const bad = {
    name: 'bad',
    judge: { kind: 'threshold', metrics: [{ name: 'x', provider: { kind: 'prometheus', query: 'vector(1)' }, count: 1, successCondition: 'result <<< 1' }] },
  };
  const result = await analyse(input(fleet, [bad as unknown as AnalysisTemplateInput], false));
  assert.equal(result.phase, 'Error');
  assert.equal(result.decision, 'rollback');
  assert.match(result.reason, /successCondition/);
  void prometheusUrl;
});
