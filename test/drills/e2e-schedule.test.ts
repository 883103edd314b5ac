/**
 * Scheduled drills end to end: a real Temporal Schedule (scheduleDrill, as `sluice drill
 * schedule` creates it) starts the real drillWorkflow, on a worker wired like production
 * (createSluiceActivities), against the process target behind HAProxy with analysis on the real
 * Prometheus. Versions are checked where users see them: through the router.
 * - each kind, on its own schedule every 15 s, runs twice by itself and passes on the healthy
 *   service; `drill history` shows both runs with their times and who asked; after each run the
 *   live version answers through the router again;
 * - drills of both kinds share one lock: a rollback-restore schedule firing while a scheduled
 *   bad-canary drill runs ends `skipped`, and its schedule is not paused;
 * - a release started (SluiceClient.deploy) while a scheduled drill runs aborts it and starts
 *   after it closed.
 * (test/drills/schedule.test.ts checks the schedule's own policies against a fake drill.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import {
  deleteDrillSchedule,
  describeDrillSchedule,
  listDrillHistory,
  pauseDrillSchedule,
  scheduleDrill,
  SluiceClient,
  triggerDrillSchedule,
  unpauseDrillSchedule,
  type DrillHistoryEntry,
  type ScheduleContext,
} from '../../src/client';
import { DRILL_KINDS, drillScheduleId, drillWorkflowId, type DrillKind, type DrillResult } from '../../src/domain/drill';
import { settleDeployment } from '../../src/domain/result';
import type { DeploymentStatus } from '../../src/domain/status';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { eventually, stackConnectionSettings } from '../helpers/stack';
import { notificationTrace } from '../notify/drill-history';
import { retainBinary, startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { ProcessService, type SpecFields } from '../workflows/support/process-service';
import { assertReleaseWaitedForAbortedDrill } from '../workflows/support/drill';

const V1 = '1.0.0+ddd4444';
const V2 = '1.1.0+eee5555';
const EVERY = '15s';

let e2e: E2eWorker;
let svc: ProcessService;
let sluice: SluiceClient;
let ctx: ScheduleContext;

type Steps = Extract<NonNullable<SpecFields['strategy']>, { kind: 'canary' }>['steps'];
const ANALYSED: Steps = [
  { kind: 'setWeight', weight: 20 },
  { kind: 'analysis', templates: ['errors'] },
  { kind: 'setWeight', weight: 100 },
];

function fields(steps: Steps = ANALYSED): SpecFields {
  return {
    strategy: { kind: 'canary', steps, scaleDownDelay: '0s' },
    analysis: {
      templates: [{ ...defaultThresholdTemplate({ interval: '1000ms', count: 6, initialDelay: '5s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
      load: { ratePerSecond: 40, via: 'candidate' },
      rateWindow: '10s',
    },
    drill: { fault: { env: { FAULT_ERROR_RATE: '0.5' } }, budget: '5m' },
  };
}

const ref = (kind: DrillKind) => ({ service: svc.service, environment: svc.environment, kind });

async function history(kind: DrillKind): Promise<DrillHistoryEntry[]> {
  return (await listDrillHistory(ctx, { service: svc.service, environment: svc.environment }, { limit: 50 })).filter((e) => e.execution === 'RUNNING' || e.kind === kind);
}

/** Once no drill of the schedule runs (by the schedule's own account and by visibility). */
async function quiet(kind: DrillKind): Promise<void> {
  await eventually(
    `no ${kind} drill running`,
    async () => {
      const d = await describeDrillSchedule(ctx, ref(kind)).catch(() => undefined);
      const running = (await history(kind)).filter((e) => e.execution === 'RUNNING');
      return (d?.running.length ?? 0) === 0 && running.length === 0 ? true : undefined;
    },
    120_000,
  );
}

/**
 * Waits until the schedule has finished `n` drills by itself, then pauses it (no drill starts
 * while the router is read), waits until none runs, reads the version through the router, and
 * unpauses it. Returns the finished drills.
 */
async function finishedRuns(kind: DrillKind, n: number): Promise<DrillHistoryEntry[]> {
  await eventually(
    `${n} scheduled ${kind} drill(s) finished`,
    async () => {
      const done = (await history(kind)).filter((e) => e.outcome !== undefined);
      return done.length >= n ? done : undefined;
    },
    180_000,
    500,
  );
  await pauseDrillSchedule(ctx, ref(kind), 'the test reads the router');
  await quiet(kind);
  assert.deepEqual(await svc.versionsThroughRouter(10), { [V2]: 10 }, `after ${n} ${kind} drill(s) the live version serves all traffic`);
  await unpauseDrillSchedule(ctx, ref(kind), 'the test read the router');
  return (await history(kind)).filter((e) => e.outcome !== undefined);
}

/** The drill's release under the release id, running, when `ok` accepts its status. */
async function drillRelease(ok: (st: DeploymentStatus) => boolean): Promise<DeploymentStatus | undefined> {
  const described = await e2e.client.workflow
    .getHandle(deployWorkflowId(svc.service, svc.environment))
    .describe()
    .catch(() => undefined);
  if (described?.status.name !== 'RUNNING' || described.searchAttributes.SluiceKind?.[0] !== 'drill') return undefined;
  const st = await e2e.client.workflow
    .getHandle(described.workflowId, described.runId)
    .query(statusQuery)
    .catch(() => undefined);
  return st && ok(st) ? st : undefined;
}

before(async () => {
  e2e = await startE2eWorker('drill-sched');
  svc = await ProcessService.create(e2e, { prefix: 'drill-sched', versions: [V1, V2] });
  // Retained as a build would retain them: rollback-restore goes back to V1 and forth to V2.
  for (const v of [V1, V2]) retainBinary(join(e2e.dir, 'artifacts'), svc.service, v, svc.binaries[v]!);
  sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: e2e.taskQueue });
  ctx = { temporal: sluice.temporal, taskQueue: sluice.taskQueue, namespace: sluice.namespace, uiUrl: sluice.settings.uiUrl };
  for (const v of [V1, V2]) {
    const res = await settleDeployment(
      (await svc.deploy(v, { strategy: { kind: 'canary', steps: [{ kind: 'setWeight', weight: 100 }] } })).result() as ReturnType<typeof deployWorkflow>,
    );
    assert.equal(res.outcome, 'promoted', res.message);
  }
  assert.deepEqual(await svc.versionsThroughRouter(5), { [V2]: 5 });
});

after(async () => {
  if (ctx) for (const kind of DRILL_KINDS) await deleteDrillSchedule(ctx, ref(kind)).catch(() => undefined);
  await sluice?.close();
  await e2e?.stop(() => svc.ref(), svc.releases());
});

for (const kind of DRILL_KINDS) {
  test(`a ${kind} drill on a schedule every ${EVERY} runs twice by itself, passes, and leaves the live version live`, { timeout: 400_000 }, async () => {
    const id = drillScheduleId(svc.service, svc.environment, kind);
    await scheduleDrill(ctx, svc.spec(V2, fields()), kind, { every: EVERY });
    try {
      await finishedRuns(kind, 1);
      const runs = await finishedRuns(kind, 2);
      for (const run of runs) {
        assert.equal(run.outcome, 'passed', `${run.workflowId}: ${run.execution}`);
        assert.equal(run.requestedBy, `schedule:${id}`, 'started by the schedule, not by the test');
        // The drill runs under the drill lock, as the child of the schedule's run (whose id carries the scheduled time).
        assert.equal(run.workflowId, drillWorkflowId(svc.service, svc.environment));
        const parent = (await e2e.client.workflow.getHandle(run.workflowId, run.runId).describe()).parentExecution?.workflowId;
        assert.ok(parent?.startsWith(`${id}-`), `${parent}: the schedule appends the scheduled time`);
        assert.equal(run.budgetMs, 5 * 60_000);
        assert.ok(run.timeToRestoreMs !== null && run.timeToRestoreMs !== undefined && run.timeToRestoreMs >= 0, `time to restore ${run.timeToRestoreMs}`);
        if (kind === 'bad-canary') assert.ok(typeof run.timeToDetectMs === 'number' && run.timeToDetectMs > 0, `time to detect ${run.timeToDetectMs}`);
        else assert.equal(run.timeToDetectMs, null);
        assert.ok((run.timeToDetectMs ?? 0) + run.timeToRestoreMs <= run.budgetMs);
        const result = (await e2e.client.workflow.getHandle(run.workflowId, run.runId).result()) as DrillResult;
        assert.deepEqual([result.live?.version, result.after?.version], [V2, V2]);
        // No sinks in the spec: no notification command, not even the patch marker.
        const trace = await notificationTrace(e2e.client, run.workflowId, run.runId);
        assert.ok(!trace.patches.includes('drill-notifications') && !trace.children.includes('notifyWorkflow'), JSON.stringify(trace));
        console.log(`scheduled ${kind} ${run.workflowId}: ${result.message}`);
      }
      assert.ok(new Set(runs.map((r) => r.runId)).size >= 2, 'two distinct scheduled runs');
    } finally {
      // Paused, not deleted, until nothing runs: a run the schedule had just started (CI: a
      // bad-canary at :30, while the test asserted) is in the schedule's own running list before
      // its drill child shows in visibility. Deleted first, that list was gone, quiet() saw
      // nothing, and the next test's first drill was skipped on the lock the child then took.
      await pauseDrillSchedule(ctx, ref(kind), 'the test ends');
      await quiet(kind);
      await deleteDrillSchedule(ctx, ref(kind));
    }
    assert.deepEqual(await svc.versionsThroughRouter(10), { [V2]: 10 });
  });
}

test('a drill of the other kind fired meanwhile is skipped; a release started while a scheduled drill runs aborts it', { timeout: 300_000 }, async () => {
  // A canary that holds: the scheduled drill is still running when the release comes.
  const slow = fields([
    { kind: 'setWeight', weight: 20 },
    { kind: 'pause', duration: '5m' },
    { kind: 'setWeight', weight: 100 },
  ]);
  await scheduleDrill(ctx, svc.spec(V2, slow), 'bad-canary', { every: EVERY });
  await eventually("the scheduled drill's canary to take traffic", () => drillRelease((s) => s.weight === 20 && s.phase === 'canary'), 60_000);
  const running = await eventually('the scheduled drill in visibility', async () => (await history('bad-canary')).find((e) => e.execution === 'RUNNING'), 30_000);
  const scheduledRun = (await e2e.client.workflow.getHandle(running.workflowId, running.runId).describe()).parentExecution?.workflowId;
  assert.ok(scheduledRun?.startsWith(`${drillScheduleId(svc.service, svc.environment, 'bad-canary')}-`), `${scheduledRun}: a scheduled drill, not a \`drill run\``);
  // No further drill from the schedule while the release runs.
  await deleteDrillSchedule(ctx, ref('bad-canary'));

  // The other kind's schedule fires now: it finds the drill's release running and skips, unpaused.
  await scheduleDrill(ctx, svc.spec(V2, fields()), 'rollback-restore', { every: '1h' });
  await triggerDrillSchedule(ctx, ref('rollback-restore'));
  const skipped = await eventually('the rollback-restore run to end skipped', async () => (await history('rollback-restore')).find((e) => e.outcome === 'skipped'), 60_000);
  const skippedResult = (await e2e.client.workflow.getHandle(skipped.workflowId, skipped.runId).result()) as DrillResult;
  assert.match(skippedResult.message, /is running/);
  assert.equal((await describeDrillSchedule(ctx, ref('rollback-restore'))).paused, false, 'a skip is no failure: the schedule runs on');
  await deleteDrillSchedule(ctx, ref('rollback-restore'));
  assert.equal((await history('bad-canary')).find((e) => e.execution === 'RUNNING')?.runId, running.runId, 'the bad-canary drill runs on, untouched');

  const release = await sluice.deploy(svc.spec(V2, { strategy: { kind: 'canary', steps: [{ kind: 'setWeight', weight: 100 }] } }));
  assert.equal(release.abortedDrill, running.workflowId);
  await assertReleaseWaitedForAbortedDrill(e2e.client, running, release);
  assert.deepEqual(await svc.versionsThroughRouter(10), { [V2]: 10 });
});
