/**
 * scheduledDrillWorkflow: what a drill schedule starts (src/client/drills/schedules.ts).
 *
 * Temporal names each scheduled run after the schedule's action plus the scheduled time, so two
 * schedules of one service and environment (one per kind), or a schedule and a `drill run`, would
 * never collide on their own ids. This run therefore holds nothing itself: it starts the drill as
 * a child under the one drill id of the service and environment (drillWorkflowId), which Temporal
 * lets only one execution hold at a time, whatever its kind.
 *
 * When that id is taken, or a release of the service runs, the run ends `skipped`: it changed
 * nothing and it is no failure, so the schedule is not paused and the next drill runs as planned.
 * A drill that fails still fails this run (and so pauses the schedule), loudly.
 */
import { ApplicationFailure, executeChild, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { DEFAULT_DRILL_BUDGET, DRILL_KIND_VALUE, drillWorkflowId, type DrillRequest, type DrillResult } from '../domain/drill';
import { toMs } from '../domain/duration';
import { ErrorType } from '../domain/errors';
import type { WorkflowsPort } from '../domain/ports';
import { Reason } from '../domain/reasons';
import { drillResultFromError, failureOfType } from '../domain/result';
import { SluiceKind } from '../domain/search-attributes';
import { drillChildOptions, drillWorkflow } from './drill';
import { deployWorkflowId } from './ids';
import { recordDrillEnd, recordDrillStart } from './metrics';

const workflows = proxyActivities<WorkflowsPort>({ startToCloseTimeout: '30s', retry: { initialInterval: '1s', maximumAttempts: 5 } });

export async function scheduledDrillWorkflow(request: DrillRequest): Promise<DrillResult> {
  const { spec } = request;
  const lock = drillWorkflowId(spec.service, spec.environment);
  const releaseId = deployWorkflowId(spec.service, spec.environment);
  // The drill checks this too; asking first keeps a refused drill out of the history.
  if (await workflows.workflowRunning({ workflowId: releaseId })) {
    return skipped(request, `a release of ${spec.service} to ${spec.environment} is running (${releaseId})`);
  }
  try {
    // Cancelling this run (or the schedule's run being terminated) stops the drill, which restores the live version.
    return await executeChild(drillWorkflow, {
      ...drillChildOptions(spec, lock),
      args: [request],
      memo: { requestedBy: request.requestedBy, drillKind: request.kind, scheduledRun: workflowInfo().workflowId },
      staticSummary: `${request.kind} drill, ${request.requestedBy}`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return skipped(request, `another drill of ${spec.service} in ${spec.environment} is running (${lock})`);
    const refused = failureOfType(err, ErrorType.DrillRefused);
    if (refused) return skipped(request, refused.message);
    const failed = drillResultFromError(err);
    if (failed) {
      // The drill's own failure, at the top level: red in the Web UI and pause-on-failure for the schedule.
      throw ApplicationFailure.create({ type: ErrorType.DrillFailed, message: `${failed.reason}: ${failed.message}`, nonRetryable: true, details: [failed] });
    }
    throw err;
  }
}

/** A run that did not start its drill: listed with the drills (SluiceKind), counted apart. */
function skipped(request: DrillRequest, why: string): DrillResult {
  const { spec, kind } = request;
  const now = new Date(Date.now()).toISOString();
  const result: DrillResult = {
    kind,
    service: spec.service,
    environment: spec.environment,
    outcome: 'skipped',
    reason: Reason.DrillSkipped,
    message: `skipped: ${why}; a drill never runs over a release or another drill`,
    live: null,
    after: null,
    timeToDetectMs: null,
    timeToRestoreMs: null,
    budgetMs: toMs(spec.drill?.budget ?? DEFAULT_DRILL_BUDGET),
    startedAt: workflowInfo().runStartTime.toISOString(),
    finishedAt: now,
  };
  upsertSearchAttributes([{ key: SluiceKind, value: DRILL_KIND_VALUE }]);
  recordDrillStart(spec.service, spec.environment, kind);
  recordDrillEnd(result);
  return result;
}
