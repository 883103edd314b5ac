import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Reason } from '../../src/domain/reasons';
import { SluicePhase, SluiceService, SluiceVersion } from '../../src/domain/search-attributes';
import { approveUpdate, statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { readCalls, readState } from './support/file-target';
import { newService, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from './support/harness';
import { ErrorType } from '../../src/domain/errors';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('canary 10% → pause 2s → 50% → approve gate → 100% is promoted, old version retired', async () => {
  const service = newService('canary');
  const old = seedStable(h, service, '1.0.0+aaaaaaa');
  const s = spec(service, '1.1.0+bbbbbbb', {
    strategy: {
      kind: 'canary',
      steps: [{ setWeight: 10 }, { pause: { duration: '2s' } }, { setWeight: 50 }, { analysis: { window: '1s' } }, { pause: {} }],
      scaleDownDelay: '1s',
    },
  });
  const handle = await startDeploy(h, s);

  // Before the gate: the approve update is refused, with a reason.
  await waitForStatus(handle, 'the 10% step', (st) => st.weight === 10);
  await assert.rejects(handle.executeUpdate(approveUpdate, { args: ['alice'] }), (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError, `got ${String(err)}`);
    assert.ok(err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.type, ErrorType.NotAwaitingApproval);
    assert.match(err.cause.message, /nothing awaits approval/);
    return true;
  });

  // During the pause the canary has 10% and the stable the rest.
  const during = readState(h.dir, service, 'test');
  assert.equal(during.canary?.release.version, '1.1.0+bbbbbbb');
  assert.equal(during.canary?.weight, 10);
  assert.equal(during.stable?.version, old.version);

  const gate = await waitForStatus(handle, 'the approval gate', (st) => st.phase === 'awaiting-approval', 30000);
  assert.equal(gate.weight, 50);
  assert.equal(gate.awaitingApproval?.gate, 'canary step 5 (pause)');
  assert.equal(gate.stepIndex, 4);
  assert.equal(gate.lastCheck?.ok, true, 'the analysis step probed the canary');
  // Waiting for approval is durable: nothing moves without it.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await handle.query(statusQuery)).phase, 'awaiting-approval');

  const ack = await handle.executeUpdate(approveUpdate, { args: ['alice'] });
  assert.equal(ack.approvedBy, 'alice');
  assert.equal(ack.gate, 'canary step 5 (pause)');

  const res = await result(handle);
  assert.equal(res.outcome, 'promoted');
  assert.equal(res.reason, Reason.Promoted);
  assert.equal(res.release?.version, '1.1.0+bbbbbbb');
  assert.equal(res.previous?.version, old.version);
  assert.equal(res.timeToRollbackMs, null);
  assert.ok((res.phaseDurations.canary ?? 0) >= 2000, `canary phase lasted ${res.phaseDurations.canary} ms (pause 2s)`);
  assert.ok((res.phaseDurations['awaiting-approval'] ?? 0) >= 500);

  const final = readState(h.dir, service, 'test');
  assert.equal(final.stable?.version, '1.1.0+bbbbbbb');
  assert.equal(final.canary, null);
  assert.deepEqual(final.warm, [], 'the old stable was retired after the scale-down delay');

  const calls = readCalls(h.dir, service).map((c) => `${c.name}${c.weight !== undefined ? `:${c.weight}` : ''}`);
  assert.deepEqual(calls, [
    'currentRelease',
    'deployCandidate',
    'setTrafficWeight:10',
    'setTrafficWeight:50',
    'promoteCandidate',
    'removeCandidate',
    'retireRelease',
    'pruneReleases',
  ]);

  const status = await handle.query(statusQuery);
  assert.equal(status.phase, 'succeeded');
  // This query replays the finished run, and the SDK does not keep workflow time across a replay
  // in one case: a query answered while local activities run. Live, their results then wait for a
  // new workflow task and take its time; replayed, they take the time recorded with them. Phase
  // durations may differ by that one task (620 ms once in CI), so only the phases are compared;
  // the CLI shows the recorded result.
  const { phaseDurations: replayedDurations, ...replayed } = status.result ?? { phaseDurations: {} };
  const { phaseDurations, ...recorded } = res;
  assert.deepEqual(replayed, recorded);
  assert.deepEqual(Object.keys(replayedDurations), Object.keys(phaseDurations));
  const types = status.events.map((e) => e.type);
  for (const t of ['started', 'approval-requested', 'approved', 'finished'] as const) assert.ok(types.includes(t), `event ${t} logged`);

  const description = await handle.describe();
  assert.equal(description.typedSearchAttributes.get(SluiceService), service);
  assert.equal(description.typedSearchAttributes.get(SluiceVersion), '1.1.0+bbbbbbb');
  assert.equal(description.typedSearchAttributes.get(SluicePhase), 'succeeded');
});

test('a second release of the same service and environment is refused, naming the running workflow', async () => {
  const service = newService('dup');
  seedStable(h, service, '1.0.0+aaaaaaa');
  const s = spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] } });
  const first = await startDeploy(h, s);
  await waitForStatus(first, 'the gate', (st) => st.phase === 'awaiting-approval');

  await assert.rejects(startDeploy(h, spec(service, '1.2.0+ccccccc')), (err: unknown) => {
    assert.ok(err instanceof WorkflowExecutionAlreadyStartedError, `got ${String(err)}`);
    assert.equal(err.workflowId, deployWorkflowId(service, 'test'));
    assert.equal(err.workflowId, `deploy/${service}/test`);
    return true;
  });

  await first.signal('abort', 'test over', 'tester');
  const res = await result(first);
  assert.equal(res.outcome, 'aborted');
  assert.equal(readState(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
});
