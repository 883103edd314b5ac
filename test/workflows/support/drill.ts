/**
 * What the drill tests check when a release is started during a drill: the drill was aborted
 * (DrillAborted), closed before the release started, and the release found the live version
 * already there (a drill restores what it found).
 */
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import type { DrillResult } from '../../../src/domain/drill';
import { Reason } from '../../../src/domain/reasons';
import { settleDeployment } from '../../../src/domain/result';
import type { deployWorkflow } from '../../../src/workflows';

export async function assertReleaseWaitedForAbortedDrill(
  client: Client,
  drillRun: { workflowId: string; runId: string },
  releaseRun: { workflowId: string; runId: string },
): Promise<void> {
  const drillHandle = client.workflow.getHandle(drillRun.workflowId, drillRun.runId);
  const drill = await drillHandle.describe();
  assert.notEqual(drill.status.name, 'RUNNING');
  const drillResult = (await drillHandle.result()) as DrillResult;
  assert.equal(drillResult.outcome, 'aborted');
  assert.equal(drillResult.reason, Reason.DrillAborted);
  const releaseHandle = client.workflow.getHandle(releaseRun.workflowId, releaseRun.runId);
  const rel = await releaseHandle.describe();
  assert.ok(drill.closeTime && rel.startTime >= drill.closeTime, `the release started (${rel.startTime.toISOString()}) after the drill closed (${drill.closeTime?.toISOString()})`);
  const res = await settleDeployment(releaseHandle.result() as ReturnType<typeof deployWorkflow>);
  assert.equal(res.reason, Reason.AlreadyLive, res.message);
}
