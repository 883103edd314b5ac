import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { DeploymentReader, DeploymentRef } from './deployment';
import { deploymentResultFromError, rollbackResultFromError } from '../domain/result';
import { DEPLOY_WORKFLOW, ROLLBACK_WORKFLOW, SearchAttr, type DeploymentResult, type RollbackResult } from './protocol';

export interface HistoryOptions {
  /** At most this many entries (default 20). */
  limit?: number;
  /** Also list rollbackWorkflow runs (default true). */
  includeRollbacks?: boolean;
  /** Only releases whose final phase (SluicePhase) is this, e.g. `rolled-back`. */
  phase?: string;
  /** Fetch each closed run's result for its outcome and reason (one call per entry; default true). */
  withResults?: boolean;
}

export interface HistoryEntry {
  kind: 'deploy' | 'rollback';
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: string;
  version?: string;
  phase?: string;
  outcome?: string;
  reason?: string;
  message?: string;
  timeToRollbackMs?: number;
  startTime: string;
  closeTime?: string;
  durationMs?: number;
  link: string;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The visibility query behind `sluice history`; the same text works in the Web UI's search box
 * and in `temporal workflow list --query`.
 */
export function historyQuery(ref: DeploymentRef, options: Pick<HistoryOptions, 'includeRollbacks' | 'phase'> = {}): string {
  const types = options.includeRollbacks === false ? [DEPLOY_WORKFLOW] : [DEPLOY_WORKFLOW, ROLLBACK_WORKFLOW];
  const parts = [
    types.length === 1 ? `WorkflowType = ${quote(types[0]!)}` : `WorkflowType IN (${types.map(quote).join(', ')})`,
    `${SearchAttr.service.name} = ${quote(ref.service)}`,
    `${SearchAttr.environment.name} = ${quote(ref.environment)}`,
  ];
  if (options.phase) parts.push(`${SearchAttr.phase.name} = ${quote(options.phase)}`);
  return parts.join(' AND ');
}

function toEntry(client: DeploymentReader, info: WorkflowExecutionInfo): HistoryEntry {
  const attrs = info.typedSearchAttributes;
  const start = info.startTime;
  const close = info.closeTime;
  return {
    kind: info.type === ROLLBACK_WORKFLOW ? 'rollback' : 'deploy',
    workflowId: info.workflowId,
    runId: info.runId,
    execution: info.status.name,
    version: attrs.get(SearchAttr.version),
    phase: attrs.get(SearchAttr.phase),
    startTime: start.toISOString(),
    closeTime: close?.toISOString(),
    durationMs: close ? close.getTime() - start.getTime() : undefined,
    link: client.link(info.workflowId, info.runId),
  };
}

function applyResult(e: HistoryEntry, result: Partial<DeploymentResult & RollbackResult> | undefined): void {
  if (!result) return;
  e.outcome = result.outcome;
  e.reason = result.reason;
  e.message = result.message;
  const release = result.release ?? result.to;
  if (release?.version) e.version = release.version;
  if (result.timeToRollbackMs !== undefined && result.timeToRollbackMs !== null) e.timeToRollbackMs = result.timeToRollbackMs;
}

export async function listHistory(client: DeploymentReader, ref: DeploymentRef, options: HistoryOptions = {}): Promise<HistoryEntry[]> {
  const limit = options.limit ?? 20;
  const entries: HistoryEntry[] = [];
  for await (const info of client.temporal.workflow.list({ query: historyQuery(ref, options), pageSize: Math.min(limit, 100) })) {
    entries.push(toEntry(client, info));
    if (entries.length >= limit) break;
  }
  if (options.withResults !== false) {
    await Promise.all(
      entries
        .filter((e) => e.execution !== 'RUNNING')
        .map(async (e) => {
          try {
            const result = (await client.temporal.workflow.getHandle(e.workflowId, e.runId).result()) as Partial<DeploymentResult & RollbackResult> | undefined;
            applyResult(e, result);
          } catch (err) {
            const carried = e.kind === 'deploy' ? deploymentResultFromError(err) : rollbackResultFromError(err);
            if (carried) return applyResult(e, carried as Partial<DeploymentResult & RollbackResult>);
            e.outcome = e.execution === 'TERMINATED' || e.execution === 'CANCELLED' ? 'aborted' : 'failed';
            e.reason = ((err as { cause?: Error }).cause ?? (err as Error)).message;
          }
        }),
    );
  }
  // Visibility orders by start time already; sort again so concurrent pages cannot reorder it.
  return entries.sort((a, b) => b.startTime.localeCompare(a.startTime));
}
