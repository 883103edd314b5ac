/**
 * The timeline of one release run, read from its Temporal history alone (no worker needed, so it
 * works for runs whose worker is gone): phase and weight from the search attributes the workflow
 * upserts as it goes, signals and updates from their events, analysis children from their start
 * and completion, each with the event's own time.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { decodeArrayFromPayloads, decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { decodeStartInput } from '../start-input';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { SluicePhase, SluiceWeight } from '../../domain/search-attributes';
import type { Decision, Intervention, Timeline } from './model';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Phases where a release has decided: the first one history records is the decision marker. */
const DECIDED: Record<string, Decision['kind']> = {
  promoting: 'promote',
  succeeded: 'promote',
  'rolling-back': 'rollback',
  'rolled-back': 'rollback',
  aborted: 'abort',
  failed: 'fail',
};

export interface AnalysisChild {
  workflowId: string;
  /**
   * The child's own run: its id alone is not enough, since analysis ids repeat across releases
   * started within the same minute (they carry only the parent run id's first 8 characters).
   */
  runId?: string;
  label: string;
  startedAt: number;
  closedAt?: number;
  /** The child's result as history holds it (AnalysisResult), when it completed. */
  result?: unknown;
}

/** A rollback a drill ran as a child (rollback-restore: back, then forth). */
export interface RollbackChild {
  workflowId: string;
  startedAt: number;
  closedAt?: number;
  /** The child's RollbackResult, when it completed. */
  result?: unknown;
}

export interface RunHistory {
  /** The workflow's input (the release spec), through the client's data converter. */
  input: unknown;
  timeline: Timeline;
  children: AnalysisChild[];
  rollbacks: RollbackChild[];
}

function searchAttribute(event: HistoryEvent, name: string): unknown {
  const fields =
    event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? event.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields;
  const payload = fields?.[name];
  if (!payload) return undefined;
  // Search attributes are never encrypted by a codec; a keyword or int comes back as [value] or value.
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return Array.isArray(value) ? value[0] : value;
}

function describeArgs(args: unknown[]): string {
  return args
    .map((a) => (typeof a === 'string' ? a : a && typeof a === 'object' && 'by' in a ? String((a as { by: unknown }).by) : ''))
    .filter((a) => a.length > 0)
    .join(', ');
}

/** The analysis child's label: the last part of its id (`deploy/s/e/analysis/<run8>/<label>`). */
function childLabel(workflowId: string): string {
  return workflowId.split('/').pop() ?? workflowId;
}

export async function readRunHistory(client: Client, workflowId: string, runId: string): Promise<RunHistory> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const converter = client.options.loadedDataConverter;
  const events = history.events ?? [];
  const first = events[0];
  const startedAt = optionalTsToMs(first?.eventTime) ?? Date.now();
  const input = await decodeStartInput<unknown>(client, history);
  const timeline: Timeline = { startedAt, phases: [], weights: [], interventions: [], analyses: [] };
  const children = new Map<string, AnalysisChild>();
  // By the initiating event: a drill's rollbacks, back and forth, share one workflow id.
  const rollbacks = new Map<string, RollbackChild>();

  const setPhase = (phase: string, at: number) => {
    const current = timeline.phases.at(-1);
    if (current?.phase === phase) return;
    if (current) current.to = at;
    timeline.phases.push({ phase, from: at });
    const kind = DECIDED[phase];
    if (kind && !timeline.decision) timeline.decision = { at, kind, phase };
  };

  for (const event of events) {
    const at = optionalTsToMs(event.eventTime) ?? startedAt;
    const phase = searchAttribute(event, SluicePhase.name);
    if (typeof phase === 'string') setPhase(phase, at);
    const weight = searchAttribute(event, SluiceWeight.name);
    if (typeof weight === 'number' && timeline.weights.at(-1)?.weight !== weight) timeline.weights.push({ at, weight });

    const signal = event.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName) {
      const args = await decodeArrayFromPayloads(converter, signal.input?.payloads).catch(() => []);
      timeline.interventions.push({ at, kind: signal.signalName, detail: describeArgs(args) } satisfies Intervention);
    }
    const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    if (update?.name) {
      const args = await decodeArrayFromPayloads(converter, update.args?.payloads).catch(() => []);
      timeline.interventions.push({ at, kind: update.name, detail: describeArgs(args) });
    }

    const started = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (started?.workflowId && started.workflowType?.name === 'analysisWorkflow') {
      children.set(started.workflowId, { workflowId: started.workflowId, label: childLabel(started.workflowId), startedAt: at });
    }
    if (started?.workflowId && started.workflowType?.name === 'rollbackWorkflow') rollbacks.set(String(event.eventId), { workflowId: started.workflowId, startedAt: at });
    const childStarted = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    const startedChild = childStarted?.workflowId ? children.get(childStarted.workflowId) : undefined;
    if (startedChild && childStarted?.runId) startedChild.runId = childStarted.runId;
    const done =
      event.childWorkflowExecutionCompletedEventAttributes ??
      event.childWorkflowExecutionFailedEventAttributes ??
      event.childWorkflowExecutionCanceledEventAttributes ??
      event.childWorkflowExecutionTerminatedEventAttributes ??
      event.childWorkflowExecutionTimedOutEventAttributes;
    const child = done?.workflowExecution?.workflowId ? (children.get(done.workflowExecution.workflowId) ?? rollbacks.get(String(done.initiatedEventId))) : undefined;
    if (child) {
      child.closedAt = at;
      const completed = event.childWorkflowExecutionCompletedEventAttributes;
      if (completed) child.result = await decodeOptionalSinglePayload<unknown>(converter, completed.result?.payloads?.[0]);
    }

    if (
      event.workflowExecutionCompletedEventAttributes ||
      event.workflowExecutionFailedEventAttributes ||
      event.workflowExecutionTerminatedEventAttributes ||
      event.workflowExecutionCanceledEventAttributes ||
      event.workflowExecutionTimedOutEventAttributes
    ) {
      timeline.closedAt = at;
    }
  }
  const lastPhase = timeline.phases.at(-1);
  if (lastPhase && timeline.closedAt !== undefined) lastPhase.to = timeline.closedAt;
  timeline.analyses = [...children.values()].map((c) => ({ label: c.label, from: c.startedAt, ...(c.closedAt !== undefined ? { to: c.closedAt } : {}) }));
  return { input, timeline, children: [...children.values()], rollbacks: [...rollbacks.values()] };
}
