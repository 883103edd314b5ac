/**
 * End to end with analysis: the release workflow registers the canary (and, for the sequential
 * judge, a fresh baseline of the stable) with the real Prometheus, drives loopback load at them,
 * and the analysisWorkflow child decides.
 * - Threshold template: a good release is promoted with its measurements in the status; a release
 *   with 15% injected errors is rolled back within two intervals of the first measurement.
 * - Sequential (anytime-valid) judge: the 15% release is rolled back before a fixed window of
 *   the same length would have closed; a good release passes at the maximum duration.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import { statusQuery } from '../../src/workflows/definitions';
import { uniqueName } from '../helpers/stack';
import { versionsThroughRouter as throughRouter } from './support/e2e';
import { ANALYSED_VERSIONS, analysedService, errorsAndSequential, type AnalysedService } from './support/process-release';

const { v2: V2, v3: V3, v4: V4 } = ANALYSED_VERSIONS;
/** The sequential judge's maximum duration: what a fixed-window judge would wait for. */
const SEQUENTIAL_WINDOW_MS = 20000;
const INTERVAL_MS = 1000;

let rig: AnalysedService;
const deploy = (version: string, steps: Parameters<AnalysedService['start']>[1]) => rig.start(version, steps);
const versionsThroughRouter = (n: number) => throughRouter(rig.listenPort, n);

before(async () => {
  rig = await analysedService({
    prefix: 'ana',
    service: uniqueName('ana').slice(0, 40),
    environment: 'e2e',
    analysis: errorsAndSequential({ intervalMs: INTERVAL_MS, count: 6, initialDelay: '5s', maxDurationMs: SEQUENTIAL_WINDOW_MS }),
  });
});

after(async () => {
  await rig?.stop();
});

test('a good release passes Prometheus analysis and is promoted', { timeout: 300000 }, async () => {
  const handle = await deploy(V2, [
    { kind: 'setWeight', weight: 20 },
    { kind: 'analysis', templates: ['errors'] },
    { kind: 'setWeight', weight: 100 },
  ]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  const status = await handle.query(statusQuery);
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.ok(analysis, 'the analysis result is in the event log');
  assert.match(analysis.message, /analysis Successful → promote/);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 });
});

test('a release with 15% errors is rolled back by analysis within two intervals of the first measurement', { timeout: 300000 }, async () => {
  const handle = await deploy(V3, [
    { kind: 'setWeight', weight: 20 },
    { kind: 'analysis', templates: ['errors'] },
    { kind: 'setWeight', weight: 100 },
  ]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AnalysisFailed);
  const status = await handle.query(statusQuery);
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.ok(analysis?.data, 'the analysis event carries its timings');
  const first = Date.parse(String(analysis.data.firstMeasurementAt));
  const decided = Date.parse(String(analysis.data.decidedAt));
  assert.ok(decided - first <= 2 * INTERVAL_MS, `decided ${decided - first} ms after the first measurement`);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 }, 'the stable keeps all traffic');
});

test('the sequential judge rolls back the 15% release before a fixed window would have closed', { timeout: 300000 }, async () => {
  const handle = await deploy(V3, [
    { kind: 'setWeight', weight: 20 },
    { kind: 'analysis', templates: ['sequential'] },
    { kind: 'setWeight', weight: 100 },
  ]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AnalysisFailed);
  const status = await handle.query(statusQuery);
  assert.ok(
    status.events.some((e) => e.type === 'info' && /baseline 1\.1\.0/.test(e.message)),
    'a fresh baseline of the stable ran beside the canary',
  );
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.ok(analysis?.data);
  const elapsed = Date.parse(String(analysis.data.decidedAt)) - Date.parse(String(analysis.data.firstMeasurementAt));
  assert.ok(elapsed < SEQUENTIAL_WINDOW_MS / 2, `evidence crossed alpha ${elapsed} ms after the first look`);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 }, 'the stable keeps all traffic');
});

test('the sequential judge passes a good release at its maximum duration', { timeout: 300000 }, async () => {
  const handle = await deploy(V4, [
    { kind: 'setWeight', weight: 20 },
    { kind: 'analysis', templates: ['sequential'] },
    { kind: 'setWeight', weight: 100 },
  ]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  const status = await handle.query(statusQuery);
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.match(analysis?.message ?? '', /Successful → promote/);
  assert.deepEqual(await versionsThroughRouter(10), { [V4]: 10 });
});
