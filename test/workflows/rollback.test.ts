import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Reason } from '../../src/domain/reasons';
import { SluiceSummary } from '../../src/domain/search-attributes';
import { rollbackResultFromError } from '../../src/domain/result';
import type { RollbackRequest } from '../../src/domain/status';
import { rollbackWorkflowId } from '../../src/workflows/ids';
import type { rollbackWorkflow } from '../../src/workflows';
import { FILE_FAKE, readCalls, readState, writeRetained } from './support/file-target';
import { newService, release, seedStable, startHarness, type Harness } from './support/harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

function rollback(service: string, toVersion?: string, workflowId = `${rollbackWorkflowId(service, 'test')}/${Date.now()}`) {
  const request: RollbackRequest = {
    service,
    environment: 'test',
    target: { kind: FILE_FAKE, settings: {} },
    router: { kind: 'none', settings: {} },
    ...(toVersion ? { toVersion } : {}),
  };
  return h.client.workflow.execute<typeof rollbackWorkflow>('rollbackWorkflow', {
    taskQueue: h.taskQueue,
    workflowId,
    args: [request],
  });
}

test('rollbackWorkflow goes back to the previous retained release, or to a named one', async () => {
  const service = newService('rb');
  seedStable(h, service, '1.4.3+ccccccc');
  writeRetained(
    h.dir,
    service,
    ['1.4.3+ccccccc', '1.4.2+bbbbbbb', '1.4.1+aaaaaaa'].map((v) => release(service, v)),
  );

  const backId = `${rollbackWorkflowId(service, 'test')}/back`;
  const back = await rollback(service, undefined, backId);
  assert.equal(back.outcome, 'rolled-back');
  const listed = (await h.client.workflow.getHandle(backId).describe()).typedSearchAttributes.get(SluiceSummary);
  assert.equal(listed, `rollback ${service} 1.4.3+ccccccc → 1.4.2+bbbbbbb`, 'the Web UI list line');
  assert.equal(back.reason, Reason.RolledBackToRelease);
  assert.equal(back.from?.version, '1.4.3+ccccccc');
  assert.equal(back.to?.version, '1.4.2+bbbbbbb');
  assert.equal(readState(h.dir, service, 'test').stable?.version, '1.4.2+bbbbbbb');

  const named = await rollback(service, 'v1.4.1');
  assert.equal(named.to?.version, '1.4.1+aaaaaaa');
  assert.equal(readState(h.dir, service, 'test').stable?.version, '1.4.1+aaaaaaa');
  const calls = readCalls(h.dir, service).filter((c) => c.name === 'rollbackToRelease');
  assert.deepEqual(
    calls.map((c) => [c.version, c.note]),
    [
      ['1.4.2+bbbbbbb', '1.4.3+ccccccc'],
      ['1.4.1+aaaaaaa', '1.4.2+bbbbbbb'],
    ],
  );
});

test('rolling back to a version that is not retained fails with the list of what is', async () => {
  const service = newService('rbmiss');
  seedStable(h, service, '1.4.3+ccccccc');
  writeRetained(h.dir, service, [release(service, '1.4.3+ccccccc')]);
  await assert.rejects(rollback(service, '0.9.0'), (err: unknown) => {
    const res = rollbackResultFromError(err);
    assert.ok(res, `a RollbackResult rides on the failure: ${String(err)}`);
    assert.equal(res.outcome, 'failed');
    assert.equal(res.reason, Reason.ReleaseNotRetained);
    assert.match(res.message, /0\.9\.0 is not a retained release \(retained: 1\.4\.3\+ccccccc\)/);
    return true;
  });
  assert.equal(readState(h.dir, service, 'test').stable?.version, '1.4.3+ccccccc', 'nothing changed');
});
