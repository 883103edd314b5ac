/**
 * The receiver's view of running releases, over Temporal: is `deploy/<service>/<environment>`
 * running and baking with alerts on, and the signal that hands it an alert. The connection is
 * made on first use and remade after a failure, so the receiver can start before Temporal does
 * (the embedded stack starts its daemons side by side) and survives a Temporal restart.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AlertNotice } from '../../domain/alerts';
import { SluicePhase } from '../../domain/search-attributes';
import type { BakeStatus } from '../../domain/status';
import { alertSignal, statusQuery } from '../../workflows/definitions';
import { deployWorkflowId } from '../../workflows/ids';

/**
 * What the receiver found for one service and environment. `unanswered`: the release runs but no
 * worker answered its status query (all workers down, say); `phase` is then the SluicePhase
 * search attribute from visibility.
 */
export type ReleaseLookup =
  { kind: 'none' } | { kind: 'running'; runId: string; phase: string; bake: BakeStatus | null } | { kind: 'unanswered'; runId: string; phase: string | undefined; error: string };

/** A status query waits for a worker; past this the receiver decides from visibility instead. */
export const STATUS_QUERY_TIMEOUT_MS = 5000;

export interface ReleasePort {
  lookup(service: string, environment: string): Promise<ReleaseLookup>;
  signalAlert(service: string, environment: string, runId: string, alert: AlertNotice): Promise<void>;
}

export function temporalReleases(connect: () => Promise<Client>): ReleasePort {
  let client: Promise<Client> | undefined;
  const get = (): Promise<Client> => {
    client ??= connect().catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    return client;
  };
  return {
    async lookup(service, environment) {
      const handle = (await get()).workflow.getHandle(deployWorkflowId(service, environment));
      let runId: string;
      let phase: string | undefined;
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return { kind: 'none' };
        runId = description.runId;
        phase = description.typedSearchAttributes.get(SluicePhase);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { kind: 'none' };
        throw err;
      }
      const client = await get();
      try {
        const status = await client.connection.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
          client.workflow.getHandle(deployWorkflowId(service, environment), runId).query(statusQuery),
        );
        return { kind: 'running', runId, phase: status.phase, bake: status.bake ?? null };
      } catch (err) {
        return { kind: 'unanswered', runId, phase, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async signalAlert(service, environment, runId, alert) {
      // Pinned to the run that was found baking: a newer release started meanwhile is not touched.
      await (await get()).workflow.getHandle(deployWorkflowId(service, environment), runId).signal(alertSignal, alert);
    },
  };
}
