/**
 * What every sink says about an event: the JSON body of the generic webhook (Standard Webhooks'
 * recommended `{ type, timestamp, data }` envelope) and a one-line headline for chat sinks.
 */
import { isDrillEvent } from '../../domain/notification-events';
import type { RenderedMessage } from './sink';

export interface EventPayload {
  /** `release.<event>`, e.g. `release.rolled-back`; a drill's events as they are named, e.g. `drill.passed`. */
  type: string;
  /** ISO 8601, when the event happened (workflow time), not when it was sent. */
  timestamp: string;
  data: Omit<RenderedMessage, 'id' | 'at' | 'namespace'> & { namespace: string };
}

export function eventPayload(m: RenderedMessage): EventPayload {
  const { id: _id, at, ...data } = m;
  void _id; // the webhook-id header carries it
  return { type: isDrillEvent(m.event) ? m.event : `release.${m.event}`, timestamp: at, data };
}

/** The Temporal Web UI page of the release's run (latest run when the run id is unknown). */
export function workflowUiLink(uiUrl: string, namespace: string, workflowId: string, runId: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const VERBS: Record<RenderedMessage['event'], string> = {
  started: 'release started',
  'awaiting-approval': 'awaits approval',
  promoted: 'promoted',
  'rolled-back': 'rolled back',
  aborted: 'aborted',
  failed: 'failed',
  'drill.started': 'drill started',
  'drill.passed': 'drill passed',
  'drill.failed': 'drill FAILED',
  'drill.aborted': 'drill aborted',
};

/**
 * e.g. `checkout 1.4.3 rolled back in production (AnalysisFailed): detected in 12 s, restored in 3.1 s`,
 * or `checkout 1.4.3 bad-canary drill passed in production (DrillPassed): detected in 10 s, restored in 1.2 s, budget 5 min 0 s`.
 */
export function headline(m: RenderedMessage): string {
  const verb = m.drillKind && isDrillEvent(m.event) ? `${m.drillKind} ${VERBS[m.event]}` : VERBS[m.event];
  const what = `${m.service}${m.version ? ` ${m.version}` : ''} ${verb} in ${m.environment}`;
  const parts: string[] = [];
  if (m.event === 'awaiting-approval' && m.gate) parts.push(m.gate);
  if (m.timeToDetectMs !== undefined && m.timeToDetectMs !== null) parts.push(`detected in ${formatDuration(m.timeToDetectMs)}`);
  if (m.timeToRestoreMs !== undefined && m.timeToRestoreMs !== null) parts.push(`restored in ${formatDuration(m.timeToRestoreMs)}`);
  if (m.budgetMs !== undefined) parts.push(`budget ${formatDuration(m.budgetMs)}`);
  const reason = m.reason && m.event !== 'promoted' && m.event !== 'started' && m.event !== 'drill.started' ? ` (${m.reason})` : '';
  return `${what}${reason}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}
