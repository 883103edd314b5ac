/**
 * Questions workflow code cannot ask the Temporal server itself: whether another workflow runs.
 * A release and a rollback ask it of each other before they change anything (the change lock,
 * src/workflows/change-lock.ts), and a drill asks whether a release of the same service and
 * environment runs (a scheduled drill is started by a Temporal Schedule, not by the client, so
 * the workflow has to check). The answer comes from the worker's own client (the activity
 * context's), so it reaches the server the way the worker does: same address, TLS and API key.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowsPort } from '../../domain/ports';

export function createWorkflowsActivities(): WorkflowsPort {
  return {
    async workflowRunning({ workflowId }) {
      try {
        // Describe reads the execution itself, not visibility: no indexing lag.
        const description = await Context.current().client.workflow.getHandle(workflowId).describe();
        return description.status.name === 'RUNNING';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },
  };
}
