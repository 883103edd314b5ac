/**
 * What every judge is. A judge lives in its own folder (`judges/<kind>/index.ts`) and is listed
 * once in the registry (`judges/index.ts`).
 *
 * - `look` is a pure fold of one look (one interval's data) into a plain-JSON state, so the
 *   analysis workflow can keep that state between timers.
 * - `activities` are the judge's activity-level contract: pure functions keyed by their Temporal
 *   activity names, each taking the state the workflow kept and the look's measurements and
 *   returning the new state and the per-metric table. The metrics activity factory registers
 *   them all; the workflow's loop for the kind (src/workflows/judges) calls them by name.
 *   Running judges in activities keeps their arithmetic out of the replay path: a judge improved
 *   next month cannot make a running analysis non-deterministic. Activity names are part of
 *   recorded histories: never rename one.
 * - `check` finds template problems the schema cannot see (condition syntax, a missing query);
 *   paths are relative to the judge's config.
 */
import type { z } from 'zod';
import type { AnalysisPhase, JudgeKind } from '../../../domain/analysis';

export interface JudgeState {
  phase: AnalysisPhase;
  reason: string;
}

export interface JudgeProblem {
  path: string;
  message: string;
}

/** A judge's activities: one input object each, synchronous (the factory wraps them). */
export type JudgeActivityFunctions = Record<string, (input: never) => unknown>;

export interface Judge<K extends JudgeKind, C, S extends JudgeState, I, A extends JudgeActivityFunctions> {
  kind: K;
  description: string;
  schema: z.ZodType<C>;
  init(config: C): S;
  /** Fold one look into the state. Pure and deterministic. */
  look(config: C, state: S, input: I): S;
  check(config: C): JudgeProblem[];
  activities: A;
}
