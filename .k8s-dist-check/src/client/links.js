"use strict";
/** Workflow ids and Web UI links: one place, so the CLI, the demo and the tests agree. */
Object.defineProperty(exports, "__esModule", { value: true });
exports.workflowUiLink = workflowUiLink;
exports.visibilityUiLink = visibilityUiLink;
/** The Web UI page of a workflow (latest run unless a run id is given). */
function workflowUiLink(uiUrl, namespace, workflowId, runId) {
    const base = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
    return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}
/** The Web UI's workflow list filtered by a visibility query. */
function visibilityUiLink(uiUrl, namespace, query) {
    return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}
//# sourceMappingURL=links.js.map