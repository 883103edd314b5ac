/**
 * Workflow ids. One deployment per service and environment at a time: the id is the lock
 * (Temporal refuses a second start while one runs: WorkflowExecutionAlreadyStartedError).
 */
export function deployWorkflowId(service: string, environment: string): string {
  return `deploy/${service}/${environment}`;
}

export function rollbackWorkflowId(service: string, environment: string): string {
  return `rollback/${service}/${environment}`;
}

/** Inverse of deployWorkflowId, for listings; undefined for other ids. */
export function parseDeployWorkflowId(id: string): { service: string; environment: string } | undefined {
  const m = /^deploy\/([^/]+)\/([^/]+)$/.exec(id);
  return m ? { service: m[1]!, environment: m[2]! } : undefined;
}
