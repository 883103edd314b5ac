/**
 * One drill per service and environment, of any kind, manual or scheduled (docs/drills.md): every
 * drill runs under drill/<service>/<environment>, and a scheduled run that finds that id taken,
 * or a release running, ends `skipped` instead of failing (which would pause its schedule).
 *
 * On the real dev server with the real workflows (drillWorkflow, scheduledDrillWorkflow,
 * deployWorkflow, rollbackWorkflow) and the real client, against the file-fake target, a fake on
 * purpose: its rollbacks take as long as the test asks, so one drill surely holds the lock while
 * another starts. Scheduled runs are started here as a Schedule would start them (same type, id
 * prefix, search attributes and request); real drills on real Schedules are
 * test/drills/e2e-schedule.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { isClientError, listDrillHistory, scheduleDrill } from '../../src/client';
import { startDrill } from '../../src/client/drill';
import { temporalUiUrl } from '../../src/dev/config';
import {
  DRILL_WORKFLOW,
  SCHEDULED_DRILL_KIND_VALUE,
  SCHEDULED_DRILL_WORKFLOW,
  drillScheduleId,
  drillWorkflowId,
  type DrillKind,
  type DrillRequest,
  type DrillResult,
} from '../../src/domain/drill';
import { ErrorType } from '../../src/domain/errors';
import { Reason } from '../../src/domain/reasons';
import { failureOfType } from '../../src/domain/result';
import { SluiceEnvironment, SluiceKind, SluiceService } from '../../src/domain/search-attributes';
import { eventually, stack, temporalClient } from '../helpers/stack';
import { FILE_FAKE, readState, writeRetained } from '../workflows/support/file-target';
import { newService, release, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from '../workflows/support/harness';

const V1 = '1.0.0+aaaaaaa';
const V2 = '1.1.0+bbbbbbb';
const V3 = '1.2.0+ccccccc';

let h: Harness;
let client: Client;
let connection: Connection;

before(async () => {
  ({ client, connection } = await temporalClient());
  // The drills' question to Temporal comes with the harness's deploy activities (workflowRunning).
  h = await startHarness({ buildMs: 0 });
});
after(async () => {
  await h?.close();
  await connection?.close();
});

/** A service with V2 live and V1 retained before it; `rollbackMs` slows each rollback down. */
function environment(prefix: string, rollbackMs = 0) {
  const service = newService(prefix);
  seedStable(h, service, V2);
  writeRetained(h.dir, service, [release(service, V1), release(service, V2)]);
  const s = spec(service, V2, {
    target: { kind: FILE_FAKE, settings: { rollbackMs } },
    strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '1s' } }] },
  });
  return { service, spec: s };
}

let runs = 0;
/** What a drill Schedule starts (src/client/drills/schedules.ts), started here at once. */
function scheduledRun(s: ReturnType<typeof spec>, kind: DrillKind): Promise<WorkflowHandle<(r: DrillRequest) => Promise<DrillResult>>> {
  const scheduleId = drillScheduleId(s.service, s.environment, kind);
  return client.workflow.start<(r: DrillRequest) => Promise<DrillResult>>(SCHEDULED_DRILL_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: `${scheduleId}-${new Date().toISOString()}-${runs++}`,
    args: [{ kind, spec: s, requestedBy: `schedule:${scheduleId}` }],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SluiceKind, value: SCHEDULED_DRILL_KIND_VALUE },
      { key: SluiceService, value: s.service },
      { key: SluiceEnvironment, value: s.environment },
    ]),
  });
}

const history = (s: ReturnType<typeof spec>) => listDrillHistory({ temporal: client, namespace: stack.temporal.namespace, uiUrl: temporalUiUrl(stack) }, s, { limit: 20 });

test('a scheduled run starts the drill under the drill id, and each kind passes and leaves the live version', { timeout: 120_000 }, async () => {
  const { service, spec: s } = environment('lock-run');
  for (const kind of ['bad-canary', 'rollback-restore'] as const) {
    const run = await scheduledRun(s, kind);
    const res = await run.result();
    assert.equal(res.outcome, 'passed', `${kind}: ${res.message}`);
    if (kind === 'bad-canary') assert.match(res.message, new RegExp(Reason.HealthCheckFailed));
    assert.equal(readState(h.dir, service, 'test').stable?.version, V2, `${kind}: the live version is back`);
    // The drill itself ran as the run's child, under the lock.
    const drill = await client.workflow.getHandle(drillWorkflowId(service, 'test')).describe();
    assert.equal(drill.parentExecution?.workflowId, run.workflowId);
    assert.equal(drill.memo?.requestedBy, `schedule:${drillScheduleId(service, 'test', kind)}`);
    // Only the drill is listed: the run that started it is not a second record.
    const ran = await client.workflow.getHandle(run.workflowId).describe();
    assert.deepEqual(ran.searchAttributes.SluiceKind, [SCHEDULED_DRILL_KIND_VALUE]);
  }
  const listed = await eventually('both drills in drill history', async () => ((await history(s)).filter((e) => e.outcome).length === 2 ? history(s) : undefined), 20_000);
  assert.deepEqual(listed.map((e) => [e.workflowId, e.outcome]).sort(), [
    [drillWorkflowId(service, 'test'), 'passed'],
    [drillWorkflowId(service, 'test'), 'passed'],
  ]);
});

test('drills of different kinds exclude each other: a scheduled run ends skipped, a manual one is refused', { timeout: 120_000 }, async () => {
  const { service, spec: s } = environment('lock-busy', 3000);
  // A rollback-restore drill holds the lock for two slow rollbacks; no release runs meanwhile.
  const holder = await startDrill(client, h.taskQueue, s, 'rollback-restore', { by: 'test' });
  assert.equal(holder.workflowId, drillWorkflowId(service, 'test'));

  const skipped = await (await scheduledRun(s, 'bad-canary')).result();
  assert.equal(skipped.outcome, 'skipped', skipped.message);
  assert.equal(skipped.reason, Reason.DrillSkipped);
  assert.match(skipped.message, /another drill .* is running \(drill\//);

  await assert.rejects(startDrill(client, h.taskQueue, s, 'bad-canary', { by: 'test' }), (err: unknown) => isClientError(err) && err.type === ErrorType.DeploymentInProgress);

  const held = (await client.workflow.getHandle(holder.workflowId, holder.runId).result()) as DrillResult;
  assert.equal(held.outcome, 'passed', held.message);
  assert.equal(readState(h.dir, service, 'test').stable?.version, V2);
  // What the Web UI shows of it: the summary startDrill set, and the drill's current details at its end.
  const heldHandle = client.workflow.getHandle(holder.workflowId, holder.runId);
  assert.equal(await (await heldHandle.describe()).staticSummary(), `rollback-restore drill of ${service} in test, test`);
  const metadata = await heldHandle.query<{ currentDetails?: string | null }>('__temporal_workflow_metadata');
  assert.match(metadata.currentDetails ?? '', /^\*\*PASSED\*\* · rollback-restore drill on live /);
  assert.match(metadata.currentDetails ?? '', /\*\*restore\*\* [\d.]+s · \*\*budget\*\* /);
  const listed = await eventually('the skip in drill history', async () => (await history(s)).find((e) => e.outcome === 'skipped'), 20_000);
  assert.equal(listed.kind, 'bad-canary');
});

test('a scheduled run that finds a release running ends skipped and changes nothing', { timeout: 120_000 }, async () => {
  const { service, spec: s } = environment('lock-release');
  const releaseHandle = await startDeploy(h, spec(service, V3, { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] } }));
  await waitForStatus(releaseHandle, 'gate', (st) => st.phase === 'awaiting-approval');

  const skipped = await (await scheduledRun(s, 'rollback-restore')).result();
  assert.equal(skipped.outcome, 'skipped', skipped.message);
  assert.match(skipped.message, /a release of .* is running \(deploy\//);
  // Nothing was started under the drill id.
  await assert.rejects(client.workflow.getHandle(drillWorkflowId(service, 'test')).describe(), /not found/i);

  await releaseHandle.signal('abort', 'test', 'test');
  assert.equal((await result(releaseHandle)).outcome, 'aborted');
  assert.equal(readState(h.dir, service, 'test').stable?.version, V2);
});

test('a fleet is not drilled: the client refuses to run or schedule it, and the workflow refuses a raw start', { timeout: 60_000 }, async () => {
  const service = newService('lock-fleet');
  const s = spec(service, V2, { hosts: [{ name: 'web-1', address: '127.0.0.2' }], strategy: { kind: 'rolling' } });
  const refused = (err: unknown) => isClientError(err) && err.type === ErrorType.DrillRefused && /drills on fleets are not supported yet/.test(err.message);
  await assert.rejects(startDrill(client, h.taskQueue, s, 'bad-canary', { by: 'test' }), refused);
  await assert.rejects(
    scheduleDrill({ temporal: client, taskQueue: h.taskQueue, namespace: stack.temporal.namespace, uiUrl: temporalUiUrl(stack) }, s, 'bad-canary', { every: '1h' }),
    refused,
  );
  const raw = await client.workflow.start<(r: DrillRequest) => Promise<DrillResult>>(DRILL_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: drillWorkflowId(service, 'test'),
    args: [{ kind: 'bad-canary', spec: s, requestedBy: 'test' }],
  });
  await assert.rejects(raw.result(), (err: unknown) => failureOfType(err, ErrorType.DrillRefused) !== undefined);
});
