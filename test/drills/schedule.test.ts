/**
 * Drill schedules end to end on the real Temporal dev server: a real Schedule starts the drill
 * workflow by itself, SKIP keeps it from overlapping a running one, and pause, unpause, trigger,
 * delete and history work. The drill workflow here is a fake on purpose (support.ts): it holds for
 * a set time, so overlap and pause are checked without a service to break; the schedule, its
 * policies, the visibility query and the search attributes are real. Real drills started by a
 * real Schedule are test/drills/e2e-schedule.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  deleteDrillSchedule,
  describeDrillSchedule,
  isClientError,
  listDrillHistory,
  listDrillSchedules,
  pauseDrillSchedule,
  scheduleDrill,
  SluiceClient,
  triggerDrillSchedule,
  unpauseDrillSchedule,
  type ScheduleContext,
} from '../../src/client';
import { drillScheduleId } from '../../src/domain/drill';
import { ErrorType } from '../../src/domain/errors';
import { newService, spec } from '../workflows/support/harness';
import { eventually, stackConnectionSettings } from '../helpers/stack';
import { startFakeDrillWorker, type FakeDrillWorker } from './support';

const HOLD_MS = 3000;
let worker: FakeDrillWorker;
let client: SluiceClient;
let ctx: ScheduleContext;

before(async () => {
  worker = await startFakeDrillWorker(() => ({ outcome: 'passed', timeToDetectMs: 400, timeToRestoreMs: 900, budgetMs: 300_000, holdMs: HOLD_MS }));
  client = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: worker.taskQueue });
  ctx = { temporal: client.temporal, taskQueue: client.taskQueue, namespace: client.namespace, uiUrl: client.settings.uiUrl };
});
after(async () => {
  await client?.close();
  await worker?.close();
});

/**
 * Deletes the schedule and ends the drills it left running. Deleting a schedule does not stop
 * them, and this fake's worker goes with the suite, so they would stay open on the shared stack
 * for good. Paused first: the schedule's own list of running drills (visibility lags) is then
 * the whole list.
 */
async function deleteAndEndRuns(ref: Parameters<typeof deleteDrillSchedule>[1]): Promise<void> {
  await pauseDrillSchedule(ctx, ref, 'the test ends');
  const { running } = await describeDrillSchedule(ctx, ref);
  await deleteDrillSchedule(ctx, ref);
  for (const run of running)
    await client.temporal.workflow
      .getHandle(run.workflowId, run.runId)
      .terminate('the test ends')
      .catch(() => undefined);
}

function runsOf(service: string) {
  return worker.runs.filter((r) => r.service === service);
}

test('a scheduled drill runs by itself, never over a running one, and pause/trigger/unpause/delete/history work', async (t) => {
  const service = newService('drsched');
  const s = spec(service, '1.0.0+aaaaaaa');
  const ref = { service, environment: s.environment, kind: 'bad-canary' as const };
  const id = drillScheduleId(service, s.environment, 'bad-canary');
  t.after(() => deleteAndEndRuns(ref).catch(() => undefined));

  // Every 2s while each drill holds 3s: without SKIP they would stack up.
  const created = await scheduleDrill(ctx, s, 'bad-canary', { every: '2s' });
  assert.deepEqual([created.scheduleId, created.created], [id, true]);
  const again = await scheduleDrill(ctx, s, 'bad-canary', { every: '2s' });
  assert.equal(again.created, false, 'scheduling again updates in place');

  await eventually('two scheduled drills finished', async () => (runsOf(service).filter((r) => r.endedAt).length >= 2 ? true : undefined), 40_000, 200);
  const described = await eventually(
    'a skipped action',
    async () => {
      const d = await describeDrillSchedule(ctx, ref);
      return d.skippedOverlap >= 1 ? d : undefined;
    },
    20_000,
  );
  assert.equal(described.cadence, 'every 2s');
  assert.equal(described.paused, false);

  // SKIP: no drill began before the one before it ended.
  const runs = [...runsOf(service)].sort((a, b) => a.beganAt - b.beganAt);
  for (let i = 1; i < runs.length; i++) {
    assert.ok(runs[i - 1]!.endedAt !== undefined && runs[i - 1]!.endedAt! <= runs[i]!.beganAt, `drill ${i} began before drill ${i - 1} ended`);
  }
  assert.ok(runs.every((r) => r.requestedBy === `schedule:${id}`));

  // Pause: once no drill runs, the schedule takes no action for two intervals plus a hold. (A
  // drill the schedule started just before the pause still runs; the schedule's own count says.)
  await pauseDrillSchedule(ctx, ref, 'paused by the test');
  assert.equal((await describeDrillSchedule(ctx, ref)).paused, true);
  const paused = await eventually(
    'no drill running',
    async () => {
      const d = await describeDrillSchedule(ctx, ref);
      return d.running.length === 0 && runsOf(service).length === d.actionsTaken && runsOf(service).every((r) => r.endedAt) ? d : undefined;
    },
    15_000,
    100,
  );
  const beforePause = runsOf(service).length;
  await sleep(2 * 2000 + 500);
  assert.equal((await describeDrillSchedule(ctx, ref)).actionsTaken, paused.actionsTaken, 'a paused schedule took an action');
  assert.equal(runsOf(service).length, beforePause, 'a paused schedule started a drill');

  // Trigger runs it now, paused or not.
  await triggerDrillSchedule(ctx, ref);
  await eventually('the triggered drill', async () => (runsOf(service).length > beforePause ? true : undefined), 15_000, 100);

  await unpauseDrillSchedule(ctx, ref, 'unpaused by the test');
  assert.equal((await describeDrillSchedule(ctx, ref)).paused, false);
  await eventually('a drill after unpause', async () => (runsOf(service).length > beforePause + 1 ? true : undefined), 20_000, 100);

  const listed = await eventually(
    'the schedule in the list',
    async () => {
      const all = await listDrillSchedules(ctx, { service });
      return all.length === 1 ? all : undefined;
    },
    20_000,
  );
  assert.equal(listed[0]!.scheduleId, id);

  // History: the finished drills, from visibility, with their results and who asked.
  const history = await eventually(
    'drill history',
    async () => {
      const h = await listDrillHistory(ctx, ref);
      return h.filter((e) => e.outcome === 'passed').length >= 3 ? h : undefined;
    },
    20_000,
  );
  const done = history.filter((e) => e.outcome === 'passed');
  assert.ok(done.every((e) => e.kind === 'bad-canary' && e.timeToRestoreMs === 900 && e.timeToDetectMs === 400 && e.budgetMs === 300_000 && e.requestedBy === `schedule:${id}`));
  assert.ok(done.every((e) => e.workflowId.startsWith(`drill/${service}/${s.environment}`)));

  await deleteAndEndRuns(ref);
  await assert.rejects(describeDrillSchedule(ctx, ref), (err) => isClientError(err, ErrorType.DrillScheduleNotFound));
  await assert.rejects(pauseDrillSchedule(ctx, ref, 'x'), (err) => isClientError(err, ErrorType.DrillScheduleNotFound) && /drill list/.test((err as Error).message));
});
