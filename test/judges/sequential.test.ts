// Sequential judges against savvi 0.3.1 (Lindon's reference implementation; numbers from
// reference/generate_sequential.py) and seeded A/A / regression sanity checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequentialJudgeConfig, SequentialCountMetric, SequentialLatencyMetric } from '../../src/domain/analysis';
import { betaBinomialLogE } from '../../src/activities/metrics/judges/sequential/e-process';
import { initialCountState, lookCount } from '../../src/activities/metrics/judges/sequential/count';
import { bucketIncrements, initialLatencyState, lookLatency, probabilityCanarySlower } from '../../src/activities/metrics/judges/sequential/latency';
import { initialSequentialState, lookSequential } from '../../src/activities/metrics/judges/sequential/judge';
import { JUDGES } from '../../src/activities/metrics/judges';
import { binomial, mulberry32 } from '../../src/activities/metrics/judges/stats/random';
import { assertClose } from './support';

const ROWS: [number, number][] = [
  [3, 1],
  [5, 2],
  [8, 1],
  [2, 2],
  [10, 3],
  [12, 1],
];
type Ref = { eValue: number; pValue: number }[];
const SAVVI_RHO05_K100: Ref = [
  { eValue: 0.9997116216476837, pValue: 1.0 },
  { eValue: 1.0631589801612014, pValue: 0.9405930991133378 },
  { eValue: 1.6727681328344084, pValue: 0.5978114840731441 },
  { eValue: 1.613241397999433, pValue: 0.5978114840731441 },
  { eValue: 3.233135362394018, pValue: 0.30929728820866215 },
  { eValue: 17.069013793494808, pValue: 0.05858569288760615 },
];
const SAVVI_RHO03_K10: Ref = [
  { eValue: 1.2950012950012963, pValue: 0.7721999999999992 },
  { eValue: 6.060909954631188, pValue: 0.16499172689999994 },
  { eValue: 640.6687459919998, pValue: 0.0015608690235881855 },
  { eValue: 742.0029121161463, pValue: 0.0013477036055668057 },
  { eValue: 172073.1233386752, pValue: 5.811482819613815e-6 },
  { eValue: 1555407403.8574414, pValue: 6.429183746457552e-10 },
];
// One-sided (prior truncated to θ > ρ), computed with SciPy's betaln/betainc.
const ONE_SIDED_RHO05_K10: Ref = [
  { eValue: 1.389177229020978, pValue: 0.7198505555009346 },
  { eValue: 2.2236642094844017, pValue: 0.44970818693523373 },
  { eValue: 14.481296584006946, pValue: 0.06905459011898105 },
  { eValue: 9.755483696753974, pValue: 0.06905459011898105 },
  { eValue: 51.44902183351434, pValue: 0.019436715497447833 },
  { eValue: 2370.5015706022073, pValue: 0.00042185165046988677 },
];
const ONE_SIDED_RHO03_K100: Ref = [
  { eValue: 1.359640657504442, pValue: 0.7354884501876062 },
  { eValue: 2.4597479092315213, pValue: 0.40654572618883605 },
  { eValue: 11.406467789946054, pValue: 0.08766955892177462 },
  { eValue: 14.341419502947767, pValue: 0.06972810465480477 },
  { eValue: 171.39512141502348, pValue: 0.005834471785101498 },
  { eValue: 14781.28884874107, pValue: 6.76530991467074e-5 },
];

function runCount(rho: number, k: number, direction: 'increase' | 'either', ref: Ref) {
  const rule = SequentialCountMetric.parse({ kind: 'count', name: 'errors', canaryShare: rho, priorStrength: k, direction });
  let state = initialCountState();
  ROWS.forEach(([c, b], i) => {
    state = lookCount(rule, state, { canaryErrors: c, baselineErrors: b, canaryRequests: 100, baselineRequests: 100, elapsedMs: (i + 1) * 5000 });
    const look = state.looks[i]!;
    assertClose(look.eValue, ref[i]!.eValue, 1e-10, 0, `look ${i + 1} e-value`);
    assertClose(look.pValue, ref[i]!.pValue, 1e-10, 0, `look ${i + 1} p-value`);
  });
}

test('two-sided count e-process equals savvi Multinomial (rho 0.5, k 100 and rho 0.3, k 10)', () => {
  runCount(0.5, 100, 'either', SAVVI_RHO05_K100);
  runCount(0.3, 10, 'either', SAVVI_RHO03_K10);
});

test('one-sided count e-process equals the truncated-prior closed form (SciPy)', () => {
  runCount(0.5, 10, 'increase', ONE_SIDED_RHO05_K10);
  runCount(0.3, 100, 'increase', ONE_SIDED_RHO03_K100);
});

test('one-sided e-value stays small when the canary is better', () => {
  assert.ok(betaBinomialLogE(2, 40, { rho: 0.5, k: 10 }, 'greater') < 0);
  assert.ok(betaBinomialLogE(2, 40, { rho: 0.5, k: 10 }, 'two-sided') > Math.log(20));
  assert.ok(betaBinomialLogE(2, 40, { rho: 0.5, k: 10 }, 'less') > Math.log(20));
});

test('latency e-process equals the product of savvi per-bucket tests', () => {
  const canary = [
    [40, 30, 20, 8, 2],
    [35, 35, 18, 10, 2],
    [30, 30, 25, 12, 3],
  ];
  const baseline = [
    [50, 30, 15, 4, 1],
    [48, 32, 14, 5, 1],
    [52, 29, 13, 5, 1],
  ];
  const ref = [
    { logE: -0.3455727451133516, pValue: 1.0 },
    { logE: 0.2565784353324547, pValue: 0.773694307209283 },
    { logE: 3.1956784691253124, pValue: 0.040938740280174635 },
  ];
  const rule = SequentialLatencyMetric.parse({ kind: 'latency', name: 'latency', priorStrength: 100 });
  let state = initialLatencyState();
  for (let i = 0; i < 3; i++) {
    state = lookLatency(rule, state, { canaryBuckets: canary[i]!, baselineBuckets: baseline[i]!, elapsedMs: 5000 * (i + 1) });
    assertClose(state.looks[i]!.logEValue, ref[i]!.logE, 1e-9, 1e-12, `look ${i + 1} log e`);
    assertClose(state.looks[i]!.pValue, ref[i]!.pValue, 1e-9, 0, `look ${i + 1} p`);
  }
  assert.equal(state.looks[2]!.canaryWorse, true, 'canary has more mass in the slow buckets');
});

test('direction check: a faster canary is never rolled back', () => {
  const config = SequentialJudgeConfig.parse({ kind: 'sequential', metrics: [{ kind: 'latency', name: 'latency', minRequests: 0 }] });
  let s = initialSequentialState(config);
  for (let i = 1; i <= 10; i++) {
    s = lookSequential(config, s, { elapsedMs: i * 5000, metrics: { latency: { kind: 'latency', canaryBuckets: [120, 60, 20, 0], baselineBuckets: [40, 60, 80, 20] } } });
  }
  const last = s.metrics.latency!.state.looks.at(-1)!;
  assert.ok(last.pValue < 1e-10, 'distributions clearly differ');
  assert.equal(last.canaryWorse, false);
  assert.equal(s.phase, 'Running');
  assert.ok(probabilityCanarySlower([0, 0, 10], [10, 0, 0]) === 1);
});

test('direction check: every request of both roles in one bucket is a tie, whatever the two counts (no float noise)', () => {
  // Seen on a fleet: 74 canary and 23 baseline requests, all under 5 ms; q·n/n differed in the last
  // bit between the roles, the canary "looked worse", and an unequal traffic split supplied the e-value.
  const config = SequentialJudgeConfig.parse({ kind: 'sequential', metrics: [{ kind: 'latency', name: 'latency', minRequests: 0 }] });
  let s = initialSequentialState(config);
  for (const [i, [c, b]] of [
    [14, 3],
    [60, 20],
    [20, 20],
    [300, 100],
  ].entries()) {
    s = lookSequential(config, s, { elapsedMs: (i + 1) * 1000, metrics: { latency: { kind: 'latency', canaryBuckets: [c!, 0, 0], baselineBuckets: [b!, 0, 0] } } });
  }
  const looks = s.metrics.latency!.state.looks;
  assert.ok(looks.at(-1)!.eValue > 1e3, 'the split alone is evidence against canaryShare 0.5');
  assert.deepEqual(
    looks.map((l) => l.canaryWorse),
    [false, false, false, false],
  );
  assert.equal(s.phase, 'Running');
});

test('looks before both roles have minRequests never lower the p-value (scrape skew on few requests)', () => {
  // Look 1: a few slow canary requests in a window the baseline's shifted scrape missed: e is large.
  // Look 2: with more traffic the two roles match again and the evidence is gone.
  const looks = [
    { canaryBuckets: [10, 0, 14, 14], baselineBuckets: [38, 0, 0, 0] },
    { canaryBuckets: [70, 0, 0, 0], baselineBuckets: [50, 0, 14, 14] },
  ];
  const run = (minRequests: number) => {
    const config = SequentialJudgeConfig.parse({ kind: 'sequential', alpha: 0.05, metrics: [{ kind: 'latency', name: 'latency', minRequests }] });
    let s = initialSequentialState(config);
    for (const [i, l] of looks.entries()) s = lookSequential(config, s, { elapsedMs: (i + 1) * 1000, metrics: { latency: { kind: 'latency', ...l } } });
    return s;
  };
  const ungated = run(0);
  assert.equal(ungated.phase, 'Failed', 'without a minimum the first look alone rejects');
  const gated = run(50);
  const [first, second] = gated.metrics.latency!.state.looks;
  assert.ok(first!.eValue >= 20, `look 1 e=${first!.eValue}`);
  assert.equal(first!.pValue, 1, 'look 1 had 38 requests per role, under minRequests');
  assert.ok(second!.eValue < 1, `look 2 e=${second!.eValue}`);
  assert.equal(second!.pValue, 1);
  assert.equal(gated.phase, 'Running');
});

test('bucketIncrements de-cumulates Prometheus buckets and survives counter resets', () => {
  assert.deepEqual(bucketIncrements([5, 8, 10], [2, 4, 5]), [3, 1, 1]);
  assert.deepEqual(bucketIncrements([5, 8, 10]), [5, 3, 2]);
  assert.deepEqual(bucketIncrements([1, 1, 2], [50, 60, 70]), [1, 0, 1]);
});

const countConfig = SequentialJudgeConfig.parse({
  kind: 'sequential',
  alpha: 0.05,
  maxDuration: '10m',
  metrics: [{ kind: 'count', name: 'errors', minRequests: 100 }],
});

function stream(seed: number, canaryRate: number, baselineRate = 0.01) {
  const rng = mulberry32(seed);
  let s = JUDGES.sequential.init(countConfig);
  for (let look = 1; look <= 120 && s.phase === 'Running'; look++) {
    s = JUDGES.sequential.look(countConfig, s, {
      elapsedMs: look * 5000,
      metrics: {
        errors: { kind: 'count', canaryRequests: 250, baselineRequests: 250, canaryErrors: binomial(rng, 250, canaryRate), baselineErrors: binomial(rng, 250, baselineRate) },
      },
    });
  }
  return s;
}

test('A/A sanity: looking every 5 s for 10 minutes, false alarms stay at most alpha', () => {
  let failed = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const s = stream(seed, 0.01);
    if (s.phase === 'Failed') failed++;
    else assert.equal(s.phase, 'Successful');
  }
  // Seeded, so the count is fixed (4 of 200 today); the bound is the name's: at most alpha.
  assert.ok(failed <= countConfig.alpha * 200, `false alarms ${failed}/200`);
});

test('15% vs 1% errors is rejected at the first look with enough traffic, recording e and p', () => {
  const s = stream(42, 0.15);
  assert.equal(s.phase, 'Failed');
  // Every look carries 250 requests per role, above minRequests (100): the first look decides.
  assert.equal(s.decidedBy!.look.look, 1, `decided at look ${s.decidedBy!.look.look}`);
  assert.equal(s.decidedBy!.look.elapsedMs, 5000);
  assert.ok(s.decidedBy!.look.pValue <= 0.05 && s.decidedBy!.look.eValue >= 20);
  assert.match(s.reason, /canary worse than baseline at look/);
});

test('no traffic until max duration is inconclusive, not a pass', () => {
  let s = initialSequentialState(countConfig);
  s = lookSequential(countConfig, s, { elapsedMs: 600_000, metrics: { errors: { kind: 'no-data', reason: 'empty result' } } });
  assert.equal(s.phase, 'Inconclusive');
  assert.equal(s.gaps.length, 1);
});
