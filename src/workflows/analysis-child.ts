/**
 * How a release workflow runs analysis: as a child workflow on its own task queue, with an id
 * derived from the parent, cancelled with the parent (an abort does not wait for the windows),
 * and terminated if the parent dies. Workflow code: call it from a check step.
 *
 *   const result = await runAnalysis({ label: `step-${i}`, templates: selectTemplates(spec.analysis.templates, check.templates),
 *                                      context: { service, environment, version }, window: check.window });
 *   switch (result.decision) { case 'promote': …; case 'pause': …; case 'rollback': … }
 */
import { ChildWorkflowCancellationType, ParentClosePolicy, executeChild, workflowInfo } from '@temporalio/workflow';
import type { AnalysisTemplate } from '../domain/analysis';
import { analysisWorkflow } from './analysis';
import type { AnalysisContext, AnalysisLoad, AnalysisResult } from './analysis-types';

export interface RunAnalysisArgs {
  /** Distinguishes analyses within one release (e.g. "canary-step-3"); part of the child's id. */
  label: string;
  templates: readonly AnalysisTemplate[];
  context: AnalysisContext;
  window?: string;
  load?: AnalysisLoad;
}

export function analysisWorkflowId(parentWorkflowId: string, parentRunId: string, label: string): string {
  return `${parentWorkflowId}/analysis/${parentRunId.slice(0, 8)}/${label}`;
}

/** The templates a check names, in the order it names them; unknown names are a spec error the client edge already refused. */
export function selectTemplates(all: readonly AnalysisTemplate[], names: readonly string[] | undefined): AnalysisTemplate[] {
  if (!names || names.length === 0) return [];
  return names.map((n) => all.find((t) => t.name === n)).filter((t): t is AnalysisTemplate => t !== undefined);
}

export function runAnalysis(args: RunAnalysisArgs): Promise<AnalysisResult> {
  const info = workflowInfo();
  return executeChild(analysisWorkflow, {
    workflowId: analysisWorkflowId(info.workflowId, info.runId, args.label),
    args: [{ templates: [...args.templates], context: args.context, ...(args.window ? { window: args.window } : {}), ...(args.load ? { load: args.load } : {}) }],
    // An abort must not wait for the child to finish its windows.
    cancellationType: ChildWorkflowCancellationType.TRY_CANCEL,
    parentClosePolicy: ParentClosePolicy.TERMINATE,
  });
}

/** One line for the release's event log: phase, decision, and each template's verdict. */
export function summarizeAnalysis(result: AnalysisResult): string {
  const parts = result.templates.map((t) => `${t.name} ${t.phase}${t.score !== undefined ? ` (score ${t.score.toFixed(0)})` : ''}`);
  return `analysis ${result.phase} → ${result.decision}: ${result.reason}${parts.length ? ` [${parts.join('; ')}]` : ''}`;
}
