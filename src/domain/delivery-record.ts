/**
 * The delivery record (issue 13): DORA's five metrics and the drills, computed from what Temporal
 * already keeps about each release (results, memos, search attributes). Pure: the visibility
 * reading lives in src/lib/delivery-history.ts, the rendering in the CLI, the gauges in the worker.
 *
 * Definitions (docs/stats.md says the same for people):
 * - A deployment is a deployWorkflow that promoted its release. Drills never count (the reader
 *   leaves out anything started by or as a drill).
 * - Change lead time: commit time (memo `commitTime`) → promotion (the result's finish time minus
 *   the bake, which runs after promotion). Median and p90; values ≤ 0 are ignored (Four Keys).
 * - Change fail rate: releases that reached the environment and had to be undone — rolled back by
 *   a check, analysis or bake, aborted by a person after something was deployed, or promoted and
 *   later undone by `sluice rollback` — over every release that reached the environment.
 * - Failed deployment recovery time: detection (the decision to roll back) → traffic back on a good
 *   version: the result's timeToRollbackMs, or the duration of the rollback that undid a promoted
 *   release. Median and p90.
 * - Deployment rework rate: rollbacks (`sluice rollback`) and promoted releases of a version older
 *   (semver) than the one they replaced, over deployments plus rollbacks.
 * - Drills: count, pass rate, time to restore median and worst, over drills that judged (an
 *   aborted drill restored the environment but measured nothing).
 */
import { compare, valid } from 'semver';
import type { DrillOutcome } from './drill';

export interface DeployRecord {
  service: string;
  environment: string;
  workflowId: string;
  runId: string;
  outcome: 'promoted' | 'rolled-back' | 'aborted' | 'failed';
  version: string | null;
  /** Version live before this release (DeploymentResult.previous). */
  previousVersion: string | null;
  /** ISO 8601 commit time of the released commit (memo), when the client knew it. */
  commitTime: string | null;
  startedAt: string;
  finishedAt: string;
  /** Time spent baking after promotion (phaseDurations.baking). */
  bakeMs: number;
  timeToDetectMs: number | null;
  timeToRollbackMs: number | null;
  /** Something was deployed and then undone (compensations ran). */
  undone: boolean;
}

export interface RollbackRecord {
  service: string;
  environment: string;
  workflowId: string;
  runId: string;
  outcome: 'rolled-back' | 'failed';
  fromVersion: string | null;
  toVersion: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface DrillRecord {
  service: string;
  environment: string;
  workflowId: string;
  runId: string;
  kind: string;
  /** `aborted` (cancelled before it could judge) and `skipped` (a scheduled drill that found one running) are neither a pass nor a failure. */
  outcome: DrillOutcome;
  timeToDetectMs: number | null;
  timeToRestoreMs: number | null;
  budgetMs: number | null;
  startedAt: string;
  finishedAt: string;
}

export interface DeliveryHistory {
  deploys: DeployRecord[];
  rollbacks: RollbackRecord[];
  drills: DrillRecord[];
}

/** DORA's answers to "how often does your organization deploy code to production". */
export type FrequencyBucket = 'on-demand' | 'daily-to-weekly' | 'weekly-to-monthly' | 'monthly-to-6-monthly' | 'fewer-than-6-monthly';

export interface Distribution {
  samples: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface DeliveryFigures {
  deploymentFrequency: { deployments: number; perDay: number; bucket: FrequencyBucket };
  changeLeadTime: Distribution;
  changeFailRate: { failures: number; deployments: number; rate: number | null };
  recoveryTime: Distribution;
  reworkRate: { rework: number; deployments: number; rate: number | null };
  /** count: drills that judged (passed or failed); aborted and skipped ones are counted apart. */
  drills: { count: number; passed: number; aborted: number; skipped: number; passRate: number | null; restoreMedianMs: number | null; restoreWorstMs: number | null };
}

export interface DeliveryGroup {
  service: string;
  environment: string;
  figures: DeliveryFigures;
}

export interface DeliveryRecord {
  since: string;
  until: string;
  days: number;
  /** Every service and environment in the history, figures of each. */
  groups: DeliveryGroup[];
  /** All of them together. */
  total: DeliveryFigures;
}

const DAY_MS = 86_400_000;

/** Median: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Linear interpolation between closest ranks (numpy's default, R type 7); null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function distribution(values: readonly number[]): Distribution {
  // Four Keys: a duration ≤ 0 is a clock or data error, not a fast change.
  const kept = values.filter((v) => Number.isFinite(v) && v > 0);
  return { samples: kept.length, medianMs: median(kept), p90Ms: quantile(kept, 0.9) };
}

export function frequencyBucket(perDay: number): FrequencyBucket {
  if (perDay >= 1) return 'on-demand';
  if (perDay >= 1 / 7) return 'daily-to-weekly';
  if (perDay >= 1 / 30) return 'weekly-to-monthly';
  if (perDay >= 1 / 182) return 'monthly-to-6-monthly';
  return 'fewer-than-6-monthly';
}

function olderThan(version: string | null, than: string | null): boolean {
  if (!version || !than) return false;
  const a = valid(version);
  const b = valid(than);
  if (!a || !b) return false;
  // Build metadata (the commit) does not order versions; the release part does.
  return compare(a, b) < 0;
}

function at(iso: string): number {
  return Date.parse(iso);
}

function key(r: { service: string; environment: string }): string {
  return `${r.service}\u0000${r.environment}`;
}

/** The promoted releases a later successful `sluice rollback` moved away from. */
function undoneByRollback(deploys: readonly DeployRecord[], rollbacks: readonly RollbackRecord[]): Map<DeployRecord, RollbackRecord> {
  const undone = new Map<DeployRecord, RollbackRecord>();
  for (const rb of rollbacks) {
    if (rb.outcome !== 'rolled-back' || !rb.fromVersion) continue;
    // The latest promotion of that version before the rollback started is the release it undid.
    const candidates = deploys
      .filter((d) => d.outcome === 'promoted' && key(d) === key(rb) && d.version === rb.fromVersion && at(d.finishedAt) <= at(rb.startedAt))
      .sort((a, b) => at(b.finishedAt) - at(a.finishedAt));
    const undid = candidates[0];
    if (undid && !undone.has(undid)) undone.set(undid, rb);
  }
  return undone;
}

/** The figures of one history (one service and environment, or several together) over `days`. */
export function computeFigures(history: DeliveryHistory, days: number): DeliveryFigures {
  const promoted = history.deploys.filter((d) => d.outcome === 'promoted');
  const stopped = history.deploys.filter((d) => d.outcome === 'rolled-back' || (d.outcome === 'aborted' && d.undone));
  const rollbacks = history.rollbacks.filter((r) => r.outcome === 'rolled-back');
  const undone = undoneByRollback(history.deploys, rollbacks);

  const perDay = days > 0 ? promoted.length / days : 0;
  const leadTimes = promoted.filter((d) => d.commitTime).map((d) => at(d.finishedAt) - d.bakeMs - at(d.commitTime!));
  const recoveries = [...stopped.map((d) => d.timeToRollbackMs ?? NaN), ...[...undone.values()].map((rb) => rb.durationMs)];
  const reached = promoted.length + stopped.length;
  const failures = stopped.length + undone.size;
  const reworkedReleases = promoted.filter((d) => olderThan(d.version, d.previousVersion)).length;
  const reworkDeployments = promoted.length + rollbacks.length;

  const drills = history.drills.filter((d) => d.outcome === 'passed' || d.outcome === 'failed');
  const aborted = history.drills.filter((d) => d.outcome === 'aborted').length;
  const skipped = history.drills.filter((d) => d.outcome === 'skipped').length;
  const passed = drills.filter((d) => d.outcome === 'passed').length;
  const restores = drills.map((d) => d.timeToRestoreMs).filter((v): v is number => v !== null && v > 0);
  return {
    deploymentFrequency: { deployments: promoted.length, perDay, bucket: frequencyBucket(perDay) },
    changeLeadTime: distribution(leadTimes),
    changeFailRate: { failures, deployments: reached, rate: reached > 0 ? failures / reached : null },
    recoveryTime: distribution(recoveries),
    reworkRate: {
      rework: rollbacks.length + reworkedReleases,
      deployments: reworkDeployments,
      rate: reworkDeployments > 0 ? (rollbacks.length + reworkedReleases) / reworkDeployments : null,
    },
    drills: {
      count: drills.length,
      passed,
      aborted,
      skipped,
      passRate: drills.length > 0 ? passed / drills.length : null,
      restoreMedianMs: median(restores),
      restoreWorstMs: restores.length > 0 ? Math.max(...restores) : null,
    },
  };
}

/**
 * The record over [since, until): records that finished in the window, grouped by service and
 * environment. Records still running have no outcome and are not in a history.
 */
export function computeDeliveryRecord(history: DeliveryHistory, since: Date, until: Date): DeliveryRecord {
  const inWindow = <T extends { finishedAt: string }>(rs: readonly T[]) => rs.filter((r) => at(r.finishedAt) >= since.getTime() && at(r.finishedAt) < until.getTime());
  const windowed: DeliveryHistory = { deploys: inWindow(history.deploys), rollbacks: inWindow(history.rollbacks), drills: inWindow(history.drills) };
  const days = (until.getTime() - since.getTime()) / DAY_MS;
  const groups = new Map<string, { service: string; environment: string; history: DeliveryHistory }>();
  const groupOf = (r: { service: string; environment: string }) => {
    let g = groups.get(key(r));
    if (!g) groups.set(key(r), (g = { service: r.service, environment: r.environment, history: { deploys: [], rollbacks: [], drills: [] } }));
    return g.history;
  };
  for (const d of windowed.deploys) groupOf(d).deploys.push(d);
  for (const r of windowed.rollbacks) groupOf(r).rollbacks.push(r);
  for (const d of windowed.drills) groupOf(d).drills.push(d);
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    days,
    groups: [...groups.values()]
      .sort((a, b) => a.service.localeCompare(b.service) || a.environment.localeCompare(b.environment))
      .map((g) => ({ service: g.service, environment: g.environment, figures: computeFigures(g.history, days) })),
    total: computeFigures(windowed, days),
  };
}
