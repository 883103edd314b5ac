/**
 * The judges' activities (src/activities/metrics/judges/<kind>/): snapshots → increments, the
 * compacted sequential state, and the measurement tables. Pure functions, no stack needed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SequentialJudgeConfig } from '../../src/domain/analysis';
import { JUDGES } from '../../src/activities/metrics/judges';
import { kayentaWindow, sequentialLook, thresholdLook } from '../../src/activities/metrics/judges';
import type { SequentialRunState } from '../../src/activities/metrics/judges';
import { countIncrement, countSnapshot, latencySnapshot } from '../../src/activities/metrics/providers/snapshots';
import { ThresholdJudgeConfig, MannWhitneyJudgeConfig } from '../../src/domain/analysis';

test('count snapshots split 5xx from the rest; increments survive a counter reset', () => {
  const snap = countSnapshot([
    { labels: { code: '200' }, value: 90 },
    { labels: { code: '500' }, value: 7 },
    { labels: { code: '503' }, value: 3 },
    { labels: { code: '404' }, value: 5 },
  ]);
  assert.deepEqual(snap, { kind: 'count', requests: 105, errors: 10 });
  assert.deepEqual(countIncrement({ kind: 'count', requests: 150, errors: 12 }, { kind: 'count', requests: 105, errors: 10 }), { requests: 45, errors: 2 });
  // The process restarted: the counters start again from zero.
  assert.deepEqual(countIncrement({ kind: 'count', requests: 20, errors: 1 }, { kind: 'count', requests: 105, errors: 10 }), { requests: 20, errors: 1 });
  assert.equal(countSnapshot([{ labels: {}, value: 3 }]).kind, 'error', 'series without code labels are refused');
});

test('latency snapshots sort buckets by le and require +Inf', () => {
  const snap = latencySnapshot([
    { labels: { le: '+Inf' }, value: 10 },
    { labels: { le: '0.1' }, value: 8 },
    { labels: { le: '0.005' }, value: 5 },
  ]);
  assert.deepEqual(snap, { kind: 'latency', le: [0.005, 0.1, Number.MAX_VALUE], cumulative: [5, 8, 10] });
  assert.equal(latencySnapshot([{ labels: { le: '0.1' }, value: 1 }]).kind, 'error');
});

test("the compacted sequential state gives exactly the judge's own p-values, look numbers, and stays small", () => {
  const config = SequentialJudgeConfig.parse({ kind: 'sequential', interval: '1s', maxDuration: '10m', metrics: [{ kind: 'count', name: 'errors', minRequests: 10 }] });
  let state: SequentialRunState | undefined;
  let direct = JUDGES.sequential.init(config);
  const cum = { c: { requests: 0, errors: 0 }, b: { requests: 0, errors: 0 } };
  const sizes: number[] = [];
  const snapshot = () => ({ canary: { kind: 'count' as const, ...cum.c }, baseline: { kind: 'count' as const, ...cum.b } });
  state = sequentialLook({ config, state, elapsedMs: 0, snapshots: { errors: snapshot() } }).state;
  for (let look = 1; look <= 40; look++) {
    // Canary 2 errors in 50, baseline 1 in 50: a mild difference, no early decision.
    const inc = { c: { requests: 50, errors: look % 3 === 0 ? 3 : 1 }, b: { requests: 50, errors: look % 4 === 0 ? 2 : 1 } };
    cum.c.requests += inc.c.requests;
    cum.c.errors += inc.c.errors;
    cum.b.requests += inc.b.requests;
    cum.b.errors += inc.b.errors;
    const r = sequentialLook({ config, state, elapsedMs: look * 1000, snapshots: { errors: snapshot() } });
    state = r.state;
    direct = JUDGES.sequential.look(config, direct, {
      elapsedMs: look * 1000,
      metrics: { errors: { kind: 'count', canaryErrors: inc.c.errors, canaryRequests: inc.c.requests, baselineErrors: inc.b.errors, baselineRequests: inc.b.requests } },
    });
    const expected = direct.metrics.errors!.state.looks.at(-1)!;
    assert.deepEqual(r.rows.errors!.evidence, expected, `look ${look}`);
    assert.equal(r.phase, direct.phase);
    sizes.push(JSON.stringify(state).length);
  }
  assert.equal(state.lookCounts.errors, 40);
  assert.ok(sizes.at(-1)! < sizes[0]! + 200, `state grew from ${sizes[0]} to ${sizes.at(-1)} bytes`);
});

test('sequential looks with a provider error are no-data rows, and the next good look covers the gap', () => {
  const config = SequentialJudgeConfig.parse({ kind: 'sequential', metrics: [{ kind: 'count', name: 'errors', minRequests: 0 }] });
  const snap = (c: number, b: number) => ({ canary: { kind: 'count' as const, requests: c, errors: 0 }, baseline: { kind: 'count' as const, requests: b, errors: 0 } });
  let r = sequentialLook({ config, elapsedMs: 0, snapshots: { errors: snap(100, 100) } });
  r = sequentialLook({
    config,
    state: r.state,
    elapsedMs: 1000,
    snapshots: { errors: { canary: { kind: 'error', message: 'ECONNREFUSED' }, baseline: { kind: 'error', message: 'ECONNREFUSED' } } },
  });
  assert.equal(r.rows.errors!.outcome, 'inconclusive');
  assert.match(r.rows.errors!.reason, /provider error: ECONNREFUSED/);
  r = sequentialLook({ config, state: r.state, elapsedMs: 2000, snapshots: { errors: snap(160, 150) } });
  assert.equal(r.rows.errors!.evidence?.canaryRequests, 60);
  assert.equal(r.rows.errors!.evidence?.baselineRequests, 50);
});

test('threshold and Kayenta results become per-metric tables with outcomes and reasons', () => {
  const config = ThresholdJudgeConfig.parse({
    kind: 'threshold',
    metrics: [{ name: 'e', provider: { kind: 'prometheus', query: 'x' }, count: 2, successCondition: 'result < 0.05' }],
  });
  let r = thresholdLook({ config, observations: { e: { kind: 'value', value: 0.01, at: 't1' } } });
  assert.equal(r.phase, 'Running');
  r = thresholdLook({ config, state: r.state, observations: { e: { kind: 'value', value: 0.2, at: 't2' } } });
  assert.equal(r.phase, 'Failed');
  assert.deepEqual(
    r.metrics[0]!.measurements.map((m) => [m.outcome, m.value, m.at]),
    [
      ['pass', 0.01, 't1'],
      ['fail', 0.2, 't2'],
    ],
  );

  const mw = MannWhitneyJudgeConfig.parse({ kind: 'mann-whitney', metrics: [{ name: 'latency', minSamples: 5 }] });
  const k = kayentaWindow({ config: mw, samples: { latency: { canary: [0.2, 0.21, 0.22, 0.2, 0.23, 0.21], baseline: [0.001, 0.002, 0.001, 0.003, 0.002, 0.001] } } });
  assert.equal(k.phase, 'Failed');
  assert.equal(k.metrics[0]!.measurements[0]!.outcome, 'fail');
  assert.match(k.metrics[0]!.reason, /^High/);
});
