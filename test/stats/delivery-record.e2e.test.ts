/**
 * `sluice stats` end to end on the real Temporal dev server: a scripted history of real
 * deployWorkflows and a real rollbackWorkflow on the file-fake target (a fake on purpose,
 * test/workflows/support), with commit times the test sets in the release memo, plus fake drills
 * (test/drills/support.ts) and a release tagged as a drill's. The expected figures are computed
 * by hand below from the results the workflows returned; drills never count as deployments.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TypedSearchAttributes } from '@temporalio/common';
import { deliveryRecord, SluiceClient } from '../../src/client';
import { DRILL_WORKFLOW, SCHEDULED_DRILL_WORKFLOW, drillWorkflowId, type DrillRequest, type DrillResult } from '../../src/domain/drill';
import { SluiceEnvironment, SluiceKind, SluiceService } from '../../src/domain/search-attributes';
import type { DeploymentResult } from '../../src/domain/status';
import { settleDeployment } from '../../src/domain/result';
import { deliveryQuery, readDeliveryHistory } from '../../src/lib/delivery-history';
import { deployWorkflowId } from '../../src/workflows/ids';
import { Registry } from 'prom-client';
import { registerDeliveryRecord, visibilityDeliveryLister } from '../../src/worker/delivery-record';
import { runCli } from '../cli/helpers';
import { parseExposition, samples } from '../helpers/exposition';
import { startFakeDrillWorker, type FakeDrillWorker } from '../drills/support';
import { eventually, stackConnectionSettings } from '../helpers/stack';
import { writeRetained } from '../workflows/support/file-target';
import { newService, release, seedStable, spec, startHarness, type Harness } from '../workflows/support/harness';

const HOUR = 3_600_000;
const DAY = 86_400_000;
let h: Harness;
let drills: FakeDrillWorker;
let client: SluiceClient;

before(async () => {
  h = await startHarness();
  drills = await startFakeDrillWorker((request) =>
    request.requestedBy === 'test:pass'
      ? { outcome: 'passed', timeToDetectMs: 700, timeToRestoreMs: 1200, budgetMs: 300_000, holdMs: 0 }
      : request.requestedBy === 'test:skip'
        ? { outcome: 'skipped', timeToDetectMs: null, timeToRestoreMs: null, budgetMs: 300_000, holdMs: 0 }
        : { outcome: 'failed', timeToDetectMs: null, timeToRestoreMs: 9000, budgetMs: 300_000, holdMs: 0 },
  );
  client = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: h.taskQueue });
});
after(async () => {
  await client?.close();
  await drills?.close();
  await h?.close();
});

function promotedAt(r: DeploymentResult): number {
  return Date.parse(r.finishedAt) - (r.phaseDurations.baking ?? 0);
}

/** numpy's default quantile, written out for two values: the test's own arithmetic, not the module's. */
function twoValueFigures(a: number, b: number): { medianMs: number; p90Ms: number } {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return { medianMs: (lo + hi) / 2, p90Ms: lo + (hi - lo) * 0.9 };
}

test('the delivery record of a scripted history gives the hand-computed figures and ignores drills', async () => {
  const service = newService('stats');
  const env = 'test';
  const ref = { service, environment: env };
  seedStable(h, service, '1.0.0+aaaaaaa');
  const t0 = Date.now();

  async function deploy(version: string, commitTime: number): Promise<DeploymentResult> {
    const started = await client.deploy(spec(service, version), { commitTime: new Date(commitTime).toISOString() });
    return client.result(ref, started.runId);
  }
  // R1 promoted (commit 1h ago); R2 unhealthy, rolled back by the health check; R3 promoted (commit
  // 3h ago); R4 promoted, older than R3 (rework), commit time in the future (ignored: ≤ 0).
  const r1 = await deploy('1.1.0+1111111', t0 - HOUR);
  const r2 = await deploy('1.2.0-bad+2222222', t0 - HOUR / 2);
  const r3 = await deploy('1.2.1+3333333', t0 - 3 * HOUR);
  const r4 = await deploy('1.0.5+5555555', t0 + DAY);
  assert.deepEqual(
    [r1, r2, r3, r4].map((r) => r.outcome),
    ['promoted', 'rolled-back', 'promoted', 'promoted'],
  );
  assert.equal(r4.previous?.version, '1.2.1+3333333');

  // A person rolls R4 back to R3: a change failure of R4, and rework.
  writeRetained(
    h.dir,
    service,
    ['1.2.1+3333333', '1.1.0+1111111', '1.0.0+aaaaaaa'].map((v) => release(service, v)),
  );
  const rb = await client.rollback(ref, { toVersion: '1.2.1+3333333', spec: spec(service, '1.0.5+5555555'), wait: true });
  assert.equal(rb.result?.outcome, 'rolled-back');

  // What a drill does to the environment is not a deployment: a release tagged as a drill's ...
  const drillRelease = await h.client.workflow.start('deployWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: deployWorkflowId(service, env),
    args: [spec(service, '1.3.0+7777777')],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SluiceKind, value: 'drill' },
      { key: SluiceService, value: service },
      { key: SluiceEnvironment, value: env },
    ]),
  });
  assert.equal((await settleDeployment(drillRelease.result() as Promise<DeploymentResult>)).outcome, 'promoted');
  // ... and three scheduled drills: one passed (restore 1.2s), one failed (restore 9s), one skipped.
  const drillResults: DrillResult[] = [];
  for (const [i, requestedBy] of ['test:pass', 'test:fail', 'test:skip'].entries()) {
    const request: DrillRequest = { kind: 'bad-canary', spec: spec(service, '1.2.1+3333333'), requestedBy };
    drillResults.push(
      await client.temporal.workflow.execute<(r: DrillRequest) => Promise<DrillResult>>(SCHEDULED_DRILL_WORKFLOW, {
        taskQueue: drills.taskQueue,
        workflowId: `${drillWorkflowId(service, env)}/${i}`,
        args: [request],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SluiceKind, value: 'drill' },
          { key: SluiceService, value: service },
          { key: SluiceEnvironment, value: env },
        ]),
      }),
    );
  }

  // Visibility is eventually consistent: wait until it lists every closed execution of the script.
  const since = new Date(t0 - HOUR);
  const scope = { service, environment: env, since };
  await eventually(
    'visibility to list the scripted history',
    async () => {
      const [deploys, rollbacks, drillRuns] = await Promise.all(
        ['deployWorkflow', 'rollbackWorkflow', DRILL_WORKFLOW].map((type) => client.temporal.workflow.count(deliveryQuery(type, scope)).then((c) => c.count)),
      );
      return deploys === 5 && rollbacks === 1 && drillRuns === 3 ? true : undefined;
    },
    30_000,
  );
  const history = await readDeliveryHistory(client.temporal, scope);
  assert.equal(history.deploys.length, 4, 'the release tagged as a drill is left out');

  const lead = twoValueFigures(promotedAt(r1) - (t0 - HOUR), promotedAt(r3) - (t0 - 3 * HOUR));
  assert.ok(r2.timeToRollbackMs! > 0 && rb.result!.durationMs > 0);
  const recovery = twoValueFigures(r2.timeToRollbackMs!, rb.result!.durationMs);
  const expected = {
    // R1, R3, R4 promoted; the drill's release and the drills are not deployments.
    deploymentFrequency: { deployments: 3, perDay: 3, bucket: 'on-demand' },
    // R4's commit time is after its promotion: ignored, two samples remain.
    changeLeadTime: { samples: 2, ...lead },
    // R2 rolled back, R4 undone by the rollback; four releases reached the environment.
    changeFailRate: { failures: 2, deployments: 4, rate: 0.5 },
    recoveryTime: { samples: 2, ...recovery },
    // The rollback and R4 (1.0.5 replacing 1.2.1), over three promotions and one rollback.
    reworkRate: { rework: 2, deployments: 4, rate: 0.5 },
    // The skipped one judged nothing: counted apart, out of the pass rate.
    drills: { count: 2, passed: 1, aborted: 0, skipped: 1, passRate: 0.5, restoreMedianMs: (1200 + 9000) / 2, restoreWorstMs: 9000 },
  };
  assert.deepEqual(
    drillResults.map((d) => d.outcome),
    ['passed', 'failed', 'skipped'],
  );

  const record = await deliveryRecord(client.temporal, { service, environment: env, windowMs: DAY });
  assert.equal(record.groups.length, 1);
  assert.deepEqual(record.groups[0]!.figures, expected);
  assert.deepEqual(record.total, expected);

  // The CLI prints the same record.
  const cli = await runCli(['stats', service, env, '--since', '1d', '--output', 'json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).groups[0].figures, expected);

  // The worker's gauges read the same from visibility (scoped to this harness's task queue, as a
  // worker fleet reads its own; the fake drills ran on another queue, so no drill gauges here).
  const registry = new Registry();
  registerDeliveryRecord(registry, visibilityDeliveryLister(client.temporal, { taskQueue: h.taskQueue }), { waitMs: 30_000 });
  const page = parseExposition(await registry.metrics());
  const gauge = (name: string, labels: Record<string, string> = {}) => samples(page, name, { service, environment: env, ...labels })[0]?.value;
  assert.equal(gauge('sluice_deployments'), 3);
  assert.equal(gauge('sluice_deployment_frequency_per_day'), 3 / 30);
  assert.equal(gauge('sluice_change_fail_rate'), 0.5);
  assert.equal(gauge('sluice_rework_rate'), 0.5);
  assert.equal(gauge('sluice_lead_time_seconds', { quantile: '0.5' }), lead.medianMs / 1000);
  assert.equal(gauge('sluice_recovery_time_seconds', { quantile: '0.9' }), recovery.p90Ms / 1000);
  assert.equal(gauge('sluice_drill_pass_rate'), undefined);
});
