// Kayenta-style baseline-vs-canary judge: classification rules, scoring, and the seeded
// A/A and 3x-error trials that issue 5 asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MannWhitneyJudgeConfig, MannWhitneyMetric } from '../../src/domain/analysis';
import { classifyMetric, judgeWindow, scoreCanary } from '../../src/activities/metrics/judges';
import type { MetricJudgement } from '../../src/activities/metrics/judges';
import { binomial, logNormal, mulberry32 } from '../../src/activities/metrics/judges/stats/random';
import type { Rng } from '../../src/activities/metrics/judges/stats/random';

const rule = (over: Partial<MannWhitneyMetric> = {}) => MannWhitneyMetric.parse({ name: 'm', minSamples: 5, ...over });

test('identical or fully tied samples pass; too few samples is NoData', () => {
  assert.equal(classifyMetric([1, 2, 3, 4, 5], [5, 4, 3, 2, 1], rule()).classification, 'Pass');
  assert.equal(classifyMetric([2, 2, 2, 2, 2], [2, 2, 2, 2, 2, 2], rule()).classification, 'Pass');
  const few = classifyMetric([1, 2], [1, 2, 3, 4, 5], rule());
  assert.equal(few.classification, 'NoData');
  assert.match(few.reason, /too few samples/);
});

test('clear increase is High, decrease is Low only when the direction allows it', () => {
  const base = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11];
  const up = base.map((v) => v * 2);
  const down = base.map((v) => v / 2);
  assert.equal(classifyMetric(up, base, rule({ direction: 'increase' })).classification, 'High');
  assert.equal(classifyMetric(down, base, rule({ direction: 'increase' })).classification, 'Pass');
  assert.equal(classifyMetric(down, base, rule({ direction: 'decrease' })).classification, 'Low');
  assert.equal(classifyMetric(up, base, rule({ direction: 'either' })).classification, 'High');
  const j = classifyMetric(up, base, rule());
  assert.ok(j.lower! > j.band! && j.band! > 0, 'interval lies above the tolerance band');
  assert.ok(j.pValue! < 0.001);
});

test('a significant shift whose interval does not clear the ±25% HL band passes', () => {
  // Spread 10, shift 1: the rank test says p < 0.01, and the 98% interval excludes 0, but its
  // lower end (≈0.017) is inside the tolerance band 0.25·|HL| = 0.25, so Kayenta's rule says Pass.
  const base = Array.from({ length: 100 }, (_, i) => 100 + ((i * 0.618034) % 1) * 10);
  const j = classifyMetric(
    base.map((v) => v + 1),
    base,
    rule(),
  );
  assert.ok(j.pValue! < 0.01);
  assert.ok(j.lower! > 0 && j.lower! <= j.band!, `lower ${j.lower} band ${j.band}`);
  assert.equal(j.classification, 'Pass');
  assert.equal(
    classifyMetric(
      base.map((v) => v + 1),
      base,
      rule(),
      { confidence: 0.98, tolerance: 0 },
    ).classification,
    'High',
  );
});

test('NaN strategy: remove drops them, replace turns them into a value', () => {
  const canary = [null, NaN, 1, 1, 1, 1, 1];
  const baseline = [1, 1, 1, 1, 1];
  assert.equal(classifyMetric(canary, baseline, rule()).canaryCount, 5);
  const replaced = classifyMetric(canary, baseline, rule({ nanStrategy: { kind: 'replace', value: 0 } }));
  assert.equal(replaced.canaryCount, 7);
});

test('variance-ratio flag catches a canary that is only noisier', () => {
  // Same centre, 20x the spread: symmetric offsets so the location shift is exactly zero.
  const base = Array.from({ length: 41 }, (_, i) => 100 + (i - 20) * 0.05);
  const noisy = Array.from({ length: 41 }, (_, i) => 100 + (i - 20) * 1);
  assert.equal(classifyMetric(noisy, base, rule()).classification, 'Pass', 'rank test alone misses it');
  const flagged = classifyMetric(noisy, base, rule({ maxVarianceRatio: 4 }));
  assert.equal(flagged.classification, 'High');
  assert.match(flagged.reason, /variance/);
});

test('IQR outlier removal drops a single spike', () => {
  const base = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11];
  const spiky = [10, 11, 9, 10, 12, 10, 11, 9, 10, 500];
  assert.equal(classifyMetric(spiky, base, rule({ removeOutliers: true })).canaryCount, 9);
});

const j = (name: string, classification: MetricJudgement['classification']): MetricJudgement => ({ name, classification, reason: '', canaryCount: 10, baselineCount: 10 });
const thresholds = { pass: 95, marginal: 75 };

test('score: weighted share of passing metrics, thresholds decide', () => {
  const metrics = [
    { name: 'a', critical: false, weight: 3 },
    { name: 'b', critical: false, weight: 1 },
    { name: 'c', critical: false, weight: 1 },
  ];
  const all = scoreCanary([j('a', 'Pass'), j('b', 'Pass'), j('c', 'Pass')], metrics, thresholds);
  assert.deepEqual([all.score, all.decision, all.phase], [100, 'promote', 'Successful']);
  const marginal = scoreCanary([j('a', 'Pass'), j('b', 'Pass'), j('c', 'High')], metrics, thresholds);
  assert.deepEqual([marginal.score, marginal.decision], [80, 'pause']);
  const bad = scoreCanary([j('a', 'High'), j('b', 'Pass'), j('c', 'Pass')], metrics, thresholds);
  assert.deepEqual([bad.score, bad.decision, bad.phase], [40, 'rollback', 'Failed']);
});

test('score: failing critical metric forces 0; no data on half the metrics forces 0 and is inconclusive', () => {
  const metrics = [
    { name: 'a', critical: true, weight: 1 },
    { name: 'b', critical: false, weight: 10 },
    { name: 'c', critical: false, weight: 1 },
  ];
  const crit = scoreCanary([j('a', 'High'), j('b', 'Pass'), j('c', 'Pass')], metrics, thresholds);
  assert.deepEqual([crit.score, crit.decision], [0, 'rollback']);
  const nodata = scoreCanary([j('a', 'Pass'), j('b', 'NoData'), j('c', 'NoData')], metrics, thresholds);
  assert.deepEqual([nodata.score, nodata.phase, nodata.decision], [0, 'Inconclusive', 'pause']);
  const oneMissing = scoreCanary([j('a', 'Pass'), j('b', 'Pass'), j('c', 'NoData')], metrics, thresholds);
  assert.deepEqual([oneMissing.score, oneMissing.decision], [100, 'promote']);
});

// --- seeded trials (issue 5): 30 scrapes per role, 500 requests per scrape ------------------
const config = MannWhitneyJudgeConfig.parse({
  kind: 'mann-whitney',
  metrics: [
    { name: 'error_rate', direction: 'increase', critical: true, nanStrategy: { kind: 'replace', value: 0 } },
    { name: 'latency_p50', direction: 'increase' },
  ],
});

function window(rng: Rng, errorRate: number) {
  const errors = Array.from({ length: 30 }, () => binomial(rng, 500, errorRate) / 500);
  const latency = Array.from({ length: 30 }, () => logNormal(rng, Math.log(0.05), 0.1));
  return { errors, latency };
}

function trial(seed: number, canaryErrorRate: number) {
  const rng = mulberry32(seed);
  const canary = window(rng, canaryErrorRate);
  const baseline = window(rng, 0.01);
  return judgeWindow(config, {
    error_rate: { canary: canary.errors, baseline: baseline.errors },
    latency_p50: { canary: canary.latency, baseline: baseline.latency },
  });
}

test('A/A: the same distribution passes in at least 95 of 100 seeded trials', () => {
  let promoted = 0;
  for (let seed = 1; seed <= 100; seed++) if (trial(seed, 0.01).decision === 'promote') promoted++;
  assert.ok(promoted >= 95, `promoted ${promoted}/100`);
});

test('3x error rate fails in at least 95 of 100 seeded trials', () => {
  let rolledBack = 0;
  for (let seed = 1001; seed <= 1100; seed++) if (trial(seed, 0.03).decision === 'rollback') rolledBack++;
  assert.ok(rolledBack >= 95, `rolled back ${rolledBack}/100`);
});
