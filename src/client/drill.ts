/**
 * The client's side of rollback drills: start one, wait for its DrillResult, and the one rule
 * between releases and drills (docs/drills.md):
 * - a drill refuses to start while a release of the service and environment runs (here, before
 *   starting; and in the workflow, which a Temporal Schedule starts without this client);
 * - a release started during a drill aborts the drill (a cancel: the drill restores the live
 *   version) and starts once the drill workflow has closed.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { DRILL_KIND_VALUE, DRILL_WORKFLOW, drillUnsupported, drillWorkflowId, type DrillKind, type DrillRequest, type DrillResult } from '../domain/drill';
import { ErrorType } from '../domain/errors';
import { drillResultFromError, failureOfType } from '../domain/result';
import { SluiceEnvironment, SluiceKind, SluiceService } from '../domain/search-attributes';
import type { ReleaseSpec } from '../domain/spec';
import { drillSummary, releaseDetails } from '../domain/ui-summary';
import { deployWorkflowId } from '../workflows/ids';
import { SluiceClientError } from './errors';

export interface DrillRunOptions {
  wait?: boolean;
  /** Who asked, for the record (memo and request). */
  by: string;
}

export interface DrillStarted {
  workflowId: string;
  runId: string;
  result?: DrillResult;
}

/** How long a release waits for an aborted drill to put the live version back before it gives up. */
export const DRILL_ABORT_WAIT_MS = 5 * 60_000;

async function running(temporal: Client, workflowId: string): Promise<WorkflowHandle | undefined> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    const description = await handle.describe();
    return description.status.name === 'RUNNING' ? temporal.workflow.getHandle(workflowId, description.runId) : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export async function startDrill(temporal: Client, taskQueue: string, spec: ReleaseSpec, kind: DrillKind, options: DrillRunOptions): Promise<DrillStarted> {
  const unsupported = drillUnsupported(spec);
  if (unsupported) throw new SluiceClientError(ErrorType.DrillRefused, unsupported);
  const releaseId = deployWorkflowId(spec.service, spec.environment);
  if (await running(temporal, releaseId)) {
    throw new SluiceClientError(
      ErrorType.DrillRefused,
      `a release of ${spec.service} to ${spec.environment} is running (${releaseId}); a drill never runs over a release: try again when it has ended`,
    );
  }
  const workflowId = drillWorkflowId(spec.service, spec.environment);
  const request: DrillRequest = { kind, spec, requestedBy: options.by };
  let handle;
  try {
    handle = await temporal.workflow.start(DRILL_WORKFLOW, {
      workflowId,
      taskQueue,
      args: [request],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SluiceService, value: spec.service },
        { key: SluiceEnvironment, value: spec.environment },
        { key: SluiceKind, value: DRILL_KIND_VALUE },
      ]),
      memo: { requestedBy: options.by, drillKind: kind },
      staticSummary: drillSummary(spec.service, spec.environment, kind, options.by),
      staticDetails: releaseDetails(spec, options.by),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new SluiceClientError(ErrorType.DeploymentInProgress, `a drill of ${spec.service} in ${spec.environment} is already running (${workflowId})`, { cause: err });
    }
    throw err;
  }
  const started: DrillStarted = { workflowId, runId: handle.firstExecutionRunId };
  if (!options.wait) return started;
  return { ...started, result: await drillResult(handle) };
}

/** The drill's result; a failed drill (the workflow failed) gives its DrillResult too. A refused one throws DrillRefused. */
export async function drillResult(handle: WorkflowHandle): Promise<DrillResult> {
  try {
    return (await handle.result()) as DrillResult;
  } catch (err) {
    const carried = drillResultFromError(err);
    if (carried) return carried;
    const refused = failureOfType(err, ErrorType.DrillRefused);
    if (refused) throw new SluiceClientError(ErrorType.DrillRefused, refused.message, { cause: err });
    throw err;
  }
}

/**
 * The release side of the rule: a running drill of the service and environment is cancelled (it
 * restores the live version) and the release waits until the drill workflow has closed. Returns
 * the drill's workflow id when it aborted one.
 */
export async function abortRunningDrill(temporal: Client, service: string, environment: string, by: string): Promise<string | undefined> {
  const drills = await runningDrills(temporal, service, environment);
  if (drills.length === 0) return undefined;
  const ids = drills.map((d) => d.workflowId).join(', ');
  const closed = Promise.all(
    drills.map(async (handle) => {
      await handle.cancel().catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
      await handle.result().then(
        () => undefined,
        () => undefined,
      );
    }),
  ).then(() => true);
  const timeout = new Promise<false>((resolve) => {
    const t = setTimeout(() => resolve(false), DRILL_ABORT_WAIT_MS);
    void closed.then(() => clearTimeout(t));
  });
  if (!(await Promise.race([closed, timeout]))) {
    throw new SluiceClientError(
      ErrorType.DeploymentInProgress,
      `a drill of ${service} in ${environment} (${ids}) was asked to stop by ${by} but has not closed; the release was not started`,
    );
  }
  return ids;
}

/**
 * The running drills of a service and environment: every drill runs under
 * drill/<service>/<environment>; visibility also finds those started directly by a Schedule
 * created before scheduled runs took the lock (src/workflows/scheduled-drill.ts), whose ids
 * carry the scheduled time after that prefix.
 */
async function runningDrills(temporal: Client, service: string, environment: string): Promise<WorkflowHandle[]> {
  const byId = await running(temporal, drillWorkflowId(service, environment));
  const found = new Map<string, WorkflowHandle>(byId ? [[byId.workflowId, byId]] : []);
  const query = [
    `WorkflowType = '${DRILL_WORKFLOW}'`,
    `ExecutionStatus = 'Running'`,
    `${SluiceService.name} = ${quote(service)}`,
    `${SluiceEnvironment.name} = ${quote(environment)}`,
  ].join(' AND ');
  for await (const info of temporal.workflow.list({ query, pageSize: 20 })) {
    if (!found.has(info.workflowId)) found.set(info.workflowId, temporal.workflow.getHandle(info.workflowId, info.runId));
  }
  return [...found.values()];
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
