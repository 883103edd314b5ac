/**
 * `sluice drill history`: past and running drills of a service in an environment, newest first,
 * from Temporal visibility (SluiceKind = 'drill'), each closed one with its DrillResult.
 */
import type { Client } from '@temporalio/client';
import type { DrillOutcome } from '../../domain/drill';
import { SluiceEnvironment, SluiceService } from '../../domain/search-attributes';
import { drillRecord, drillsClause, quoteVisibility } from '../../lib/delivery-history';
import { workflowUiLink } from '../links';

export interface DrillHistoryEntry {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  execution: string;
  kind?: string;
  outcome?: DrillOutcome;
  timeToDetectMs?: number | null;
  timeToRestoreMs?: number | null;
  budgetMs?: number | null;
  requestedBy?: string;
  startTime: string;
  closeTime?: string;
  link: string;
}

export function drillHistoryQuery(service: string, environment: string): string {
  return [...drillsClause(), `${SluiceService.name} = ${quoteVisibility(service)}`, `${SluiceEnvironment.name} = ${quoteVisibility(environment)}`].join(' AND ');
}

export async function listDrillHistory(
  ctx: { temporal: Client; namespace: string; uiUrl: string },
  ref: { service: string; environment: string },
  options: { limit?: number } = {},
): Promise<DrillHistoryEntry[]> {
  const limit = options.limit ?? 20;
  const infos = [];
  for await (const info of ctx.temporal.workflow.list({ query: drillHistoryQuery(ref.service, ref.environment), pageSize: Math.min(limit, 100) })) {
    infos.push(info);
    if (infos.length >= limit) break;
  }
  const entries = await Promise.all(
    infos.map(async (info): Promise<DrillHistoryEntry> => {
      const base: DrillHistoryEntry = {
        workflowId: info.workflowId,
        runId: info.runId,
        execution: info.status.name,
        ...(typeof info.memo?.requestedBy === 'string' ? { requestedBy: info.memo.requestedBy } : {}),
        startTime: info.startTime.toISOString(),
        ...(info.closeTime ? { closeTime: info.closeTime.toISOString() } : {}),
        link: workflowUiLink(ctx.uiUrl, ctx.namespace, info.workflowId, info.runId),
      };
      if (info.status.name === 'RUNNING') return base;
      const record = await drillRecord(ctx.temporal, info);
      if (!record) return base;
      return { ...base, kind: record.kind, outcome: record.outcome, timeToDetectMs: record.timeToDetectMs, timeToRestoreMs: record.timeToRestoreMs, budgetMs: record.budgetMs };
    }),
  );
  return entries.sort((a, b) => b.startTime.localeCompare(a.startTime));
}
