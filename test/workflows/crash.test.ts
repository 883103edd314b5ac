import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { settleDeployment } from '../../src/domain/result';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { eventually, temporalClient, uniqueName } from '../helpers/stack';
import { FILE_FAKE, readCalls, readState, writeState } from './support/file-target';
import { release, spec } from './support/harness';
import { startHealthServer } from './support/health-server';

let client: Client;
let connection: Connection;
let health: Awaited<ReturnType<typeof startHealthServer>>;
let dir: string;
const children: ChildProcess[] = [];

before(async () => {
  ({ client, connection } = await temporalClient());
  health = await startHealthServer();
  dir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
});
after(async () => {
  await Promise.all(children.map(killHard));
  await connection?.close();
  await health?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a worker SIGKILLed during a health window is replaced and the release finishes correctly', { timeout: 180000 }, async () => {
  const taskQueue = uniqueName('crash');
  const service = uniqueName('crash').slice(0, 50);
  writeState(dir, service, 'test', { stable: release(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
  const entry = require.resolve('./support/worker-process');
  const first = spawnNode(entry, [taskQueue, dir, health.base]);
  children.push(first);
  await waitForLine(first, 'ready', 120000);

  const s = spec(service, '2.0.0+bbbbbbb', {
    strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '8s' } }, { setWeight: 60 }], scaleDownDelay: '1s' },
    healthCheck: { interval: '300ms', failureThreshold: 3, timeout: '1s' },
  });
  const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [s] });
  await eventually(
    'the health window to be running',
    async () => {
      const st = await handle.query(statusQuery);
      return st.phase === 'analysing' && st.lastCheck?.ok ? st : undefined;
    },
    60000,
    100,
  );
  const hitsBefore = health.hits();
  await killHard(first);

  // Nobody runs the workflow for a moment; its timers keep running in the server.
  await new Promise((r) => setTimeout(r, 1500));
  const second = spawnNode(entry, [taskQueue, dir, health.base]);
  children.push(second);
  await waitForLine(second, 'ready', 120000);

  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.ok((res.phaseDurations.analysing ?? 0) >= 8000, `the whole 8s window ran (${res.phaseDurations.analysing} ms)`);
  assert.ok(health.hits() > hitsBefore, 'the replacement worker kept probing');

  const state = readState(dir, service, 'test');
  assert.equal(state.stable?.version, '2.0.0+bbbbbbb');
  assert.equal(state.canary, null);
  assert.deepEqual(state.warm, []);
  const weights = readCalls(dir, service)
    .filter((c) => c.name === 'setTrafficWeight')
    .map((c) => c.weight);
  assert.deepEqual(weights, [20, 60], 'each step ran exactly once across both workers');

  const history = await handle.fetchHistory();
  const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
  assert.equal(identities[0], `wf-worker-${first.pid}`);
  assert.equal(identities.at(-1), `wf-worker-${second.pid}`);
});

/** The started attempts of an activity type the history records (the server writes the last one, when it closes). */
async function attemptsOf(handle: { fetchHistory(): Promise<{ events?: temporal.api.history.v1.IHistoryEvent[] | null }> }, activityType: string) {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType).map((e) => String(e.eventId)));
  return events
    .filter((e) => e.activityTaskStartedEventAttributes && scheduled.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)))
    .map((e) => ({ attempt: e.activityTaskStartedEventAttributes!.attempt ?? 0, identity: e.activityTaskStartedEventAttributes!.identity ?? '' }));
}

test('a deploy step longer than its heartbeat timeout, silent itself, completes in one attempt: the worker beats for it', { timeout: 120000 }, async () => {
  const taskQueue = uniqueName('silent');
  const service = uniqueName('silent').slice(0, 50);
  writeState(dir, service, 'test', { stable: release(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
  const worker = spawnNode(require.resolve('./support/worker-process'), [taskQueue, dir, health.base]);
  children.push(worker);
  await waitForLine(worker, 'ready', 120000);
  // 13 s: longer than the steps' 10 s heartbeat timeout (STEP_HEARTBEAT_TIMEOUT).
  const s = spec(service, '2.0.0+bbbbbbb', { target: { kind: FILE_FAKE, settings: { silentDeployMs: 13000 } }, strategy: { kind: 'canary', steps: [{ setWeight: 100 }] } });
  const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [s] });
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.deepEqual(
    (await attemptsOf(handle, 'deployCandidate')).map((a) => a.attempt),
    [1],
    'no heartbeat timeout: the one attempt ran to the end',
  );
});

test('a worker SIGKILLed in the middle of a deploy step: the step runs again on the other worker within the heartbeat timeout', { timeout: 120000 }, async () => {
  const taskQueue = uniqueName('midstep');
  const service = uniqueName('midstep').slice(0, 50);
  writeState(dir, service, 'test', { stable: release(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
  const entry = require.resolve('./support/worker-process');
  // Two workers from the start, as in production: whichever takes the step is killed during it.
  const workers = [spawnNode(entry, [taskQueue, dir, health.base]), spawnNode(entry, [taskQueue, dir, health.base])];
  children.push(...workers);
  await Promise.all(workers.map((w) => waitForLine(w, 'ready', 120000)));
  const s = spec(service, '2.0.0+bbbbbbb', { target: { kind: FILE_FAKE, settings: { silentDeployMs: 4000 } }, strategy: { kind: 'canary', steps: [{ setWeight: 100 }] } });
  const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [s] });
  const running = await eventually(
    'the deploy step to be running',
    async () =>
      ((await handle.describe()).raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'deployCandidate' && a.lastStartedTime && a.lastWorkerIdentity) ?? undefined,
    60000,
    100,
  );
  const victim = workers.find((w) => running.lastWorkerIdentity === `wf-worker-${w.pid}`);
  assert.ok(victim, `the step runs on one of the two workers: ${running.lastWorkerIdentity}`);
  const survivor = workers.find((w) => w !== victim)!;
  const killedAt = Date.now();
  await killHard(victim);

  const res = await settleDeployment(handle.result());
  const afterKillMs = Date.now() - killedAt;
  assert.equal(res.outcome, 'promoted', res.message);
  const attempts = await attemptsOf(handle, 'deployCandidate');
  assert.deepEqual(
    attempts.map((a) => a.attempt),
    [2],
    'the history keeps the attempt that completed: the second',
  );
  assert.equal(attempts[0]!.identity, `wf-worker-${survivor.pid}`, 'on the other worker');
  // The 10 s heartbeat timeout, the retry's 500 ms, the 4 s step again and the rest of the
  // release; the start-to-close timeout alone would have held the step for 3 minutes.
  assert.ok(afterKillMs < 45000, `the release finished ${afterKillMs} ms after the kill`);
  assert.equal(readState(dir, service, 'test').stable?.version, '2.0.0+bbbbbbb');
});
