/**
 * The delivery record gauges of the worker, fed by a lister the test writes (a stand-in for the
 * visibility read, which delivery-record.e2e.test.ts exercises on the real server): values, the
 * cache (one read per maxAge whatever the scrapes), and what a failed read does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import type { DeliveryHistory, DeployRecord } from '../../src/domain/delivery-record';
import { registerDeliveryRecord } from '../../src/worker/delivery-record';
import { parseExposition, samples } from '../helpers/exposition';

const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

function deploy(over: Partial<DeployRecord>): DeployRecord {
  return {
    service: 'api',
    environment: 'prod',
    workflowId: 'deploy/api/prod',
    runId: Math.random().toString(36),
    outcome: 'promoted',
    version: '1.0.0',
    previousVersion: null,
    commitTime: iso(now - 3_600_000),
    startedAt: iso(now - 60_000),
    finishedAt: iso(now - 60_000 + 1),
    bakeMs: 0,
    timeToDetectMs: null,
    timeToRollbackMs: null,
    undone: false,
    ...over,
  };
}

test('the delivery record gauges: per service and environment, over the window, read once per maxAge', async () => {
  const registry = new Registry();
  let reads = 0;
  const errors: string[] = [];
  const history: DeliveryHistory = {
    deploys: [
      deploy({}),
      deploy({ commitTime: iso(now - 7_200_000) }),
      deploy({ outcome: 'rolled-back', timeToRollbackMs: 4000, undone: true }),
      deploy({ finishedAt: iso(now - 40 * 86_400_000) }), // outside the 30 days
    ],
    rollbacks: [],
    drills: [
      {
        service: 'api',
        environment: 'prod',
        workflowId: 'drill/api/prod',
        runId: 'd1',
        kind: 'bad-canary',
        outcome: 'passed',
        timeToDetectMs: 1000,
        timeToRestoreMs: 2000,
        budgetMs: 300_000,
        startedAt: iso(now - 120_000),
        finishedAt: iso(now - 100_000),
      },
    ],
  };
  registerDeliveryRecord(
    registry,
    async () => {
      reads++;
      return history;
    },
    { maxAgeMs: 60_000, onError: (err) => errors.push(err.message) },
  );
  const page = parseExposition(await registry.metrics());
  const one = (name: string, labels: Record<string, string> = {}) => samples(page, name, { service: 'api', environment: 'prod', ...labels })[0]?.value;
  assert.equal(one('sluice_deployments'), 2);
  assert.equal(one('sluice_deployment_frequency_per_day'), 2 / 30);
  assert.equal(one('sluice_change_fail_rate'), 1 / 3);
  assert.equal(one('sluice_rework_rate'), 0);
  assert.equal(one('sluice_recovery_time_seconds', { quantile: '0.5' }), 4);
  assert.ok(Math.abs(one('sluice_lead_time_seconds', { quantile: '0.5' })! - ((3_600_000 + 7_200_000) / 2 - 60_000 + 1) / 1000) < 1e-6);
  assert.equal(one('sluice_drill_pass_rate'), 1);
  assert.equal(one('sluice_drill_restore_seconds', { quantile: '1' }), 2);
  // One read for all eight gauges, and none for a second scrape within maxAge.
  await registry.metrics();
  assert.equal(reads, 1);

  // A failed read keeps the last good snapshot (within staleMs) and counts the error.
  const registry2 = new Registry();
  let calls = 0;
  registerDeliveryRecord(
    registry2,
    async () => {
      calls++;
      if (calls > 1) throw new Error('visibility unavailable');
      return history;
    },
    { maxAgeMs: 0, onError: (err) => errors.push(err.message) },
  );
  await registry2.metrics();
  const after = parseExposition(await registry2.metrics());
  assert.equal(samples(after, 'sluice_deployments', { service: 'api' })[0]?.value, 2);
  // (Read after the scrape: the counter is exported before the gauges whose read failed.)
  assert.equal((await registry2.getSingleMetric('sluice_delivery_record_errors_total')!.get()).values[0]?.value, 1);
  assert.deepEqual(errors, ['visibility unavailable']);
});
