"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.analysisWorkflowId = analysisWorkflowId;
exports.selectTemplates = selectTemplates;
exports.runAnalysis = runAnalysis;
exports.summarizeAnalysis = summarizeAnalysis;
/**
 * How a release workflow runs analysis: as a child workflow on its own task queue, with an id
 * derived from the parent, cancelled with the parent (an abort does not wait for the windows),
 * and terminated if the parent dies. Workflow code: call it from a check step.
 *
 *   const result = await runAnalysis({ label: `step-${i}`, templates: selectTemplates(spec.analysis.templates, check.templates),
 *                                      context: { service, environment, version }, window: check.window });
 *   switch (result.decision) { case 'promote': …; case 'pause': …; case 'rollback': … }
 */
const workflow_1 = require("@temporalio/workflow");
const analysis_1 = require("./analysis");
function analysisWorkflowId(parentWorkflowId, parentRunId, label) {
    return `${parentWorkflowId}/analysis/${parentRunId.slice(0, 8)}/${label}`;
}
/** The templates a check names, in the order it names them; unknown names are a spec error the client edge already refused. */
function selectTemplates(all, names) {
    if (!names || names.length === 0)
        return [];
    return names.map((n) => all.find((t) => t.name === n)).filter((t) => t !== undefined);
}
function runAnalysis(args) {
    const info = (0, workflow_1.workflowInfo)();
    return (0, workflow_1.executeChild)(analysis_1.analysisWorkflow, {
        workflowId: analysisWorkflowId(info.workflowId, info.runId, args.label),
        args: [{ templates: [...args.templates], context: args.context, ...(args.window ? { window: args.window } : {}), ...(args.load ? { load: args.load } : {}) }],
        // An abort must not wait for the child to finish its windows.
        cancellationType: workflow_1.ChildWorkflowCancellationType.TRY_CANCEL,
        parentClosePolicy: workflow_1.ParentClosePolicy.TERMINATE,
    });
}
/** One line for the release's event log: phase, decision, and each template's verdict. */
function summarizeAnalysis(result) {
    const parts = result.templates.map((t) => `${t.name} ${t.phase}${t.score !== undefined ? ` (score ${t.score.toFixed(0)})` : ''}`);
    return `analysis ${result.phase} → ${result.decision}: ${result.reason}${parts.length ? ` [${parts.join('; ')}]` : ''}`;
}
//# sourceMappingURL=analysis-child.js.map