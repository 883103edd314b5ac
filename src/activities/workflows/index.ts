/**
 * Questions workflow code cannot ask the Temporal server itself: whether another workflow runs.
 * A drill asks before it changes anything whether a release of the same service and environment
 * is running (a scheduled drill is started by a Temporal Schedule, not by the client, so the
 * workflow has to check). The worker hands in the client it already has for visibility reads.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { WorkflowsPort } from '../../domain/ports';

export interface WorkflowsDeps {
  client: Client;
}

export function createWorkflowsActivities(deps: WorkflowsDeps): WorkflowsPort {
  return {
    async workflowRunning({ workflowId }) {
      try {
        const description = await deps.client.workflow.getHandle(workflowId).describe();
        return description.status.name === 'RUNNING';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },
  };
}
