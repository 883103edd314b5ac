/**
 * Why a deployment changed state or ended. UIs, the CLI and tests compare against these strings,
 * so they are part of the contract: add new ones, never rename.
 */
export const Reason = {
  Promoted: 'Promoted',
  /** First release of a service/environment: nothing to compare with, strategy steps skipped. */
  FirstRelease: 'FirstRelease',
  /** The release is already the live one; nothing was deployed. */
  AlreadyLive: 'AlreadyLive',
  AbortedBySignal: 'AbortedBySignal',
  /** Temporal cancellation of the workflow (e.g. `temporal workflow cancel`). */
  WorkflowCancelled: 'WorkflowCancelled',
  HealthCheckFailed: 'HealthCheckFailed',
  AnalysisFailed: 'AnalysisFailed',
  AnalysisInconclusive: 'AnalysisInconclusive',
  ApprovalTimedOut: 'ApprovalTimedOut',
  /** An Alertmanager alert for the service and environment fired while the release was baking. */
  AlertFired: 'AlertFired',
  DeadlineExceeded: 'DeadlineExceeded',
  /** A non-retryable activity error or retries exhausted (build failed, target unreachable...). */
  ActivityFailed: 'ActivityFailed',
  /** An undo step itself failed; the environment needs a person (see the event log). */
  CompensationFailed: 'CompensationFailed',
  RolledBackToRelease: 'RolledBackToRelease',
  NothingToRollBackTo: 'NothingToRollBackTo',
  ReleaseNotRetained: 'ReleaseNotRetained',
  /** `rollback --config <id>` names a config version the service never went live with there (issue 16). */
  ConfigNotRecorded: 'ConfigNotRecorded',
  /** A fleet host's agent did not take its step in time (src/domain/fleet.ts); the release was rolled back. */
  AgentLost: 'AgentLost',
  /**
   * A release found a rollback of the same service and environment running, or a rollback a
   * release (src/workflows/change-lock.ts); it changed nothing.
   */
  ChangeInProgress: 'ChangeInProgress',
  // --- Drills (src/domain/drill.ts) ------------------------------------------------------------
  /** The fault was detected (or both rollback directions ran) and the live version was back within the budget. */
  DrillPassed: 'DrillPassed',
  /** A drill's bad canary passed every check: the fault went undetected, so the drill rolled it back itself. */
  DrillFaultUndetected: 'DrillFaultUndetected',
  /** Detected and restored, but detection plus restore took longer than the drill's budget. */
  DrillOverBudget: 'DrillOverBudget',
  /** The drill's release or rollback did not end as a drill needs (failed, refused, undo failed). */
  DrillRestoreFailed: 'DrillRestoreFailed',
  /** The drill was cancelled (a release started during it, or a person); the live version was restored. */
  DrillAborted: 'DrillAborted',
  /** A scheduled drill found a release or another drill of the service and environment running, and did not start. */
  DrillSkipped: 'DrillSkipped',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];
