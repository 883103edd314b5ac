/**
 * What a deployment looks like from outside: the `status` query, the event log and the final
 * result. Plain data, no zod (workflow code builds these).
 */
import type { FleetHost } from './fleet';
import type { Reason } from './reasons';
import type { Release } from './release';
import type { HostSwitch, RouterSpec, StrategyKind, TargetSpec } from './spec';

export const PHASES = [
  'pending',
  'building',
  'pushing',
  'deploying',
  'canary',
  'analysing',
  'awaiting-approval',
  'paused',
  'promoting',
  /** Promoted at 100%, the previous version still warm: watched (bake analysis, alerts) before the release ends. */
  'baking',
  'succeeded',
  'rolling-back',
  'rolled-back',
  'failed',
  'aborted',
] as const;
export type Phase = (typeof PHASES)[number];
export const TERMINAL_PHASES: readonly Phase[] = ['succeeded', 'rolled-back', 'failed', 'aborted'];

export type Outcome = 'promoted' | 'rolled-back' | 'aborted' | 'failed';

export type EventType =
  | 'started'
  | 'phase'
  | 'step'
  | 'weight'
  | 'check'
  | 'analysis'
  | 'approval-requested'
  | 'approved'
  | 'approval-ignored'
  /** An approve whose identity did not check out (unlisted name, bad or missing signature): refused. */
  | 'approval-refused'
  | 'paused'
  | 'resumed'
  | 'abort-requested'
  | 'alert'
  | 'compensation'
  | 'compensation-failed'
  | 'info'
  | 'finished';

export interface DeploymentEvent {
  /** ISO 8601, workflow time. */
  at: string;
  type: EventType;
  message: string;
  data?: Record<string, unknown>;
}

/** One health probe (or, later, one analysis measurement) as the status shows it. */
export interface CheckResult {
  at: string;
  ok: boolean;
  /** e.g. `/healthz 200, /readyz 200` or `/healthz 503`. */
  summary: string;
  consecutiveFailures: number;
}

export interface ApprovalGate {
  /** Human label of what waits: `canary step 4 (pause)`, `blue-green promotion`. */
  gate: string;
  since: string;
  approvers: string[];
}

/** A release watched after promotion (phase 'baking', or 'analysing' while bake analysis measures). */
export interface BakeStatus {
  since: string;
  until: string;
  /** Base URL of the promoted instance being watched. */
  instance: string;
  /** Whether a firing alert rolls the release back (the Alertmanager receiver reads this). */
  alerts: boolean;
  templates: string[];
}

export interface DeploymentStatus {
  service: string;
  environment: string;
  strategy: StrategyKind;
  release: Release | null;
  previous: Release | null;
  phase: Phase;
  /** Current strategy step (0-based) and how many there are; -1 before the first step. */
  stepIndex: number;
  stepCount: number;
  /** Candidate's share of traffic, 0..100. */
  weight: number;
  paused: boolean;
  awaitingApproval: ApprovalGate | null;
  abortRequested: { reason: string; by: string; at: string } | null;
  lastCheck: CheckResult | null;
  /** Set while the release bakes after promotion; absent in runs from before baking existed. */
  bake?: BakeStatus | null;
  startedAt: string;
  /** Newest last; capped (oldest dropped) so the query stays small. */
  events: DeploymentEvent[];
  result: DeploymentResult | null;
}

export interface DeploymentResult {
  outcome: Outcome;
  reason: Reason;
  /** A sentence for people: what happened and, on failure, the error. */
  message: string;
  service: string;
  environment: string;
  release: Release | null;
  previous: Release | null;
  /** Milliseconds spent per phase (a phase entered twice adds up). */
  phaseDurations: Partial<Record<Phase, number>>;
  /** From the decision to roll back (abort received, check failed) to the last undo done. */
  timeToRollbackMs: number | null;
  /**
   * From the moment the release first took production traffic (first weight above 0, or its
   * promotion) to the decision to roll back; for a candidate stopped before it took traffic,
   * from when it started. null when the release was not stopped, or stopped before a candidate
   * ran. Results recorded before this field existed lack it.
   */
  timeToDetectMs?: number | null;
  /** Undo steps that ran, in the order they ran (newest first). */
  compensations: string[];
  /** Set when outcome is failed: the error type of the root cause (ApplicationFailure.type). */
  errorType?: string;
  startedAt: string;
  finishedAt: string;
}

export interface RollbackRequest {
  service: string;
  environment: string;
  /** Version, image tag or digest ref of a retained release; omitted = the one before the live one. */
  toVersion?: string;
  /**
   * A config version (`cfg-…` or its digest) the service went live with in this environment: the
   * rollback restores it, with the live build (or with `toVersion`'s). Without it a rollback
   * restores the config the chosen build was last live with (issue 16, docs/config.md).
   */
  toConfig?: string;
  /** Where the service runs: the same target and router as its release spec. */
  target: TargetSpec;
  router: RouterSpec;
  /** Registry repository of the service's images (docker and kubernetes targets). */
  imageRepo?: string;
  /** A fleet's hosts (src/domain/fleet.ts): each is rolled back through its agent. */
  hosts?: FleetHost[];
  /** How long a host's step waits for its agent (a fleet only; default 2m). */
  agentTimeout?: string;
  /** How each host changes version (a fleet only; the spec's strategy.hostSwitch, default inPlace). */
  hostSwitch?: HostSwitch;
}

export interface RollbackResult {
  outcome: 'rolled-back' | 'failed';
  reason: Reason;
  message: string;
  from: Release | null;
  to: Release | null;
  durationMs: number;
}
