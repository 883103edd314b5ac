/**
 * The one decision function: an analysis phase and the template's inconclusive policy → what
 * the release workflow does (promote, pause for a human, roll back); and how the templates'
 * results combine. Plain functions, no Temporal API, so tests call them directly.
 */
import type { AnalysisPhase, InconclusivePolicy } from '../domain/analysis';
import type { AnalysisDecision, TemplateResult } from './analysis-types';

/**
 * Phase → what the parent does. Inconclusive follows the template's policy. Error (the
 * measurements themselves failed, e.g. Prometheus down) follows it too, but never promotes:
 * an analysis that could not measure has shown nothing.
 */
export function decisionFor(phase: AnalysisPhase, policy: InconclusivePolicy): AnalysisDecision {
  switch (phase) {
    case 'Successful':
      return 'promote';
    case 'Failed':
      return 'rollback';
    case 'Inconclusive':
      return policy === 'pass' ? 'promote' : policy === 'rollback' ? 'rollback' : 'pause';
    case 'Error':
      return policy === 'rollback' ? 'rollback' : 'pause';
    case 'Pending':
    case 'Running':
      // Only a stopped loop ends while running; nothing was shown, so ask a human.
      return policy === 'rollback' ? 'rollback' : 'pause';
    default: {
      const unhandled: never = phase;
      throw new Error(`unhandled phase ${String(unhandled)}`);
    }
  }
}

const SEVERITY: Record<AnalysisPhase, number> = { Successful: 0, Pending: 1, Running: 1, Inconclusive: 2, Error: 3, Failed: 4 };
const DECISION_SEVERITY: Record<AnalysisDecision, number> = { promote: 0, pause: 1, rollback: 2 };

export function combine(results: readonly TemplateResult[]): { phase: AnalysisPhase; decision: AnalysisDecision; reason: string } {
  if (results.length === 0) return { phase: 'Error', decision: 'pause', reason: 'no analysis template ran' };
  let worst = results[0]!;
  let decision: AnalysisDecision = 'promote';
  for (const r of results) {
    if (SEVERITY[r.phase] > SEVERITY[worst.phase]) worst = r;
    if (DECISION_SEVERITY[r.decision] > DECISION_SEVERITY[decision]) decision = r.decision;
  }
  const phase: AnalysisPhase = worst.phase === 'Pending' || worst.phase === 'Running' ? 'Inconclusive' : worst.phase;
  const reason = phase === 'Successful' ? 'all templates successful' : `template "${worst.name}": ${worst.reason}`;
  return { phase, decision, reason };
}

export function isDone(phase: AnalysisPhase): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Inconclusive' || phase === 'Error';
}
