/**
 * analysisWorkflow with the baseline-vs-canary judges, end to end on the real stack: a baseline
 * (the current version started fresh) and a canary of the example service side by side, both
 * registered with Prometheus by role, equal load from the workflow's load generator.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import { defaultKayentaTemplate, defaultSequentialTemplate } from '../../src/activities/metrics/templates';
import type { AnalysisTemplateInput } from '../../src/activities/metrics/templates';
import type { analysisWorkflow } from '../../src/workflows/analysis';
import type { AnalysisResult, AnalysisWorkflowInput } from '../../src/workflows/analysis-types';
import { temporalClient, uniqueName } from '../helpers/stack';
import { Fleet, startWorker, type TestWorker } from './support';

let client: Client;
let connection: Connection;
let worker: TestWorker;
const fleets: Fleet[] = [];

before(async () => {
  ({ client, connection } = await temporalClient());
  worker = await startWorker();
});
after(async () => {
  await worker.close();
  await connection.close();
  for (const f of fleets) await f.close();
});

async function pair(canary: { errorRate?: number; latencyMs?: number }): Promise<Fleet> {
  const fleet = new Fleet();
  fleets.push(fleet);
  await fleet.start({ role: 'baseline', version: '1.0.0' });
  await fleet.start({ role: 'canary', version: '2.0.0', ...canary });
  await fleet.scraped();
  return fleet;
}

function input(fleet: Fleet, templates: AnalysisTemplateInput[], environment = fleet.environment): AnalysisWorkflowInput {
  return {
    templates,
    context: { service: fleet.service, environment, window: '3s' },
    load: { targets: fleet.instances.map((i) => `${i.url}/`), ratePerSecond: 60 },
  };
}

function analyse(args: AnalysisWorkflowInput): Promise<AnalysisResult> {
  return client.workflow.execute<typeof analysisWorkflow>('analysisWorkflow', {
    taskQueue: worker.taskQueue,
    workflowId: uniqueName('analysis'),
    args: [args],
    workflowExecutionTimeout: '3m',
  });
}

const metric = (r: AnalysisResult, name: string) => r.templates.flatMap((t) => t.metrics).find((m) => m.name === name)!;

test('Kayenta judge: a canary with +200 ms latency scores below marginal against a fresh baseline and is rolled back', async (t) => {
  const fleet = await pair({ latencyMs: 200 });
  const result = await analyse(input(fleet, [defaultKayentaTemplate({ interval: '1s', window: '15s', minSamples: 8 })]));
  assert.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
  assert.equal(result.decision, 'rollback');
  const template = result.templates[0]!;
  assert.ok(template.score !== undefined && template.score < 75, `score ${template.score}`);
  t.diagnostic(`score ${template.score}: ${template.reason}`);
  for (const name of ['latency-mean', 'latency-p99']) {
    const m = metric(result, name);
    assert.equal(m.phase, 'Failed', JSON.stringify(m));
    const row = m.measurements[0]!;
    assert.equal(row.outcome, 'fail');
    assert.match(row.reason, /^High/);
    assert.ok(row.canary!.length >= 8 && row.baseline!.length >= 8);
  }
  assert.equal(metric(result, 'error-rate').phase, 'Successful');
});

test('Kayenta judge without data (nothing registered for the environment) is inconclusive, never a pass', async () => {
  const fleet = fleets[0] ?? (await pair({}));
  const template = defaultKayentaTemplate({ interval: '1s', window: '3s', minSamples: 3, inconclusivePolicy: 'pause' });
  const result = await analyse({ ...input(fleet, [template], 'nowhere'), load: undefined });
  assert.equal(result.phase, 'Inconclusive', JSON.stringify(result, null, 1));
  assert.equal(result.decision, 'pause');
  assert.ok(result.templates[0]!.metrics.every((m) => m.measurements[0]!.outcome === 'inconclusive'));
});

test('sequential judge: 15% errors against the baseline are caught at an early look, with the evidence recorded', async (t) => {
  const fleet = await pair({ errorRate: 0.15 });
  const maxDurationMs = 40_000;
  const t0 = Date.now();
  const result = await analyse(input(fleet, [defaultSequentialTemplate({ interval: '1s', maxDuration: '40s', minRequests: 50 })]));
  assert.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
  assert.equal(result.decision, 'rollback');
  assert.ok(Date.now() - t0 < maxDurationMs / 2, `decided after ${Date.now() - t0} ms`);
  const errors = metric(result, 'errors');
  assert.equal(errors.phase, 'Failed');
  const decisive = errors.measurements.at(-1)!;
  assert.equal(decisive.outcome, 'fail');
  t.diagnostic(`rejected at look ${decisive.evidence?.look} (${decisive.evidence?.elapsedMs} ms): ${decisive.reason}`);
  assert.ok(decisive.evidence && decisive.evidence.pValue <= 0.025 && decisive.evidence.canaryWorse, JSON.stringify(decisive));
  // The curve of evidence: one look per interval, p-values never increasing.
  const p = errors.measurements.filter((r) => r.evidence).map((r) => r.evidence!.pValue);
  assert.ok(p.length >= 2);
  for (let i = 1; i < p.length; i++) assert.ok(p[i]! <= p[i - 1]!, `p-values ${p.join(', ')}`);
  assert.notEqual(metric(result, 'latency').phase, 'Failed');
});

test('sequential judge: a good canary against the baseline passes at max duration', async () => {
  const fleet = await pair({});
  const result = await analyse(input(fleet, [defaultSequentialTemplate({ interval: '1s', maxDuration: '8s', minRequests: 50 })]));
  assert.equal(
    result.phase,
    'Successful',
    JSON.stringify(
      result.templates[0]!.metrics.map((m) => [m.name, m.phase, m.reason]),
      null,
      1,
    ),
  );
  assert.equal(result.decision, 'promote');
  const looks = metric(result, 'errors').measurements;
  assert.ok(looks.length >= 6 && looks.every((r) => r.outcome === 'pass'), JSON.stringify(looks));
});
