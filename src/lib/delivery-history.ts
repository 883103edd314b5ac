/**
 * Reads the delivery record's input from Temporal alone (no second database): closed
 * deployWorkflow, rollbackWorkflow and drill executions from visibility, each one's result (one
 * cheap call for the close event), and the release memo's commit time. Shared by the client
 * (`sluice stats`) and the worker's gauges, so both count the same way.
 *
 * Cost is bounded: at most `maxRecords` executions per kind, results fetched `concurrency` at a
 * time, and a closed execution's record never changes, so a `cache` keyed by run id means each one
 * is fetched once per process.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { DeliveryHistory, DeployRecord, DrillRecord, RollbackRecord } from '../domain/delivery-record';
import { DRILL_KIND_VALUE, DRILL_WORKFLOW, SCHEDULED_DRILL_WORKFLOW, type DrillResult } from '../domain/drill';
import { SluiceEnvironment, SluiceKind, SluiceService } from '../domain/search-attributes';
import type { DeploymentResult, RollbackResult } from '../domain/status';

export const DEPLOY_WORKFLOW_TYPE = 'deployWorkflow';
export const ROLLBACK_WORKFLOW_TYPE = 'rollbackWorkflow';
/** The release memo field carrying the released commit's time (ISO 8601), set by the client. */
export const COMMIT_TIME_MEMO = 'commitTime';

export interface DeliveryScope {
  service?: string;
  environment?: string;
  /** Only executions closed at or after this. */
  since: Date;
  /** Only this task queue's executions (a worker fleet's own); all when undefined. */
  taskQueue?: string;
}

export interface DeliveryHistoryOptions {
  maxRecords?: number;
  concurrency?: number;
  pageSize?: number;
  /** Run id → record (or null: not a record, e.g. a drill's own child release); reused across reads. */
  cache?: Map<string, DeployRecord | RollbackRecord | DrillRecord | null>;
}

export function quoteVisibility(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Drills in visibility: every drill that ran (drillWorkflow, manual or started by a schedule) and
 * the scheduled runs that were skipped, which carry SluiceKind = 'drill' only then.
 */
export function drillsClause(): string[] {
  return [`WorkflowType IN (${[DRILL_WORKFLOW, SCHEDULED_DRILL_WORKFLOW].map(quoteVisibility).join(', ')})`, `${SluiceKind.name} = ${quoteVisibility(DRILL_KIND_VALUE)}`];
}

/** The visibility query for one kind of execution in a scope (the same text works in the Web UI). */
export function deliveryQuery(workflowType: string, scope: DeliveryScope): string {
  return [
    ...(workflowType === DRILL_WORKFLOW ? drillsClause() : [`WorkflowType = ${quoteVisibility(workflowType)}`]),
    `ExecutionStatus != 'Running'`,
    `CloseTime >= ${quoteVisibility(scope.since.toISOString())}`,
    ...(scope.service ? [`${SluiceService.name} = ${quoteVisibility(scope.service)}`] : []),
    ...(scope.environment ? [`${SluiceEnvironment.name} = ${quoteVisibility(scope.environment)}`] : []),
    ...(scope.taskQueue ? [`TaskQueue = ${quoteVisibility(scope.taskQueue)}`] : []),
  ].join(' AND ');
}

/** A drill refused to start (a release was running): it never ran, so it is no record. */
const DRILL_REFUSED = 'SluiceDrillRefused';

/**
 * The value a workflow returned, or the result a failed one carries as its failure's first
 * detail; `refused` when it failed with DRILL_REFUSED.
 */
async function settled(client: Client, info: WorkflowExecutionInfo): Promise<unknown> {
  try {
    return await client.workflow.getHandle(info.workflowId, info.runId).result();
  } catch (err) {
    for (let current: unknown = err, depth = 0; current && depth < 8; depth++) {
      if (current instanceof ApplicationFailure && current.type === DRILL_REFUSED) return 'refused';
      if (current instanceof ApplicationFailure && current.details?.[0] && typeof current.details[0] === 'object') return current.details[0];
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }
}

/** A release a drill started (as a child, or tagged as a drill) is the drill's business, not a deployment. */
function startedByDrill(info: WorkflowExecutionInfo): boolean {
  return info.typedSearchAttributes.get(SluiceKind) === DRILL_KIND_VALUE || Boolean(info.parentExecution?.workflowId?.startsWith('drill/'));
}

function identity(info: WorkflowExecutionInfo): { service: string; environment: string; workflowId: string; runId: string } | undefined {
  const service = info.typedSearchAttributes.get(SluiceService);
  const environment = info.typedSearchAttributes.get(SluiceEnvironment);
  if (!service || !environment) return undefined;
  return { service, environment, workflowId: info.workflowId, runId: info.runId };
}

function closed(info: WorkflowExecutionInfo): { startedAt: string; finishedAt: string } {
  return { startedAt: info.startTime.toISOString(), finishedAt: (info.closeTime ?? info.executionTime ?? info.startTime).toISOString() };
}

export async function deployRecord(client: Client, info: WorkflowExecutionInfo): Promise<DeployRecord | null> {
  const id = identity(info);
  if (!id || startedByDrill(info)) return null;
  const result = (await settled(client, info)) as Partial<DeploymentResult> | undefined;
  const status = info.status.name;
  const outcome = result?.outcome ?? (status === 'TERMINATED' || status === 'CANCELLED' ? 'aborted' : 'failed');
  const commitTime = info.memo?.[COMMIT_TIME_MEMO];
  return {
    ...id,
    outcome,
    version: result?.release?.version ?? null,
    previousVersion: result?.previous?.version ?? null,
    commitTime: typeof commitTime === 'string' && !Number.isNaN(Date.parse(commitTime)) ? commitTime : null,
    ...closed(info),
    ...(result?.finishedAt ? { finishedAt: result.finishedAt } : {}),
    bakeMs: result?.phaseDurations?.baking ?? 0,
    timeToDetectMs: result?.timeToDetectMs ?? null,
    timeToRollbackMs: result?.timeToRollbackMs ?? null,
    undone: (result?.compensations?.length ?? 0) > 0,
  };
}

export async function rollbackRecord(client: Client, info: WorkflowExecutionInfo): Promise<RollbackRecord | null> {
  const id = identity(info);
  if (!id || startedByDrill(info)) return null;
  const result = (await settled(client, info)) as Partial<RollbackResult> | undefined;
  const times = closed(info);
  return {
    ...id,
    outcome: result?.outcome === 'rolled-back' ? 'rolled-back' : 'failed',
    fromVersion: result?.from?.version ?? null,
    toVersion: result?.to?.version ?? null,
    ...times,
    durationMs: result?.durationMs ?? Date.parse(times.finishedAt) - Date.parse(times.startedAt),
  };
}

export async function drillRecord(client: Client, info: WorkflowExecutionInfo): Promise<DrillRecord | null> {
  const id = identity(info);
  if (!id) return null;
  const settledTo = await settled(client, info);
  if (settledTo === 'refused') return null;
  const result = settledTo as (Partial<Omit<DrillResult, 'outcome'>> & { outcome?: string }) | undefined;
  const status = info.status.name;
  const outcome =
    result?.outcome === 'passed' || result?.outcome === 'aborted' || result?.outcome === 'skipped'
      ? result.outcome
      : !result && (status === 'TERMINATED' || status === 'CANCELLED')
        ? 'aborted'
        : 'failed';
  const kind = result?.kind ?? (typeof info.memo?.drillKind === 'string' ? info.memo.drillKind : 'unknown');
  return {
    ...id,
    kind,
    // Terminated or cancelled without a result: it measured nothing (aborted); crashed: failed.
    outcome,
    timeToDetectMs: result?.timeToDetectMs ?? null,
    timeToRestoreMs: result?.timeToRestoreMs ?? null,
    budgetMs: result?.budgetMs ?? null,
    ...closed(info),
  };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

async function readKind<R extends DeployRecord | RollbackRecord | DrillRecord>(
  client: Client,
  workflowType: string,
  scope: DeliveryScope,
  options: DeliveryHistoryOptions,
  toRecord: (client: Client, info: WorkflowExecutionInfo) => Promise<R | null>,
  seen: Set<string>,
): Promise<R[]> {
  const maxRecords = options.maxRecords ?? 2000;
  const infos: WorkflowExecutionInfo[] = [];
  for await (const info of client.workflow.list({ query: deliveryQuery(workflowType, scope), pageSize: options.pageSize ?? 200 })) {
    infos.push(info);
    seen.add(info.runId);
    if (infos.length >= maxRecords) break;
  }
  const records = await mapLimited(infos, options.concurrency ?? 8, async (info) => {
    const cached = options.cache?.get(info.runId);
    if (cached !== undefined) return cached as R | null;
    const record = await toRecord(client, info);
    options.cache?.set(info.runId, record);
    return record;
  });
  return records.filter((r): r is R => r !== null);
}

export async function readDeliveryHistory(client: Client, scope: DeliveryScope, options: DeliveryHistoryOptions = {}): Promise<DeliveryHistory> {
  const seen = new Set<string>();
  const [deploys, rollbacks, drills] = await Promise.all([
    readKind(client, DEPLOY_WORKFLOW_TYPE, scope, options, deployRecord, seen),
    readKind(client, ROLLBACK_WORKFLOW_TYPE, scope, options, rollbackRecord, seen),
    readKind(client, DRILL_WORKFLOW, scope, options, drillRecord, seen),
  ]);
  // Executions that left the window leave the cache too, so it never outgrows one read.
  if (options.cache) for (const runId of options.cache.keys()) if (!seen.has(runId)) options.cache.delete(runId);
  return { deploys, rollbacks, drills };
}
