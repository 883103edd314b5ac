/**
 * What a release report shows: plain data gathered from the workflow's history, result and
 * analysis children (./history.ts, ./gather.ts) and from Prometheus range queries (./prometheus.ts),
 * then drawn by one renderer (./html.ts). JSON-safe, so the page embeds it as is.
 */
import type { DeliveryHistory, DeliveryRecord } from '../../domain/delivery-record';
import type { DrillResult } from '../../domain/drill';
import type { DeploymentResult } from '../../domain/status';

/** A point in time as Unix milliseconds (the page converts to uPlot's seconds). */
export type Ms = number;

export interface PhaseSpan {
  phase: string;
  from: Ms;
  /** Absent while the phase lasts (a running release). */
  to?: Ms;
}

export interface WeightPoint {
  at: Ms;
  weight: number;
}

/** A signal or update that reached the workflow: approve, pause, resume, abort, alert. */
export interface Intervention {
  at: Ms;
  kind: string;
  /** Who, and the reason for an abort, as the signal carried them. */
  detail: string;
}

export interface Decision {
  at: Ms;
  /** promote, rollback, abort, fail: what the release decided at that moment. */
  kind: 'promote' | 'rollback' | 'abort' | 'fail';
  /** The phase that history records at that moment (rolling-back, promoting, succeeded...). */
  phase: string;
}

export interface Timeline {
  /** What `weights` measure: the canary's weight for a release, the older version's share for a drill. */
  weightLabel?: string;
  startedAt: Ms;
  /** Close time of the run; absent while it runs. */
  closedAt?: Ms;
  phases: PhaseSpan[];
  weights: WeightPoint[];
  interventions: Intervention[];
  decision?: Decision;
  analyses: { label: string; from: Ms; to?: Ms }[];
}

/** One series of a chart; `null` values are gaps. */
export interface Series {
  label: string;
  points: { at: Ms; value: number | null }[];
  /** canary, baseline, threshold, history, evidence: the page picks colours by role. */
  role: 'canary' | 'baseline' | 'threshold' | 'measurement' | 'evidence' | 'bound';
  /** Measurements only: each point's outcome (pass, fail, inconclusive, error). */
  outcomes?: string[];
}

export interface MetricChart {
  id: string;
  title: string;
  /** Where the numbers come from: `prometheus` (range query now) or `history` (what the judge saw). */
  source: 'prometheus' | 'history';
  series: Series[];
  /** Shown above the chart: data missing from Prometheus, the query that ran. */
  notice?: string;
  /** The y axis on a log scale (e-values). */
  logScale?: boolean;
  /** When the evidence first crossed the bound (sequential judge). */
  crossedAt?: Ms;
}

export interface MetricSection {
  template: string;
  judge: string;
  metric: string;
  phase: string;
  reason: string;
  /** Mann-Whitney: the classification with its interval (the judge's words). */
  classification?: string;
  charts: MetricChart[];
}

export interface AnalysisSection {
  label: string;
  workflowId: string;
  link: string;
  phase: string;
  decision: string;
  reason: string;
  from: Ms;
  to?: Ms;
  decidedAt?: Ms;
  templates: { name: string; judge: string; phase: string; reason: string; score?: number }[];
  metrics: MetricSection[];
}

export interface ChangelogLine {
  sha: string;
  subject: string;
  author: string;
}

export interface ReleaseReport {
  generatedAt: Ms;
  service: string;
  environment: string;
  workflowId: string;
  runId: string;
  /** RUNNING, COMPLETED, FAILED, TERMINATED… from Temporal. */
  execution: string;
  from: string | null;
  to: string | null;
  strategy: string | null;
  result: DeploymentResult | null;
  /** Time to detect and to restore against the drill budget (the same 5 minutes by default). */
  budgetMs: number;
  changelog: ChangelogLine[];
  links: { run: string; history: string; analyses: { label: string; url: string }[] };
  timeline: Timeline;
  analyses: AnalysisSection[];
  /** A drill's report (`--drill`): its result stands in for a release's (`result` is null). */
  drill?: { kind: string; result: DrillResult | null };
  /** `--since`: the delivery record over that window, when asked for. */
  record?: { figures: DeliveryRecord; history: DeliveryHistory };
  /** A page served live refreshes itself every this many seconds while the run is open. */
  refreshSeconds?: number;
}
