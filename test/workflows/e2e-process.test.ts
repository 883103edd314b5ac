/**
 * End to end on the real stack: the same deployWorkflow and specs as the other workflow tests,
 * with the process target (versioned go-service binaries under the pid-file supervisor) behind
 * the HAProxy router, through a worker wired exactly like production (createSluiceActivities).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { createDeployActivities } from '../../src/activities/deploy';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { abortSignal, approveUpdate } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { adapterConfig, catalogue, freePort, uniqueName } from '../helpers/stack';
import { freePortBlock, serviceBinary } from '../targets/fixtures';
import { startE2eWorker, versionsThroughRouter, type E2eWorker } from './support/e2e';
import { release, waitForStatus } from './support/harness';
import { haproxyRouter, processTarget } from './support/process-release';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const BAD = '1.2.0-bad+ccc3333';

const service = uniqueName('e2e').slice(0, 40);
let listenPort: number;
let basePort: number;
let binaries: Record<string, string>;
let e2e: E2eWorker;

const router = () => haproxyRouter(listenPort, 2000);
// Pid files, logs and retained binaries in the test's temp dir, removed with it.
const target = () => processTarget(join(e2e.dir, 'processes'), basePort, { [BAD]: { FAULT_HEALTHZ_FAIL: 'true' } });

function specFor(version: string, strategy: ReleaseSpecInput['strategy']) {
  return validateReleaseSpec(
    {
      service,
      environment: 'e2e',
      source: { kind: 'prebuilt', version, binaryPath: binaries[version]! },
      target: target(),
      router: router(),
      strategy,
      healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
    } satisfies ReleaseSpecInput,
    catalogue,
  );
}

async function deploy(version: string, strategy: ReleaseSpecInput['strategy']) {
  return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
    taskQueue: e2e.taskQueue,
    workflowId: deployWorkflowId(service, 'e2e'),
    args: [specFor(version, strategy)],
  });
}

const sample = (n: number) => versionsThroughRouter(listenPort, n);

before(async () => {
  listenPort = await freePort();
  basePort = await freePortBlock(5);
  e2e = await startE2eWorker('e2e');
  const v1 = await serviceBinary(V1);
  const v2 = await serviceBinary(V2);
  binaries = { [V1]: v1, [V2]: v2, [BAD]: v2 };
});

after(async () => {
  // Leave nothing behind: every process of the service, then its HAProxy frontend.
  await e2e?.stop(
    () => ({ service, environment: 'e2e', target: target(), router: router() }),
    [V1, V2, BAD].map((v) => release(service, v)),
  );
});

test('first release, then a canary with an approval gate is promoted through HAProxy', { timeout: 300000 }, async (t) => {
  const first = await settleDeployment((await deploy(V1, { kind: 'canary', steps: [{ setWeight: 100 }] })).result());
  assert.equal(first.outcome, 'promoted', first.message);
  assert.deepEqual(await sample(10), { [V1]: 10 });

  const handle = await deploy(V2, {
    kind: 'canary',
    steps: [{ setWeight: 10 }, { pause: { duration: '2s' } }, { setWeight: 50 }, { analysis: {} }, { pause: {} }],
    scaleDownDelay: '1s',
  });
  await waitForStatus(handle, 'the approval gate', (s) => s.phase === 'awaiting-approval', 120000);
  const split = await sample(40);
  t.diagnostic(`at 50%: ${JSON.stringify(split)}`);
  // HAProxy balances round-robin by weight: 40 requests at 50% split 20/20 (every run measured).
  // ±4 (50% ± 10 points) is "about half"; 10 of 40 is not.
  assert.ok(Math.abs((split[V1] ?? 0) - 20) <= 4 && Math.abs((split[V2] ?? 0) - 20) <= 4, `about half the requests reach each version at 50%: ${JSON.stringify(split)}`);
  await handle.executeUpdate(approveUpdate, { args: ['e2e'] });
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.deepEqual(await sample(10), { [V2]: 10 });
});

test('a release whose /healthz fails is rolled back; the stable keeps all traffic', { timeout: 300000 }, async () => {
  const handle = await deploy(BAD, { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '10s' } }, { setWeight: 100 }] });
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.HealthCheckFailed);
  assert.deepEqual(await sample(10), { [V2]: 10 });
  const left = await createDeployActivities({ config: adapterConfig, logger: pino({ level: 'warn' }) }).currentRelease({
    service,
    environment: 'e2e',
    target: target(),
    router: router(),
  });
  assert.equal(left?.version, V2);
});

test('an abort at canary 10% sends everything back to the stable', { timeout: 300000 }, async () => {
  const handle = await deploy(BAD, { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '60s' } }] });
  await waitForStatus(handle, 'the 10% pause', (s) => s.phase === 'canary' && s.weight === 10, 120000);
  await handle.signal(abortSignal, 'e2e abort', 'tester');
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'aborted');
  assert.ok(res.timeToRollbackMs !== null && res.timeToRollbackMs < 15000, `time to rollback ${res.timeToRollbackMs} ms`);
  assert.deepEqual(await sample(10), { [V2]: 10 });
});
