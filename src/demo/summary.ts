import type { DeploymentEvent, DeploymentResult } from '../client';

/**
 * How the demo's lines look. The CLI launches the demo and passes its own formatters, so the demo
 * never imports the CLI (the CLI imports the demo).
 */
export interface DemoView {
  eventLine(event: DeploymentEvent, startedAt?: string): string;
  outcomeLabel(result: DeploymentResult): string;
  formatMs(ms: number | null | undefined): string;
  table(headers: string[], rows: string[][]): string;
}

export interface DemoRelease {
  label: string;
  result: DeploymentResult;
  events: DeploymentEvent[];
  link: string;
}

function at(e: DeploymentEvent | undefined): number | undefined {
  return e ? Date.parse(e.at) : undefined;
}

/**
 * Time to detect: from the candidate first receiving traffic (a weight event above 0) to the
 * decision to roll back (the phase change to rolling-back). Time to restore: the workflow's own
 * timeToRollbackMs, from that decision to the previous release serving everything again.
 */
export function timeToDetectMs(events: DeploymentEvent[]): number | undefined {
  const traffic = at(events.find((e) => e.type === 'weight' && Number((e.data as { weight?: number } | undefined)?.weight ?? 0) > 0));
  const decision = at(events.find((e) => e.type === 'phase' && (e.data as { to?: string } | undefined)?.to === 'rolling-back'));
  return traffic !== undefined && decision !== undefined ? decision - traffic : undefined;
}

export function summaryTable(releases: DemoRelease[], view: Pick<DemoView, 'formatMs' | 'table'>): string {
  const { formatMs } = view;
  return view.table(
    ['release', 'version', 'outcome', 'reason', 'duration', 'time to detect', 'time to restore', 'web ui'],
    releases.map((r) => {
      const duration = Date.parse(r.result.finishedAt) - Date.parse(r.result.startedAt);
      const detect = r.result.outcome === 'rolled-back' ? timeToDetectMs(r.events) : undefined;
      return [
        r.label,
        r.result.release?.version ?? '-',
        r.result.outcome,
        r.result.reason,
        formatMs(duration),
        detect !== undefined ? formatMs(detect) : '-',
        r.result.timeToRollbackMs !== null ? formatMs(r.result.timeToRollbackMs) : '-',
        r.link,
      ];
    }),
  );
}

/** Budget of the practice Sluice follows: roll back within five minutes. */
export const RESTORE_BUDGET_MS = 5 * 60_000;
