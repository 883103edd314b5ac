/**
 * The argument a workflow run was started with, read from its history's first event and decoded
 * through the client's data converter, so an encrypted payload reads like a plain one for a
 * client that holds the keys.
 */
import type { Client } from '@temporalio/client';
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';

/** From a history already fetched. */
export async function decodeStartInput<T>(client: Client, history: temporal.api.history.v1.IHistory): Promise<T | undefined> {
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return (await decodeOptionalSinglePayload<T>(client.options.loadedDataConverter, payload)) ?? undefined;
}

/** Fetches the run's history (the latest run without `runId`) and decodes its start input. */
export async function fetchStartInput<T>(client: Client, workflowId: string, runId?: string): Promise<T | undefined> {
  return decodeStartInput<T>(client, await client.workflow.getHandle(workflowId, runId).fetchHistory());
}
