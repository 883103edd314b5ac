/**
 * One change at a time per service and environment (src/workflows/change-lock.ts): a rollback
 * while a release runs is refused, and a release while a rollback runs, each naming the other and
 * changing nothing. Real Temporal; the file-fake target (a fake on purpose: the lock is workflow
 * logic, no data path involved).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Reason } from '../../src/domain/reasons';
import { rollbackResultFromError } from '../../src/domain/result';
import type { RollbackRequest } from '../../src/domain/status';
import type { rollbackWorkflow } from '../../src/workflows';
import { deployWorkflowId, rollbackWorkflowId } from '../../src/workflows/ids';
import { eventually } from '../helpers/stack';
import { FILE_FAKE, readCalls, readState, writeRetained } from './support/file-target';
import { newService, release, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from './support/harness';

const [V1, V2, V3] = ['1.0.0+aaaaaaa', '1.1.0+bbbbbbb', '1.2.0+ccccccc'];
let h: Harness;
before(async () => {
  h = await startHarness({ buildMs: 0 });
});
after(async () => {
  await h?.close();
});

function startRollback(service: string, settings: Record<string, unknown> = {}) {
  const request: RollbackRequest = { service, environment: 'test', target: { kind: FILE_FAKE, settings }, router: { kind: 'none', settings: {} } };
  return h.client.workflow.start<typeof rollbackWorkflow>('rollbackWorkflow', { taskQueue: h.taskQueue, workflowId: rollbackWorkflowId(service, 'test'), args: [request] });
}

async function rollbackOutcome(service: string) {
  try {
    return await (await startRollback(service)).result();
  } catch (err) {
    const carried = rollbackResultFromError(err);
    if (!carried) throw err;
    return carried;
  }
}

test('a rollback while a release of the same service and environment runs is refused, naming it, and changes nothing', async () => {
  const service = newService('lockrb');
  seedStable(h, service, V2);
  writeRetained(
    h.dir,
    service,
    [V2, V1].map((v) => release(service, v)),
  );
  // A release held at an approval gate.
  const deploy = await startDeploy(h, spec(service, V3, { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] } }));
  await waitForStatus(deploy, 'the release waiting for approval', (s) => s.phase === 'awaiting-approval');

  const refused = await rollbackOutcome(service);
  assert.equal(refused.outcome, 'failed');
  assert.equal(refused.reason, Reason.ChangeInProgress);
  assert.match(refused.message, new RegExp(`a release of ${service} to test is running \\(${deployWorkflowId(service, 'test')}\\)`));
  assert.equal(readCalls(h.dir, service).filter((c) => c.name === 'rollbackToRelease').length, 0);

  await deploy.signal('abort', 'test done', 'test');
  assert.equal((await result(deploy)).outcome, 'aborted');
  assert.equal(readState(h.dir, service, 'test').stable?.version, V2);
  // Once the release has closed, the same rollback goes through.
  const back = await rollbackOutcome(service);
  assert.equal(back.outcome, 'rolled-back', back.message);
  assert.equal(readState(h.dir, service, 'test').stable?.version, V1);
});

test('a release while a rollback of the same service and environment runs is refused, naming it, and changes nothing', async () => {
  const service = newService('lockdp');
  seedStable(h, service, V2);
  writeRetained(
    h.dir,
    service,
    [V2, V1].map((v) => release(service, v)),
  );
  // A rollback that takes a while (the fake's knob).
  const rollback = await startRollback(service, { rollbackMs: 4000 });
  await eventually('the rollback switching', async () => {
    const pending = (await rollback.describe()).raw.pendingActivities ?? [];
    return pending.some((a) => a.activityType?.name === 'rollbackToRelease') || undefined;
  });

  const refused = await result(await startDeploy(h, spec(service, V3)));
  assert.equal(refused.outcome, 'failed');
  assert.equal(refused.reason, Reason.ChangeInProgress);
  assert.match(refused.message, new RegExp(`a rollback of ${service} in test is running \\(${rollbackWorkflowId(service, 'test')}\\); this release changed nothing`));
  assert.equal(readCalls(h.dir, service).filter((c) => c.name === 'deployCandidate').length, 0);

  assert.equal((await rollback.result()).outcome, 'rolled-back');
  assert.equal(readState(h.dir, service, 'test').stable?.version, V1);
});
