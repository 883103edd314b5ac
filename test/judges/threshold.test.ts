// Argo Rollouts measurement bookkeeping (analysis.go assessMetricStatus / EvaluateResult) plus
// Sluice's deliberate tightenings for no-data and all-error runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThresholdJudgeConfig, ThresholdMetric } from '../../src/domain/analysis';
import type { Observation, ThresholdMetricInput } from '../../src/domain/analysis';
import { assessMetric, assessRun, thresholdJudge } from '../../src/activities/metrics/judges';
import { decisionFor } from '../../src/workflows/analysis-decision';

const metric = (over: Partial<ThresholdMetricInput> = {}) =>
  ThresholdMetric.parse({ name: 'error-rate', provider: { kind: 'prometheus', query: 'q' }, successCondition: 'result < 0.05', ...over });
const v = (value: number | number[]): Observation => ({ kind: 'value', value });
const err: Observation = { kind: 'error', message: 'query timeout' };
const none: Observation = { kind: 'no-data' };

test('success / failure / inconclusive per Argo condition rules', () => {
  assert.equal(assessMetric(metric({ count: 2 }), [v(0.01), v(0.02)]).phase, 'Successful');
  assert.equal(assessMetric(metric(), [v(0.01), v(0.2)]).phase, 'Failed');
  const both = metric({ successCondition: 'result < 0.05', failureCondition: 'result > 0.1', count: 3 });
  const r = assessMetric(both, [v(0.07)]);
  assert.equal(r.measurements[0]!.phase, 'Inconclusive');
  assert.equal(r.phase, 'Inconclusive');
  const onlyFailure = metric({ successCondition: undefined, failureCondition: 'result > 0.1', count: 1 });
  assert.equal(assessMetric(onlyFailure, [v(0.07)]).phase, 'Successful');
  const noConditions = metric({ successCondition: undefined, count: 1 });
  assert.equal(assessMetric(noConditions, [v(123)]).phase, 'Successful');
  const bothTrue = metric({ successCondition: 'result >= 0', failureCondition: 'result >= 0' });
  assert.equal(assessMetric(bothTrue, [v(1)]).measurements[0]!.phase, 'Failed');
});

test('failureLimit and inconclusiveLimit are "more than" limits', () => {
  const m = metric({ failureLimit: 1, inconclusiveLimit: 1, count: 4 });
  assert.equal(assessMetric(m, [v(0.2)]).phase, 'Running');
  assert.equal(assessMetric(m, [v(0.2), v(0.3)]).phase, 'Failed');
  assert.equal(assessMetric(m, [none]).phase, 'Running');
  assert.equal(assessMetric(m, [none, none]).phase, 'Inconclusive');
  assert.equal(assessMetric(m, [v(0.2), none, v(0.01), v(0.01)]).phase, 'Successful');
});

test('errors: never a success, consecutive limit, reset by a good measurement, not counted', () => {
  const m = metric({ consecutiveErrorLimit: 2, count: 2 });
  assert.equal(assessMetric(m, [err, err]).phase, 'Running');
  assert.equal(assessMetric(m, [err, err, err]).phase, 'Error');
  const reset = assessMetric(m, [err, err, v(0.01), err, err]);
  assert.equal(reset.phase, 'Running');
  assert.equal(reset.counts.count, 1, 'errors do not count towards count');
  assert.equal(assessMetric(m, [err, v(0.01), err, v(0.02)]).phase, 'Successful');
  // A run that only ever errored cannot end Successful when terminated.
  assert.equal(assessMetric(metric({ consecutiveErrorLimit: 10 }), [err, err], { terminating: true }).phase, 'Error');
  assert.equal(assessMetric(metric(), [], { terminating: true }).phase, 'Inconclusive');
});

test('no data and NaN are inconclusive, never a pass and never a crash', () => {
  const m = metric({ inconclusiveLimit: 5, count: 2 });
  const r = assessMetric(m, [none, v(NaN), v([]), v([NaN, NaN])]);
  assert.deepEqual(
    r.measurements.map((x) => x.phase),
    ['Inconclusive', 'Inconclusive', 'Inconclusive', 'Inconclusive'],
  );
  assert.equal(r.phase, 'Inconclusive', 'count reached without a single success');
  assert.match(r.message, /no measurement was successful/);
});

test('a condition that cannot evaluate is an Error measurement; an invalid one throws up front', () => {
  const r = assessMetric(metric({ successCondition: 'result[2] < 1' }), [v([1])]);
  assert.equal(r.measurements[0]!.phase, 'Error');
  assert.throws(() => assessMetric(metric({ successCondition: 'result <' }), [v(1)]), /invalid condition/);
});

test('assessRun: worst phase wins and decides early; all successful → Successful', () => {
  assert.equal(
    assessRun([
      { name: 'a', phase: 'Running', message: '' },
      { name: 'b', phase: 'Successful', message: '' },
    ]).phase,
    'Running',
  );
  const early = assessRun([
    { name: 'a', phase: 'Running', message: '' },
    { name: 'b', phase: 'Failed', message: 'x' },
  ]);
  assert.deepEqual([early.phase, early.terminated], ['Failed', true]);
  assert.equal(
    assessRun([
      { name: 'a', phase: 'Inconclusive', message: '' },
      { name: 'b', phase: 'Error', message: '' },
    ]).phase,
    'Error',
  );
  assert.equal(
    assessRun([
      { name: 'a', phase: 'Successful', message: '' },
      { name: 'b', phase: 'Successful', message: '' },
    ]).phase,
    'Successful',
  );
});

test('threshold judge folds looks and stops at the first failure; decisionFor maps phase and policy', () => {
  const config = ThresholdJudgeConfig.parse({
    kind: 'threshold',
    metrics: [
      { name: 'errors', provider: { kind: 'prometheus', query: 'q1' }, successCondition: 'result < 0.05', count: 5 },
      { name: 'latency', provider: { kind: 'prometheus', query: 'q2' }, successCondition: 'result < 0.5', count: 5 },
    ],
  });
  let s = thresholdJudge.init(config);
  s = thresholdJudge.look(config, s, { observations: { errors: v(0.01), latency: v(0.1) } });
  assert.equal(s.phase, 'Running');
  s = thresholdJudge.look(config, s, { observations: { errors: v(0.15), latency: v(0.1) } });
  assert.equal(s.phase, 'Failed');
  assert.match(s.reason, /errors/);
  assert.equal(decisionFor(s.phase, 'pause'), 'rollback');
  assert.equal(decisionFor('Inconclusive', 'pass'), 'promote');
  assert.equal(decisionFor('Inconclusive', 'pause'), 'pause');
  // An analysis that could not measure has shown nothing: it never promotes, and only rolls
  // back when the template says so.
  assert.equal(decisionFor('Error', 'pass'), 'pause');
  assert.equal(decisionFor('Error', 'pause'), 'pause');
  assert.equal(decisionFor('Error', 'rollback'), 'rollback');
});
