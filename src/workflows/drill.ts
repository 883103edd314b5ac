/**
 * drillWorkflow: a rollback drill (issue 13, src/domain/drill.ts). It breaks or moves the live
 * version on purpose through the real release and rollback paths, and records how long the way
 * back took against the budget.
 * - bad-canary: deployWorkflow as a child under the release's own id (`deploy/<svc>/<env>`, so a
 *   release and a drill's canary exclude each other atomically), releasing the live version
 *   again with the fault on its candidate; the child never promotes (spec.drillRun).
 * - rollback-restore: rollbackWorkflow to the previous retained version, health through the
 *   router, rollbackWorkflow back to the live version.
 * Whatever happens, the drill ends by putting the version it found back (nonCancellable), so a
 * failed, cancelled or worker-killed drill still leaves the environment as it was.
 */
import { repositoryOf } from '../domain/image-refs';
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  executeChild,
  isCancellation,
  proxyActivities,
  sleep,
  setCurrentDetails,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { DEFAULT_DRILL_BUDGET, DEFAULT_DRILL_FAULT, DRILL_KIND_VALUE, drillUnsupported, type DrillOutcome, type DrillRequest, type DrillResult } from '../domain/drill';
import { formatMs, toMs } from '../domain/duration';
import { drillCurrentDetails } from '../domain/ui-summary';
import { ErrorType } from '../domain/errors';
import type { WorkflowsPort } from '../domain/ports';
import { Reason } from '../domain/reasons';
import { sameRelease, type Release } from '../domain/release';
import { deploymentResultFromError, rollbackResultFromError } from '../domain/result';
import { SluiceEnvironment, SluiceKind, SluicePhase, SluiceService } from '../domain/search-attributes';
import type { ReleaseSpec } from '../domain/spec';
import type { DeploymentResult, RollbackRequest, RollbackResult } from '../domain/status';
import { compensationActivity, deploy, health, probeActivity, undo, withSummary } from './activities';
import { targetRef } from './context';
import { deployWorkflow } from './deploy';
import { deployWorkflowId, rollbackWorkflowId } from './ids';
import { DrillNotifier } from './drill-notify';
import { recordDrillEnd, recordDrillStart } from './metrics';
import { rollbackWorkflow } from './rollback';
import { describeError } from './saga';

const workflowsActivity: ActivityOptions = { startToCloseTimeout: '30s', retry: { initialInterval: '1s', maximumAttempts: 5 } };
const workflows = proxyActivities<WorkflowsPort>(workflowsActivity);

/** What a bad-canary drill counts as detection: the checks a release relies on. */
const DETECTED_BY: readonly string[] = [Reason.AnalysisFailed, Reason.AnalysisInconclusive, Reason.HealthCheckFailed, Reason.AlertFired];

interface Verdict {
  outcome: DrillOutcome;
  reason: Reason;
  message: string;
  timeToDetectMs: number | null;
  timeToRestoreMs: number | null;
}

function refuse(message: string): never {
  throw ApplicationFailure.create({ type: ErrorType.DrillRefused, message, nonRetryable: true });
}

/** Within budget → passed; otherwise failed, loudly. */
function judge(totalMs: number, budgetMs: number, passed: string, ttd: number | null, ttr: number | null): Verdict {
  if (totalMs <= budgetMs) {
    return {
      outcome: 'passed',
      reason: Reason.DrillPassed,
      message: `${passed} in ${formatMs(totalMs)} of the ${formatMs(budgetMs)} budget`,
      timeToDetectMs: ttd,
      timeToRestoreMs: ttr,
    };
  }
  return {
    outcome: 'failed',
    reason: Reason.DrillOverBudget,
    message: `${passed}, but in ${formatMs(totalMs)}: over the ${formatMs(budgetMs)} budget`,
    timeToDetectMs: ttd,
    timeToRestoreMs: ttr,
  };
}

/**
 * How a drill starts what it runs as a child: under an id that keeps others out, cancelled (and
 * waited for) when the drill is, and tagged as a drill with the service and environment.
 */
export function drillChildOptions(spec: Pick<ReleaseSpec, 'service' | 'environment'>, workflowId: string, attributes: { key: typeof SluicePhase; value: string }[] = []) {
  return {
    workflowId,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    typedSearchAttributes: [
      { key: SluiceService, value: spec.service },
      { key: SluiceEnvironment, value: spec.environment },
      ...attributes,
      { key: SluiceKind, value: DRILL_KIND_VALUE },
    ],
  };
}

export async function drillWorkflow(request: DrillRequest): Promise<DrillResult> {
  const { kind, spec } = request;
  const startedAtMs = Date.now();
  const budgetMs = toMs(spec.drill?.budget ?? DEFAULT_DRILL_BUDGET);
  const ref = targetRef(spec);
  upsertSearchAttributes([
    { key: SluiceService, value: spec.service },
    { key: SluiceEnvironment, value: spec.environment },
    { key: SluiceKind, value: DRILL_KIND_VALUE },
  ]);
  recordDrillStart(spec.service, spec.environment, kind);

  // Histories recorded before fleets have no hosts, so they never take this branch.
  const unsupported = drillUnsupported(spec);
  if (unsupported) refuse(unsupported);
  const releaseId = deployWorkflowId(spec.service, spec.environment);
  if (await workflows.workflowRunning({ workflowId: releaseId })) {
    refuse(`a release of ${spec.service} to ${spec.environment} is running (${releaseId}); a drill never runs over a release`);
  }
  const live = await deploy.currentRelease(ref);
  if (!live) refuse(`nothing is live for ${spec.service} in ${spec.environment}: a drill needs a live version to break and restore`);
  // A refused drill changed nothing and announces nothing; from here on it reports to the spec's sinks.
  const notifier = new DrillNotifier(spec, kind, budgetMs);
  notifier.started(live);
  // The Web UI's current details (state only, no command: histories replay unchanged).
  setCurrentDetails(drillCurrentDetails(kind, live.version, 'running'));

  let verdict: Verdict;
  try {
    verdict = kind === 'bad-canary' ? await badCanary(spec, live, budgetMs) : await rollbackRestore(spec, live, budgetMs);
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === ErrorType.DrillRefused) throw err;
    verdict = isCancellation(err)
      ? { outcome: 'aborted', reason: Reason.DrillAborted, message: 'the drill was cancelled; the live version is restored', timeToDetectMs: null, timeToRestoreMs: null }
      : { outcome: 'failed', reason: Reason.DrillRestoreFailed, message: `the drill could not run: ${describeError(err)}`, timeToDetectMs: null, timeToRestoreMs: null };
  }

  // The drill's one promise: the version it found is the version it leaves.
  setCurrentDetails(drillCurrentDetails(kind, live.version, `restoring (${verdict.outcome})`));
  const after = await CancellationScope.nonCancellable(() => restoreLive(spec, live));
  if (after.restored && verdict.outcome === 'passed') {
    verdict = { ...verdict, outcome: 'failed', reason: Reason.DrillRestoreFailed, message: `${verdict.message}; but ${after.restored}` };
  } else if (after.restored) {
    verdict = { ...verdict, message: `${verdict.message}; ${after.restored}` };
  }

  const result: DrillResult = {
    kind,
    service: spec.service,
    environment: spec.environment,
    ...verdict,
    live,
    after: after.release,
    budgetMs,
    startedAt: new Date(startedAtMs).toISOString(),
    finishedAt: new Date(Date.now()).toISOString(),
  };
  recordDrillEnd(result);
  setCurrentDetails(drillCurrentDetails(kind, live.version, 'done', result));
  notifier.finished(result);
  await notifier.settle();
  if (result.outcome === 'failed') {
    // Red in the Temporal UI, non-zero for `drill run --wait`, and a Schedule's pause-on-failure.
    throw ApplicationFailure.create({ type: ErrorType.DrillFailed, message: `${result.reason}: ${result.message}`, nonRetryable: true, details: [result] });
  }
  return result;
}

/** The live version released again as a candidate with the fault; it must be caught and rolled back. */
async function badCanary(spec: ReleaseSpec, live: Release, budgetMs: number): Promise<Verdict> {
  const faultEnv = spec.drill?.fault?.env ?? DEFAULT_DRILL_FAULT;
  const childSpec: ReleaseSpec = {
    ...spec,
    source: {
      kind: 'prebuilt',
      version: live.version,
      imageTag: live.imageTag,
      ...(live.commit ? { commit: live.commit } : {}),
      ...(live.imageRef ? { imageRef: live.imageRef } : {}),
      ...(live.binaryPath ? { binaryPath: live.binaryPath } : {}),
    },
    // The drill reports for itself; its canary must not announce a release that never was.
    notifications: [],
    drillRun: { kind: 'bad-canary', faultEnv },
  };
  const workflowId = deployWorkflowId(spec.service, spec.environment);
  let result: DeploymentResult;
  try {
    // A drill that is cancelled or terminated still has its canary undone by the release's saga.
    result = await executeChild(deployWorkflow, {
      ...drillChildOptions(spec, workflowId, [{ key: SluicePhase, value: 'pending' }]),
      args: [childSpec],
      staticSummary: `drill: ${live.version} as a bad canary (${Object.keys(faultEnv).join(', ')})`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) refuse(`a release of ${spec.service} to ${spec.environment} started first (${workflowId})`);
    const carried = deploymentResultFromError(err);
    if (!carried) throw err;
    result = carried;
  }

  const ttd = result.timeToDetectMs ?? null;
  const ttr = result.timeToRollbackMs;
  if (result.outcome === 'aborted') {
    return { outcome: 'aborted', reason: Reason.DrillAborted, message: `the drill's release was aborted: ${result.message}`, timeToDetectMs: ttd, timeToRestoreMs: ttr };
  }
  if (result.outcome === 'rolled-back' && DETECTED_BY.includes(result.reason)) {
    return judge(
      (ttd ?? 0) + (ttr ?? 0),
      budgetMs,
      `the fault was detected (${result.reason}) after ${formatMs(ttd ?? 0)} and ${live.version} restored after ${formatMs(ttr ?? 0)}`,
      ttd,
      ttr,
    );
  }
  if (result.reason === Reason.DrillFaultUndetected) {
    return {
      outcome: 'failed',
      reason: Reason.DrillFaultUndetected,
      message: `the fault went undetected: every check passed with ${Object.keys(faultEnv).join(', ')} on the candidate, so the drill rolled it back itself`,
      timeToDetectMs: null,
      timeToRestoreMs: ttr,
    };
  }
  return {
    outcome: 'failed',
    reason: Reason.DrillRestoreFailed,
    message: `the drill's release ended ${result.outcome} (${result.reason}): ${result.message}`,
    timeToDetectMs: ttd,
    timeToRestoreMs: ttr,
  };
}

/**
 * Back to the previous retained version and forth to the live one, each through rollbackWorkflow,
 * each followed by a health check. Short, and never stopped halfway: a cancel is honoured once
 * the live version serves again (nonCancellable), so a release started meanwhile finds it whole.
 */
async function rollbackRestore(spec: ReleaseSpec, live: Release, budgetMs: number): Promise<Verdict> {
  return CancellationScope.nonCancellable(async () => {
    const imageRepo = spec.source.kind === 'build' ? spec.source.imageRepo : live.imageRef ? repositoryOf(live.imageRef) : undefined;
    const base: RollbackRequest = { service: spec.service, environment: spec.environment, target: spec.target, router: spec.router, ...(imageRepo ? { imageRepo } : {}) };
    const startedMs = Date.now();
    const back = await rollbackChild(spec, base, 'back');
    await checkHealth(spec, back.to);
    const forth = await rollbackChild(spec, { ...base, toVersion: live.version }, 'forth');
    await checkHealth(spec, forth.to);
    const totalMs = Date.now() - startedMs;
    return judge(
      totalMs,
      budgetMs,
      `rolled back to ${back.to?.version ?? '?'} (${formatMs(back.durationMs)}) and returned to ${live.version} (${formatMs(forth.durationMs)})`,
      null,
      totalMs,
    );
  });
}

async function rollbackChild(spec: ReleaseSpec, request: RollbackRequest, direction: 'back' | 'forth'): Promise<RollbackResult> {
  let result: RollbackResult;
  try {
    result = await executeChild(rollbackWorkflow, {
      workflowId: rollbackWorkflowId(spec.service, spec.environment),
      args: [request],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [{ key: SluiceKind, value: DRILL_KIND_VALUE }],
      staticSummary: `drill: rollback ${direction}${request.toVersion ? ` to ${request.toVersion}` : ''}`,
    });
  } catch (err) {
    const carried = rollbackResultFromError(err);
    if (!carried) throw err;
    result = carried;
  }
  if (result.outcome !== 'rolled-back')
    throw ApplicationFailure.create({ type: ErrorType.RollbackFailed, message: `rollback ${direction}: ${result.message}`, nonRetryable: true });
  return result;
}

/**
 * The health paths through the router's frontend (what users reach) until one probe passes, at
 * most failureThreshold probes apart by the interval. A router without a frontend URL has
 * nothing to probe from here: the rollback activity already waited for the instance to be ready.
 */
async function checkHealth(spec: ReleaseSpec, version: Release | null): Promise<void> {
  const url = spec.capabilities.routerUrl;
  if (!url) return;
  const hc = spec.healthCheck;
  let last = '';
  for (let attempt = 0; attempt < hc.failureThreshold; attempt++) {
    if (attempt > 0) await sleep(toMs(hc.interval));
    const probe = await withSummary(health.probeHealth, probeActivity, `drill: probe ${url} after the rollback (${attempt + 1})`, {
      url,
      paths: hc.paths,
      timeoutMs: toMs(hc.timeout),
    });
    if (probe.ok) return;
    last = probe.checks.map((c) => `${c.path} ${c.status ?? c.error ?? 'error'}`).join(', ');
  }
  throw ApplicationFailure.create({ type: ErrorType.RollbackFailed, message: `unhealthy after the rollback to ${version?.version ?? '?'}: ${last}`, nonRetryable: true });
}

/** Puts `live` back as the stable when something else is live; says what it did, if anything. */
async function restoreLive(spec: ReleaseSpec, live: Release): Promise<{ release: Release | null; restored?: string }> {
  const ref = targetRef(spec);
  const current = await deploy.currentRelease(ref);
  if (sameRelease(current, live)) return { release: current };
  try {
    await withSummary(undo.rollbackToRelease, compensationActivity, `drill: restore ${live.version}`, { ...ref, release: live, from: current });
  } catch (err) {
    return { release: current, restored: `could not restore ${live.version} (${current?.version ?? 'nothing'} is live): ${describeError(err)}` };
  }
  return { release: live, restored: `the drill found ${current?.version ?? 'nothing'} live at its end and restored ${live.version}` };
}
