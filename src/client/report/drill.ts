/**
 * A rollback-restore drill's report: the drill workflow's history gives its rollback children
 * (back to the retained version, then forth to the live one) and the health checks between them;
 * drawn on the same page as a release, with the older version's share of traffic as the line,
 * each rollback and check as a band, and the first rollback's start as the decision. A bad-canary
 * drill's release is a run of the release workflow and is reported like any release (`--run`).
 */
import type { DrillResult } from '../../domain/drill';
import { drillWorkflowId } from '../../domain/drill';
import { ErrorType } from '../../domain/errors';
import type { RollbackResult } from '../../domain/status';
import type { DeploymentReader, DeploymentRef } from '../deployment';
import { drillResult } from '../drill';
import { drillHistoryQuery } from '../drills/history';
import { SluiceClientError } from '../errors';
import { visibilityUiLink, workflowUiLink } from '../links';
import { DEFAULT_BUDGET_MS, type ReportOptions } from './gather';
import { readRunHistory, type RollbackChild } from './history';
import type { PhaseSpan, ReleaseReport, Timeline, WeightPoint } from './model';

const versionOf = (r: RollbackChild): string => (r.result as RollbackResult | undefined)?.to?.version ?? '?';

/** Bands and the older version's share from the rollback children: rollbacks, and the checks after each. */
export function drillTimeline(timeline: Timeline, rollbacks: RollbackChild[]): Timeline {
  const phases: PhaseSpan[] = [];
  const weights: WeightPoint[] = [{ at: timeline.startedAt, weight: 0 }];
  rollbacks.forEach((r, i) => {
    const label = i === 0 ? `rolling back to ${versionOf(r)}` : `returning to ${versionOf(r)}`;
    phases.push({ phase: label, from: r.startedAt, ...(r.closedAt !== undefined ? { to: r.closedAt } : {}) });
    if (r.closedAt === undefined) return;
    weights.push({ at: r.closedAt, weight: i === 0 ? 100 : 0 });
    const next = rollbacks[i + 1]?.startedAt ?? timeline.closedAt;
    phases.push({ phase: 'health check', from: r.closedAt, ...(next !== undefined ? { to: next } : {}) });
  });
  const first = rollbacks[0];
  return {
    ...timeline,
    weightLabel: 'older version, % of traffic',
    phases,
    weights,
    ...(first ? { decision: { at: first.startedAt, kind: 'rollback' as const, phase: phases[0]!.phase } } : {}),
  };
}

/** The report of one run of `drill/<service>/<environment>` (the latest unless `runId`). */
export async function gatherDrillReport(reader: DeploymentReader, ref: DeploymentRef, options: ReportOptions): Promise<ReleaseReport> {
  const client = reader.temporal;
  const workflowId = drillWorkflowId(ref.service, ref.environment);
  const handle = client.workflow.getHandle(workflowId, options.runId);
  const description = await handle.describe().catch((err: unknown) => {
    throw new SluiceClientError(ErrorType.DeploymentNotFound, `no drill ${options.runId ? `run ${options.runId} ` : ''}of ${ref.service} in ${ref.environment} (${workflowId})`, {
      cause: err,
    });
  });
  const runId = description.runId;
  const execution = description.status.name;
  const run = await readRunHistory(client, workflowId, runId);
  const result: DrillResult | null = execution === 'RUNNING' ? null : await drillResult(client.workflow.getHandle(workflowId, runId)).catch(() => null);
  const kind = result?.kind ?? String(description.memo?.drillKind ?? 'drill');
  const back = run.rollbacks[0];
  return {
    generatedAt: Date.now(),
    service: ref.service,
    environment: ref.environment,
    workflowId,
    runId,
    execution,
    from: result?.live?.version ?? null,
    to: back ? versionOf(back) : null,
    strategy: `${kind} drill`,
    result: null,
    drill: { kind, result },
    budgetMs: result?.budgetMs ?? options.budgetMs ?? DEFAULT_BUDGET_MS,
    changelog: [],
    links: {
      run: workflowUiLink(options.uiUrl, options.namespace, workflowId, runId),
      history: visibilityUiLink(options.uiUrl, options.namespace, drillHistoryQuery(ref.service, ref.environment)),
      analyses: [],
    },
    timeline: drillTimeline(run.timeline, run.rollbacks),
    analyses: [],
  };
}
