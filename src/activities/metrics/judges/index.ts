/**
 * The judge registry: one line per folder in judges/ (stats/ is shared arithmetic, not a judge).
 * test/judges/registry.test.ts checks that this map, the folders and the template schema's judge
 * kinds agree. How to add a judge: docs/analysis.md.
 */
import type { JudgeConfig, JudgeKind } from '../../../domain/analysis';
import type { JudgeProblem } from './judge';
import { thresholdJudge } from './threshold';
import { mannWhitneyJudge } from './mann-whitney';
import { sequentialJudge } from './sequential';

export const JUDGES = {
  threshold: thresholdJudge,
  'mann-whitney': mannWhitneyJudge,
  sequential: sequentialJudge,
} as const satisfies { [K in JudgeKind]: { kind: K } };

export type JudgeRegistry = typeof JUDGES;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type JudgeActivityFns = UnionToIntersection<JudgeRegistry[JudgeKind]['activities']>;

/** Every judge's activities by name, as the worker registers them. */
export type JudgeActivities = { [N in keyof JudgeActivityFns]: JudgeActivityFns[N] extends (input: infer A) => infer R ? (input: A) => Promise<R> : never };

/**
 * Every judge's activities, each wrapped by `guard` (which turns a thrown error into the
 * activity failure the workflow expects).
 */
export function judgeActivities(guard: (err: unknown) => never): JudgeActivities {
  const entries = Object.values(JUDGES).flatMap((judge) =>
    Object.entries(judge.activities as Record<string, (input: unknown) => unknown>).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        try {
          return fn(input);
        } catch (err) {
          return guard(err);
        }
      },
    ]),
  );
  return Object.fromEntries(entries) as JudgeActivities;
}

/** Problems in a parsed judge config that its schema cannot see, paths relative to the config. */
export function checkJudge(config: JudgeConfig): JudgeProblem[] {
  const judge = JUDGES[config.kind] as { check(config: JudgeConfig): JudgeProblem[] };
  return judge.check(config);
}

export type { Judge, JudgeProblem, JudgeState } from './judge';
export type { MeasurementOutcome, MeasurementRow, MetricTable } from './table';
export * from './threshold';
export * from './mann-whitney';
export * from './sequential';
