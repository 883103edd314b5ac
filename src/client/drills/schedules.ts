/**
 * `sluice drill schedule|list|pause|unpause|delete|trigger`: drills on Temporal Schedules. The
 * schedule's action starts SCHEDULED_DRILL_WORKFLOW with a DrillRequest built from the validated
 * spec; that run starts the drill itself under the drill lock, or ends `skipped`.
 *
 * Policies, and why:
 * - overlap SKIP: a drill never starts while the previous one of the same schedule runs (a drill
 *   can take minutes; a 5-second interval in a test or a slow restore must not stack them up).
 *   Across schedules, manual drills and releases, the drill lock decides (docs/drills.md): a
 *   scheduled run that finds one running ends `skipped`, which does not pause the schedule.
 * - catch-up window 1h: after a Temporal outage a drill missed by less than an hour still runs;
 *   an older one is dropped rather than fired at a time nobody planned for.
 * - pause on failure: a failed drill (fault undetected, over budget, restore failed) fails its
 *   run on purpose, as does one that errors or times out, and that pauses the schedule, so a
 *   broken environment is not drilled again and again until a person looks. A skipped run is
 *   no failure.
 * - Scheduling again with the same service, environment and kind updates the schedule in place
 *   (new cadence, new spec), keeping its paused state: `drill schedule` is idempotent, like
 *   `kubectl apply`, so CI can run it on every merge.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction, type ScheduleSpec } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { SCHEDULED_DRILL_KIND_VALUE, SCHEDULED_DRILL_WORKFLOW, drillScheduleId, drillUnsupported, type DrillKind, type DrillRequest } from '../../domain/drill';
import { ErrorType } from '../../domain/errors';
import { SluiceEnvironment, SluiceKind, SluiceService } from '../../domain/search-attributes';
import type { ReleaseSpec } from '../../domain/spec';
import { drillSummary, releaseDetails } from '../../domain/ui-summary';
import { SluiceClientError } from '../errors';
import { scheduleUiLink, workflowUiLink } from '../links';
import { describeCadence, type DrillCadence } from './cadence';

export const DRILL_CATCHUP_WINDOW = '1h';

export interface DrillScheduleRef {
  service: string;
  environment: string;
  kind: DrillKind;
}

/** What the client needs to talk to Temporal and make links; SluiceClient provides it. */
export interface ScheduleContext {
  temporal: Client;
  taskQueue: string;
  namespace: string;
  uiUrl: string;
}

export interface DrillRun {
  scheduledAt: string;
  workflowId: string;
  runId: string;
  link: string;
}

export interface DrillScheduleInfo extends DrillScheduleRef {
  scheduleId: string;
  cadence: string;
  paused: boolean;
  note?: string;
  nextRuns: string[];
  recentRuns: DrillRun[];
  running: DrillRun[];
  actionsTaken: number;
  skippedOverlap: number;
  link: string;
}

type ScheduleMemo = DrillScheduleRef;

function scheduleSpec(cadence: DrillCadence): ScheduleSpec {
  return cadence.every ? { intervals: [{ every: cadence.every }] } : { cronExpressions: [cadence.cron!] };
}

function action(
  ctx: ScheduleContext,
  spec: ReleaseSpec,
  kind: DrillKind,
  scheduleId: string,
  cadence: DrillCadence,
): ScheduleOptionsStartWorkflowAction<(request: DrillRequest) => Promise<unknown>> {
  const request: DrillRequest = { kind, spec, requestedBy: `schedule:${scheduleId}` };
  return {
    type: 'startWorkflow',
    // The scheduled run starts the drill under the one drill id of the service and environment
    // (src/workflows/scheduled-drill.ts): Temporal appends the scheduled time to this id, so the
    // id itself keeps nothing apart.
    workflowType: SCHEDULED_DRILL_WORKFLOW,
    workflowId: scheduleId,
    taskQueue: ctx.taskQueue,
    args: [request],
    // The action's memo can change on update (the schedule's own cannot): it carries the cadence as given.
    memo: { requestedBy: request.requestedBy, scheduleId, cadence: describeCadence(cadence) },
    staticSummary: drillSummary(spec.service, spec.environment, kind, `${request.requestedBy}, ${describeCadence(cadence)}`),
    staticDetails: releaseDetails(spec, request.requestedBy),
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SluiceKind, value: SCHEDULED_DRILL_KIND_VALUE },
      { key: SluiceService, value: spec.service },
      { key: SluiceEnvironment, value: spec.environment },
    ]),
  };
}

/** Creates the schedule, or updates it in place when it exists (see the file comment). */
export async function scheduleDrill(
  ctx: ScheduleContext,
  spec: ReleaseSpec,
  kind: DrillKind,
  cadence: DrillCadence,
): Promise<{ scheduleId: string; created: boolean; link: string }> {
  const unsupported = drillUnsupported(spec);
  if (unsupported) throw new SluiceClientError(ErrorType.DrillRefused, unsupported);
  const scheduleId = drillScheduleId(spec.service, spec.environment, kind);
  const memo: ScheduleMemo & Record<string, unknown> = { service: spec.service, environment: spec.environment, kind };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: DRILL_CATCHUP_WINDOW, pauseOnFailure: true };
  const link = scheduleUiLink(ctx.uiUrl, ctx.namespace, scheduleId);
  try {
    await ctx.temporal.schedule.create({
      scheduleId,
      spec: scheduleSpec(cadence),
      action: action(ctx, spec, kind, scheduleId, cadence),
      policies,
      memo,
      state: { note: `drill ${kind} of ${spec.service} in ${spec.environment}, ${describeCadence(cadence)}` },
    });
    return { scheduleId, created: true, link };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await ctx.temporal.schedule.getHandle(scheduleId).update((previous) => ({
    ...previous,
    spec: scheduleSpec(cadence),
    action: action(ctx, spec, kind, scheduleId, cadence),
    policies,
  }));
  return { scheduleId, created: false, link };
}

function notFound(ref: DrillScheduleRef, ctx: ScheduleContext, err: unknown): unknown {
  if (err instanceof ScheduleNotFoundError) {
    return new SluiceClientError(
      ErrorType.DrillScheduleNotFound,
      `no drill schedule ${drillScheduleId(ref.service, ref.environment, ref.kind)} in namespace ${ctx.namespace} (see \`sluice drill list ${ref.service}\`)`,
      { cause: err },
    );
  }
  return err;
}

async function withSchedule<T>(ctx: ScheduleContext, ref: DrillScheduleRef, fn: (h: ReturnType<Client['schedule']['getHandle']>) => Promise<T>): Promise<T> {
  try {
    return await fn(ctx.temporal.schedule.getHandle(drillScheduleId(ref.service, ref.environment, ref.kind)));
  } catch (err) {
    throw notFound(ref, ctx, err);
  }
}

export function pauseDrillSchedule(ctx: ScheduleContext, ref: DrillScheduleRef, note: string): Promise<void> {
  return withSchedule(ctx, ref, (h) => h.pause(note));
}

export function unpauseDrillSchedule(ctx: ScheduleContext, ref: DrillScheduleRef, note: string): Promise<void> {
  return withSchedule(ctx, ref, (h) => h.unpause(note));
}

export function deleteDrillSchedule(ctx: ScheduleContext, ref: DrillScheduleRef): Promise<void> {
  return withSchedule(ctx, ref, (h) => h.delete());
}

/** Runs the drill now, with the schedule's overlap policy (SKIP: nothing happens while one runs). */
export function triggerDrillSchedule(ctx: ScheduleContext, ref: DrillScheduleRef): Promise<void> {
  return withSchedule(ctx, ref, (h) => h.trigger());
}

function run(ctx: ScheduleContext, scheduledAt: Date | undefined, wf: { workflowId: string; firstExecutionRunId: string }): DrillRun {
  return {
    scheduledAt: scheduledAt?.toISOString() ?? '',
    workflowId: wf.workflowId,
    runId: wf.firstExecutionRunId,
    link: workflowUiLink(ctx.uiUrl, ctx.namespace, wf.workflowId, wf.firstExecutionRunId),
  };
}

export async function describeDrillSchedule(ctx: ScheduleContext, ref: DrillScheduleRef): Promise<DrillScheduleInfo> {
  const scheduleId = drillScheduleId(ref.service, ref.environment, ref.kind);
  const d = await withSchedule(ctx, ref, (h) => h.describe());
  // Temporal turns a cron string into calendars; the action's memo keeps the text as given.
  const cadence = (d.action as { memo?: { cadence?: unknown } }).memo?.cadence;
  return {
    ...ref,
    scheduleId,
    cadence: typeof cadence === 'string' ? cadence : 'unknown',
    paused: d.state.paused,
    ...(d.state.note ? { note: d.state.note } : {}),
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.map((a) => run(ctx, a.scheduledAt, a.action.workflow)),
    running: d.info.runningActions.map((a) => run(ctx, undefined, a.workflow)),
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    link: scheduleUiLink(ctx.uiUrl, ctx.namespace, scheduleId),
  };
}

/** Every drill schedule (ids `drill/<service>/<environment>/<kind>`), optionally of one service and environment. */
export async function listDrillSchedules(ctx: ScheduleContext, filter: { service?: string; environment?: string } = {}): Promise<DrillScheduleInfo[]> {
  const refs: DrillScheduleRef[] = [];
  for await (const s of ctx.temporal.schedule.list()) {
    const memo = s.memo as Partial<ScheduleMemo> | undefined;
    if (!s.scheduleId.startsWith('drill/') || !memo?.service || !memo.environment || !memo.kind) continue;
    if (filter.service && memo.service !== filter.service) continue;
    if (filter.environment && memo.environment !== filter.environment) continue;
    refs.push({ service: memo.service, environment: memo.environment, kind: memo.kind });
  }
  // The list is visibility (eventually consistent); describe gives each schedule's current state.
  const infos = await Promise.all(refs.map((ref) => describeDrillSchedule(ctx, ref).catch(() => undefined)));
  return infos.filter((i): i is DrillScheduleInfo => i !== undefined).sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}
