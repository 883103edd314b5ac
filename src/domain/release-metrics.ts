/**
 * What workflow code reports to the worker's release metrics, through a Temporal workflow sink
 * (`proxySinks` in src/workflows/metrics.ts, injected by src/worker/release-metrics.ts). Sinks
 * run outside the workflow sandbox, add no command to the history and are not called while a
 * history replays, so a release that a second worker finishes after the first one died is
 * counted by the worker that really ran its last step, once. Plain data only: the calls cross
 * the sandbox boundary.
 */
import type { AnalysisPhase } from './analysis';
import type { DrillKind, DrillOutcome } from './drill';
import type { Outcome } from './status';

export interface ReleaseEnded {
  service: string;
  environment: string;
  outcome: Outcome;
  /** Workflow start to the release's end, workflow time. */
  durationMs: number;
  /** DeploymentResult.timeToDetectMs: first exposure to the decision to stop; null if none. */
  timeToDetectMs: number | null;
  /** DeploymentResult.timeToRollbackMs: decision to stop to the end of the undo; null if none. */
  timeToRestoreMs: number | null;
}

/** A release began: its service and environment get zero-valued series before anything is counted. */
export interface ReleaseStarted {
  service: string;
  environment: string;
}

export interface ApprovalWaited {
  service: string;
  environment: string;
  /** How long the release sat in awaiting-approval, whatever ended the wait. */
  waitedMs: number;
}

export interface AnalysisMeasured {
  service: string;
  environment: string;
  template: string;
  metric: string;
  /** The measurement's verdict, in the analysis run's phase names. */
  phase: AnalysisPhase;
  count: number;
}

/** A drill began: its service, environment and kind get zero-valued series. */
export interface DrillStarted {
  service: string;
  environment: string;
  kind: DrillKind;
}

export interface DrillEnded extends DrillStarted {
  outcome: DrillOutcome;
  timeToDetectMs: number | null;
  timeToRestoreMs: number | null;
}

/** The sink interface; a type alias (not an interface) so it satisfies the SDK's `Sinks` record type. */
export type ReleaseMetricsSinks = {
  releaseMetrics: {
    releaseStarted(event: ReleaseStarted): void;
    releaseEnded(event: ReleaseEnded): void;
    approvalWaited(event: ApprovalWaited): void;
    analysisMeasured(events: AnalysisMeasured[]): void;
    drillStarted(event: DrillStarted): void;
    drillEnded(event: DrillEnded): void;
  };
};
