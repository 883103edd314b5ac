import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  computeDeliveryRecord,
  computeFigures,
  frequencyBucket,
  median,
  quantile,
  type DeployRecord,
  type DrillRecord,
  type RollbackRecord,
} from '../../src/domain/delivery-record';

const T = Date.parse('2026-06-01T00:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function deploy(over: Partial<DeployRecord> & { finishedAt: string }): DeployRecord {
  return {
    service: 'api',
    environment: 'production',
    workflowId: 'deploy/api/production',
    runId: Math.random().toString(36),
    outcome: 'promoted',
    version: '1.0.0',
    previousVersion: null,
    commitTime: null,
    startedAt: over.finishedAt,
    bakeMs: 0,
    timeToDetectMs: null,
    timeToRollbackMs: null,
    undone: false,
    ...over,
  };
}

test('quantiles interpolate between closest ranks; the median of an even count is the mean of the middle two', () => {
  assert.equal(median([]), null);
  assert.equal(median([5]), 5);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(quantile([10, 20, 30, 40, 50], 0.9), 46);
  assert.equal(quantile([1, 2], 0.9), 1.9);
});

test("DORA's deployment frequency buckets", () => {
  assert.equal(frequencyBucket(3), 'on-demand');
  assert.equal(frequencyBucket(1), 'on-demand');
  assert.equal(frequencyBucket(0.5), 'daily-to-weekly');
  assert.equal(frequencyBucket(1 / 7), 'daily-to-weekly');
  assert.equal(frequencyBucket(1 / 10), 'weekly-to-monthly');
  assert.equal(frequencyBucket(1 / 60), 'monthly-to-6-monthly');
  assert.equal(frequencyBucket(0), 'fewer-than-6-monthly');
});

test('lead time runs from commit to promotion (before the bake) and ignores values ≤ 0', () => {
  const f = computeFigures(
    {
      deploys: [
        deploy({ finishedAt: iso(T + 40 * MIN), bakeMs: 10 * MIN, commitTime: iso(T) }), // 30 min
        deploy({ finishedAt: iso(T + 60 * MIN), commitTime: iso(T) }), // 60 min
        deploy({ finishedAt: iso(T + 60 * MIN), commitTime: iso(T + 60 * MIN) }), // 0: ignored
        deploy({ finishedAt: iso(T + 60 * MIN), commitTime: iso(T + 90 * MIN) }), // negative: ignored
        deploy({ finishedAt: iso(T + 60 * MIN) }), // no commit time
        deploy({ finishedAt: iso(T + 60 * MIN), outcome: 'rolled-back', commitTime: iso(T - 600 * MIN), timeToRollbackMs: 5000 }), // not promoted
      ],
      rollbacks: [],
      drills: [],
    },
    2,
  );
  assert.deepEqual(f.changeLeadTime, { samples: 2, medianMs: 45 * MIN, p90Ms: 30 * MIN + 30 * MIN * 0.9 });
  assert.deepEqual(f.deploymentFrequency, { deployments: 5, perDay: 2.5, bucket: 'on-demand' });
});

test('change fail rate and recovery: rolled back, aborted after deploying, or undone later by `sluice rollback`', () => {
  const promotedThenUndone = deploy({ version: '1.3.0', finishedAt: iso(T + 10 * MIN) });
  const rollbacks: RollbackRecord[] = [
    {
      service: 'api',
      environment: 'production',
      workflowId: 'rollback/api/production',
      runId: 'rb1',
      outcome: 'rolled-back',
      fromVersion: '1.3.0',
      toVersion: '1.2.0',
      startedAt: iso(T + 20 * MIN),
      finishedAt: iso(T + 21 * MIN),
      durationMs: 40_000,
    },
    // A failed rollback undid nothing.
    {
      service: 'api',
      environment: 'production',
      workflowId: 'rollback/api/production',
      runId: 'rb2',
      outcome: 'failed',
      fromVersion: '1.2.0',
      toVersion: null,
      startedAt: iso(T + 30 * MIN),
      finishedAt: iso(T + 31 * MIN),
      durationMs: 1000,
    },
  ];
  const f = computeFigures(
    {
      deploys: [
        promotedThenUndone,
        deploy({ version: '1.2.0', finishedAt: iso(T) }),
        deploy({ outcome: 'rolled-back', finishedAt: iso(T + 5 * MIN), timeToRollbackMs: 20_000, undone: true }),
        deploy({ outcome: 'aborted', finishedAt: iso(T + 6 * MIN), timeToRollbackMs: 10_000, undone: true }),
        // Aborted before anything was deployed, and failed runs: not releases that reached the environment.
        deploy({ outcome: 'aborted', finishedAt: iso(T + 7 * MIN), undone: false }),
        deploy({ outcome: 'failed', finishedAt: iso(T + 8 * MIN) }),
      ],
      rollbacks,
      drills: [],
    },
    1,
  );
  assert.deepEqual(f.changeFailRate, { failures: 3, deployments: 4, rate: 0.75 });
  assert.deepEqual(f.recoveryTime, { samples: 3, medianMs: 20_000, p90Ms: 20_000 + 20_000 * 0.8 });
  // Rework: the successful rollback; no promotion went to an older version.
  assert.deepEqual(f.reworkRate, { rework: 1, deployments: 3, rate: 1 / 3 });
});

test('rework counts promotions of an older version (semver, build metadata ignored) and rollbacks', () => {
  const f = computeFigures(
    {
      deploys: [
        deploy({ version: '1.4.0+bbb', previousVersion: '1.3.9+aaa', finishedAt: iso(T) }),
        deploy({ version: '1.3.9+aaa', previousVersion: '1.4.0+bbb', finishedAt: iso(T + MIN) }),
        deploy({ version: '1.3.9+ccc', previousVersion: '1.3.9+aaa', finishedAt: iso(T + 2 * MIN) }), // same version: not older
      ],
      rollbacks: [],
      drills: [],
    },
    1,
  );
  assert.deepEqual(f.reworkRate, { rework: 1, deployments: 3, rate: 1 / 3 });
});

test('drills: count, pass rate, restore median and worst over drills that judged (aborted ones apart); a window and groups by service and environment', () => {
  const drill = (over: Partial<DrillRecord>): DrillRecord => ({
    service: 'api',
    environment: 'production',
    workflowId: 'drill/api/production',
    runId: Math.random().toString(36),
    kind: 'bad-canary',
    outcome: 'passed',
    timeToDetectMs: 1000,
    timeToRestoreMs: 3000,
    budgetMs: 300_000,
    startedAt: iso(T),
    finishedAt: iso(T + MIN),
    ...over,
  });
  const record = computeDeliveryRecord(
    {
      deploys: [deploy({ finishedAt: iso(T) }), deploy({ service: 'web', finishedAt: iso(T) }), deploy({ finishedAt: iso(T - 3 * 86_400_000) })],
      rollbacks: [],
      drills: [
        drill({}),
        drill({ outcome: 'failed', timeToRestoreMs: 400_000 }),
        drill({ timeToRestoreMs: null }),
        drill({ outcome: 'aborted', timeToRestoreMs: 1 }),
        drill({ outcome: 'skipped', timeToRestoreMs: null }),
        drill({ service: 'web', finishedAt: iso(T - 5 * 86_400_000) }),
      ],
    },
    new Date(T - 86_400_000),
    new Date(T + 86_400_000),
  );
  assert.equal(record.days, 2);
  assert.deepEqual(
    record.groups.map((g) => [g.service, g.figures.deploymentFrequency.deployments, g.figures.drills.count]),
    [
      ['api', 1, 3],
      ['web', 1, 0],
    ],
  );
  assert.deepEqual(record.groups[0]!.figures.drills, {
    count: 3,
    passed: 2,
    aborted: 1,
    skipped: 1,
    passRate: 2 / 3,
    restoreMedianMs: (3000 + 400_000) / 2,
    restoreWorstMs: 400_000,
  });
  assert.deepEqual(record.total.deploymentFrequency, { deployments: 2, perDay: 1, bucket: 'on-demand' });
  assert.equal(record.total.changeFailRate.rate, 0);
  assert.equal(record.total.reworkRate.rate, 0);
});
