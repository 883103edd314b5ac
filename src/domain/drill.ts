/**
 * Rollback drills (issue 13): a release kind that breaks the live version on purpose, through the
 * environment's real strategy and analysis, or rolls back and forth through the real rollback
 * path, and records how long recovery took against a budget. Plain data shared by the drill
 * workflow, the client (run, schedule, history) and the delivery record.
 */
import type { DrillKind } from './drill-terms';
import type { Reason } from './reasons';
import type { Release } from './release';
import type { ReleaseSpec } from './spec';

// Kinds, defaults and the drill marker live in ./drill-terms (the spec needs them, and this file
// needs the spec type); they are re-exported here as the one entry.
export { DRILL_KINDS, DEFAULT_DRILL_BUDGET, DEFAULT_DRILL_FAULT, type DrillKind, type DrillRun } from './drill-terms';

/** What starts one drill: the validated release spec of the environment, and the kind. */
export interface DrillRequest {
  kind: DrillKind;
  spec: ReleaseSpec;
  /** Who or what asked: a person, `schedule:<id>`. */
  requestedBy: string;
}

/**
 * - `aborted`: the drill was cancelled before it could judge (a release started during it, or a
 *   person); it restored the live version and counts neither as a pass nor as a failure.
 * - `skipped`: a scheduled drill found a release or another drill of the service and environment
 *   running, so it changed nothing. Neither a pass nor a failure, and no reason to pause the
 *   schedule: the next one runs as planned.
 */
export type DrillOutcome = 'passed' | 'failed' | 'aborted' | 'skipped';
export const DRILL_OUTCOMES: readonly DrillOutcome[] = ['passed', 'failed', 'aborted', 'skipped'];

export interface DrillResult {
  kind: DrillKind;
  service: string;
  environment: string;
  outcome: DrillOutcome;
  /** Why it passed or failed, in the catalogue of src/domain/reasons.ts. */
  reason: Reason;
  message: string;
  /** The version live before the drill, and live after it (the same when the drill did its job). */
  live: Release | null;
  after: Release | null;
  /** bad-canary: first exposure of the broken candidate to the decision; null for rollback-restore. */
  timeToDetectMs: number | null;
  /** Decision (or start of the rollback) to the live version serving all traffic again. */
  timeToRestoreMs: number | null;
  budgetMs: number;
  startedAt: string;
  finishedAt: string;
}

export const DRILL_WORKFLOW = 'drillWorkflow';
/** SluiceKind of drills, and of the releases and rollbacks they run (`SluiceKind IS NULL` selects real releases). */
export const DRILL_KIND_VALUE = 'drill';
/**
 * SluiceKind of a scheduled drill's own run while it holds or waits for nothing of interest: the
 * drill it starts is the record. One that ends `skipped` becomes DRILL_KIND_VALUE, so the skip is
 * listed with the drills.
 */
export const SCHEDULED_DRILL_KIND_VALUE = 'scheduled-drill';
/** What a drill schedule starts: it runs DRILL_WORKFLOW under the drill lock, or ends `skipped`. */
export const SCHEDULED_DRILL_WORKFLOW = 'scheduledDrillWorkflow';

/**
 * One drill per service and environment at a time, of any kind, manual or scheduled: every drill
 * runs under this id, which is the lock, as for releases.
 */
export function drillWorkflowId(service: string, environment: string): string {
  return `drill/${service}/${environment}`;
}

/** Schedule ids of `sluice drill schedule`. */
export function drillScheduleId(service: string, environment: string, kind: DrillKind): string {
  return `drill/${service}/${environment}/${kind}`;
}

/**
 * Why this environment cannot be drilled, or undefined. A fleet (`hosts`) is released host by
 * host through agents, with no canary to carry a fault and no single rollback to time: a drill
 * there would measure nothing it claims, so it is refused until fleets have drills of their own.
 */
export function drillUnsupported(spec: Pick<ReleaseSpec, 'service' | 'environment' | 'hosts'>): string | undefined {
  return spec.hosts ? `${spec.service} in ${spec.environment} runs on a fleet (hosts): drills on fleets are not supported yet` : undefined;
}
