/**
 * The deployment's visible state: phase, step, weight, checks, the event log, per-phase
 * durations, and the search attributes that mirror them. Only workflow code writes it; the
 * `status` query reads it.
 */
import { patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { Release } from '../domain/release';
import { SluiceEnvironment, SluicePhase, SluiceService, SluiceStrategy, SluiceSummary, SluiceVersion, SluiceWeight } from '../domain/search-attributes';
import type { ReleaseSpec } from '../domain/spec';
import { releaseCurrentDetails, releaseListLine } from '../domain/ui-summary';
import type { BakeStatus, CheckResult, DeploymentEvent, DeploymentStatus, EventType, Phase } from '../domain/status';
import { recordApprovalWait } from './metrics';

/**
 * Strategy and weight as search attributes, so a worker can export every running release's state
 * from visibility (src/worker/release-state.ts). New commands, hence the patch.
 */
export const RELEASE_STATE_ATTRIBUTES_PATCH = 'release-state-attributes';

/** Enough for a long canary; older events stay in the Temporal history, which keeps everything. */
export const MAX_EVENTS = 200;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class Tracker {
  readonly status: DeploymentStatus;
  readonly startedAtMs: number;
  private phaseSinceMs: number;
  private readonly durations: Partial<Record<Phase, number>> = {};
  /** Workflow time the candidate first ran, and first took production traffic (time to detect counts from these). */
  private candidateStartedAtMs: number | null = null;
  private exposedAtMs: number | null = null;

  private readonly strategy: ReleaseSpec['strategy'];

  constructor(spec: Pick<ReleaseSpec, 'service' | 'environment' | 'strategy'>) {
    this.strategy = spec.strategy;
    // Workflow Date.now() is the deterministic time of the current workflow task.
    this.startedAtMs = Date.now();
    this.phaseSinceMs = this.startedAtMs;
    this.status = {
      service: spec.service,
      environment: spec.environment,
      strategy: spec.strategy.kind,
      release: null,
      previous: null,
      phase: 'pending',
      stepIndex: -1,
      stepCount: spec.strategy.kind === 'canary' ? spec.strategy.steps.length : 0,
      weight: 0,
      paused: false,
      awaitingApproval: null,
      abortRequested: null,
      lastCheck: null,
      startedAt: iso(this.startedAtMs),
      events: [],
      result: null,
    };
    // The same one upsert command as before the patch, with two more keys after it.
    upsertSearchAttributes([
      { key: SluiceService, value: spec.service },
      { key: SluiceEnvironment, value: spec.environment },
      { key: SluicePhase, value: 'pending' },
      ...(patched(RELEASE_STATE_ATTRIBUTES_PATCH)
        ? [
            { key: SluiceStrategy, value: spec.strategy.kind },
            { key: SluiceWeight, value: 0 },
          ]
        : []),
    ]);
    this.showDetails();
  }

  get phase(): Phase {
    return this.status.phase;
  }

  now(): string {
    return iso(Date.now());
  }

  event(type: EventType, message: string, data?: Record<string, unknown>): void {
    const entry: DeploymentEvent = { at: this.now(), type, message, ...(data ? { data } : {}) };
    this.status.events.push(entry);
    if (this.status.events.length > MAX_EVENTS) this.status.events.splice(0, this.status.events.length - MAX_EVENTS);
    // Every change of the visible state writes an event, so the details follow it from here.
    this.showDetails();
  }

  /**
   * The Web UI's "current details" of the run (phase, step, weight, versions, last decision),
   * from the same status the `status` query returns. Workflow state the UI reads by query: no
   * command, so it changes nothing in history and every recorded history replays unchanged.
   */
  private showDetails(): void {
    setCurrentDetails(releaseCurrentDetails(this.status));
  }

  currentWeight(): number {
    return this.status.weight;
  }

  currentPhase(): Phase {
    return this.status.phase;
  }

  setPhase(phase: Phase, message?: string): void {
    if (phase === this.status.phase) return;
    const now = Date.now();
    const previous = this.status.phase;
    const spentMs = now - this.phaseSinceMs;
    this.durations[previous] = (this.durations[previous] ?? 0) + spentMs;
    // One observation per wait, whatever ended it (approve, abort, a stop); a sink, not a command.
    if (previous === 'awaiting-approval') recordApprovalWait(this.status.service, this.status.environment, spentMs);
    this.phaseSinceMs = now;
    this.status.phase = phase;
    this.event('phase', message ?? `${previous} → ${phase}`, { from: previous, to: phase });
    upsertSearchAttributes([{ key: SluicePhase, value: phase }]);
  }

  /** Milliseconds per phase so far, the current one included. */
  phaseDurations(): Partial<Record<Phase, number>> {
    const out = { ...this.durations };
    out[this.status.phase] = (out[this.status.phase] ?? 0) + (Date.now() - this.phaseSinceMs);
    return out;
  }

  setReleases(release: Release, previous: Release | null): void {
    this.status.release = release;
    this.status.previous = previous;
    // The summary rides in the same upsert command: no new command, so recorded runs replay.
    upsertSearchAttributes([
      { key: SluiceVersion, value: release.version },
      { key: SluiceSummary, value: releaseListLine(this.status.service, previous?.version, release.version, this.strategy) },
    ]);
    this.showDetails();
  }

  /**
   * The version being built, before it is a deployable release (no image or binary yet): the
   * status and a failed build's result can name it. State only; setReleases follows on success.
   */
  setBuilding(release: Release): void {
    this.status.release = release;
    this.showDetails();
  }

  setStep(index: number, description: string): void {
    this.status.stepIndex = index;
    this.event('step', `step ${index + 1}/${this.status.stepCount}: ${description}`, { index });
  }

  setWeight(weight: number): void {
    if (weight > 0 && this.exposedAtMs === null) this.exposedAtMs = Date.now();
    this.status.weight = weight;
    this.event('weight', `candidate weight ${weight}%`, { weight });
    if (patched(RELEASE_STATE_ATTRIBUTES_PATCH)) upsertSearchAttributes([{ key: SluiceWeight, value: weight }]);
  }

  /** State only (no event, no command): histories recorded before it replay unchanged. */
  markCandidateStarted(): void {
    this.candidateStartedAtMs ??= Date.now();
  }

  /** Milliseconds from first exposure (or, never exposed, from the candidate's start) to `decidedAtMs`; null if no candidate ran. */
  timeToDetect(decidedAtMs: number): number | null {
    const since = this.exposedAtMs ?? this.candidateStartedAtMs;
    return since === null ? null : Math.max(0, decidedAtMs - since);
  }

  /**
   * Nothing to deploy: the release is the live stable already, so it has all the traffic. State
   * only (no event, no command), so histories recorded before this replay unchanged.
   */
  markAlreadyLive(): void {
    this.status.weight = 100;
    this.showDetails();
  }

  /** State only: the status query shows the bake (the Alertmanager receiver reads it). */
  setBake(bake: BakeStatus | null): void {
    this.status.bake = bake;
  }

  recordCheck(check: CheckResult): void {
    const before = this.status.lastCheck;
    this.status.lastCheck = check;
    // Every failure is worth a line; successes only when they end a failure streak (keeps the log short).
    if (!check.ok) this.event('check', `check failed: ${check.summary}`, { consecutiveFailures: check.consecutiveFailures });
    else if (before && !before.ok) this.event('check', `check recovered: ${check.summary}`);
  }
}
