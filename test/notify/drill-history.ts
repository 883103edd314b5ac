/**
 * What a drill run's history holds of notifications: the patches it recorded (core_patch markers)
 * and the workflow types of the children it started. A drill without sinks must hold neither the
 * `drill-notifications` patch nor a notifyWorkflow child.
 */
import type { Client } from '@temporalio/client';

export async function notificationTrace(client: Client, workflowId: string, runId: string): Promise<{ patches: string[]; children: string[] }> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const patches: string[] = [];
  const children: string[] = [];
  for (const e of history.events ?? []) {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_patch') {
      for (const payloads of Object.values(marker.details ?? {})) {
        for (const p of payloads.payloads ?? []) {
          // The patch marker's payloads: `{ id }` (the patch) and the deprecated flag.
          const value = p.data ? (JSON.parse(Buffer.from(p.data).toString('utf8')) as { id?: string } | boolean) : undefined;
          if (value && typeof value === 'object' && typeof value.id === 'string') patches.push(value.id);
        }
      }
    }
    const child = e.startChildWorkflowExecutionInitiatedEventAttributes;
    if (child?.workflowType?.name) children.push(child.workflowType.name);
  }
  return { patches, children };
}
