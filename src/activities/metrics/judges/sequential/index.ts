/**
 * Sequential judge: an anytime-valid test (beta-binomial / Dirichlet-multinomial e-processes)
 * of canary against baseline that decides at every look, so a regression ends the analysis as
 * soon as the evidence crosses α, and a good release passes at `maxDuration`.
 */
import { SequentialJudgeConfig } from '../../../../domain/analysis';
import type { Judge, JudgeProblem } from '../judge';
import { initialSequentialState, lookSequential } from './judge';
import type { SequentialLookInput, SequentialState } from './judge';
import { sequentialLook } from './look';

export const sequentialJudge = {
  kind: 'sequential',
  description: 'Anytime-valid sequential test (beta-binomial / Dirichlet-multinomial e-processes), decides at every look',
  schema: SequentialJudgeConfig,
  init: initialSequentialState,
  look: lookSequential,
  // Every metric has a default query (templates/queries.ts); the schema covers the rest.
  check: (): JudgeProblem[] => [],
  activities: { judgeSequentialLook: sequentialLook },
} satisfies Judge<'sequential', SequentialJudgeConfig, SequentialState, SequentialLookInput, { judgeSequentialLook: typeof sequentialLook }>;

export { sequentialLook } from './look';
export type { SequentialLookArgs, SequentialLookResult, SequentialRunState } from './look';
export { lookSequential, initialSequentialState } from './judge';
export type { SequentialLookInput, SequentialState, MetricLookInput } from './judge';
export { bucketIncrements, probabilityCanarySlower } from './latency';
export { betaBinomialLogE } from './e-process';
