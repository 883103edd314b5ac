/**
 * Rollback drills (issue 13): a release kind that breaks the live version on purpose, through the
 * environment's real strategy and analysis, or rolls back and forth through the real rollback
 * path, and records how long recovery took against a budget. Plain data shared by the drill
 * workflow, the client (run, schedule, history) and the delivery record.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration';
import type { Reason } from './reasons';
import type { Release } from './release';
import type { ReleaseSpec } from './spec';

export const DRILL_KINDS = ['bad-canary', 'rollback-restore'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** `drill:` in sluice.yaml (per environment like the rest of the spec). */
export const DrillSettings = z.strictObject({
  /** What breaks the candidate in a bad-canary drill: environment given to the candidate instance only. */
  fault: z.strictObject({ env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()) }).optional(),
  /** Detection plus restore must fit in this; the practice we follow asks for 5 minutes. */
  budget: z.string().regex(DURATION_PATTERN, 'must be a duration like "90s" or "5m"').default('5m'),
});
export type DrillSettings = z.infer<typeof DrillSettings>;

/** What starts one drill: the validated release spec of the environment, and the kind. */
export interface DrillRequest {
  kind: DrillKind;
  spec: ReleaseSpec;
  /** Who or what asked: a person, `schedule:<id>`. */
  requestedBy: string;
}

export type DrillOutcome = 'passed' | 'failed';

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

/** One drill per service and environment at a time; the id is the lock, as for releases. */
export function drillWorkflowId(service: string, environment: string): string {
  return `drill/${service}/${environment}`;
}

/** Schedule ids of `sluice drill schedule`. */
export function drillScheduleId(service: string, environment: string, kind: DrillKind): string {
  return `drill/${service}/${environment}/${kind}`;
}
