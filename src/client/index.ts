export { SluiceClient, defaultActor, specDigest } from './client';
export { connectTemporal } from './connect';
export type { DeploymentHandleInfo, SluiceClientOptions, SpecLike } from './client';
export type { DeploymentReader, DeploymentRef, DeploymentSnapshot } from './deployment';
export { SluiceClientError, isClientError } from './errors';
export { historyQuery, type HistoryEntry, type HistoryOptions } from './history';
export { workflowUiLink, visibilityUiLink } from './links';
export * from './protocol';
export type { ReleasesOptions, ReleaseStoreSettings } from './releases';
export {
  resolveConnectionSettings,
  TEMPORAL_DEFAULTS,
  toConnectionOptions,
  workerConnection,
  type ConnectionDefaults,
  type ConnectionFlags,
  type ConnectionSettings,
} from './settings';
export { readSpecFile, validateSpec, SpecError, formatIssues, type SpecIssue, type LoadedSpecFile } from './spec-file';
export type { WatchEvent, WatchOptions } from './watch';
export { DrillCadence, describeCadence } from './drills/cadence';
export {
  scheduleDrill,
  listDrillSchedules,
  describeDrillSchedule,
  pauseDrillSchedule,
  unpauseDrillSchedule,
  deleteDrillSchedule,
  triggerDrillSchedule,
  DRILL_CATCHUP_WINDOW,
  type DrillScheduleInfo,
  type DrillScheduleRef,
  type DrillRun,
  type ScheduleContext,
} from './drills/schedules';
export { listDrillHistory, drillHistoryQuery, type DrillHistoryEntry } from './drills/history';
export { deliveryRecord, parseStatsWindow, StatsWindow, type StatsOptions } from './stats';
export { commitTimeOf } from './commit-time';
export { APPROVER_KEY_ENV, defaultApproverKeyDir, readApproverKey, signApproval, writeApproverKeyPair, type ApproverKey } from './approver-key';
export { scheduleUiLink } from './links';
