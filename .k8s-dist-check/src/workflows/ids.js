"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.deployWorkflowId = deployWorkflowId;
exports.rollbackWorkflowId = rollbackWorkflowId;
exports.parseDeployWorkflowId = parseDeployWorkflowId;
/**
 * Workflow ids. One deployment per service and environment at a time: the id is the lock
 * (Temporal refuses a second start while one runs: WorkflowExecutionAlreadyStartedError).
 */
function deployWorkflowId(service, environment) {
    return `deploy/${service}/${environment}`;
}
function rollbackWorkflowId(service, environment) {
    return `rollback/${service}/${environment}`;
}
/** Inverse of deployWorkflowId, for listings; undefined for other ids. */
function parseDeployWorkflowId(id) {
    const m = /^deploy\/([^/]+)\/([^/]+)$/.exec(id);
    return m ? { service: m[1], environment: m[2] } : undefined;
}
//# sourceMappingURL=ids.js.map