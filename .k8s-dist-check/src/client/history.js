"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.historyQuery = historyQuery;
exports.listHistory = listHistory;
const result_1 = require("../domain/result");
const protocol_1 = require("./protocol");
function quote(value) {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
/**
 * The visibility query behind `sluice history`; the same text works in the Web UI's search box
 * and in `temporal workflow list --query`.
 */
function historyQuery(ref, options = {}) {
    const types = options.includeRollbacks === false ? [protocol_1.DEPLOY_WORKFLOW] : [protocol_1.DEPLOY_WORKFLOW, protocol_1.ROLLBACK_WORKFLOW];
    const parts = [
        types.length === 1 ? `WorkflowType = ${quote(types[0])}` : `WorkflowType IN (${types.map(quote).join(', ')})`,
        `${protocol_1.SearchAttr.service.name} = ${quote(ref.service)}`,
        `${protocol_1.SearchAttr.environment.name} = ${quote(ref.environment)}`,
    ];
    if (options.phase)
        parts.push(`${protocol_1.SearchAttr.phase.name} = ${quote(options.phase)}`);
    return parts.join(' AND ');
}
function toEntry(client, info) {
    const attrs = info.typedSearchAttributes;
    const start = info.startTime;
    const close = info.closeTime;
    return {
        kind: info.type === protocol_1.ROLLBACK_WORKFLOW ? 'rollback' : 'deploy',
        workflowId: info.workflowId,
        runId: info.runId,
        execution: info.status.name,
        version: attrs.get(protocol_1.SearchAttr.version),
        phase: attrs.get(protocol_1.SearchAttr.phase),
        startTime: start.toISOString(),
        closeTime: close?.toISOString(),
        durationMs: close ? close.getTime() - start.getTime() : undefined,
        link: client.link(info.workflowId, info.runId),
    };
}
function applyResult(e, result) {
    if (!result)
        return;
    e.outcome = result.outcome;
    e.reason = result.reason;
    e.message = result.message;
    const release = result.release ?? result.to;
    if (release?.version)
        e.version = release.version;
    if (result.timeToRollbackMs !== undefined && result.timeToRollbackMs !== null)
        e.timeToRollbackMs = result.timeToRollbackMs;
}
async function listHistory(client, ref, options = {}) {
    const limit = options.limit ?? 20;
    const entries = [];
    for await (const info of client.temporal.workflow.list({ query: historyQuery(ref, options), pageSize: Math.min(limit, 100) })) {
        entries.push(toEntry(client, info));
        if (entries.length >= limit)
            break;
    }
    if (options.withResults !== false) {
        await Promise.all(entries
            .filter((e) => e.execution !== 'RUNNING')
            .map(async (e) => {
            try {
                const result = (await client.temporal.workflow.getHandle(e.workflowId, e.runId).result());
                applyResult(e, result);
            }
            catch (err) {
                const carried = e.kind === 'deploy' ? (0, result_1.deploymentResultFromError)(err) : (0, result_1.rollbackResultFromError)(err);
                if (carried)
                    return applyResult(e, carried);
                e.outcome = e.execution === 'TERMINATED' || e.execution === 'CANCELLED' ? 'aborted' : 'failed';
                e.reason = (err.cause ?? err).message;
            }
        }));
    }
    // Visibility orders by start time already; sort again so concurrent pages cannot reorder it.
    return entries.sort((a, b) => b.startTime.localeCompare(a.startTime));
}
//# sourceMappingURL=history.js.map