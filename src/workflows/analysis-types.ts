/**
 * The analysis child workflow's input, result and status: plain data, shared by the workflow, the
 * parent that starts it and the tests. Types only from activities (the sandbox rule).
 */
import type { AnalysisPhase, Decision, InconclusivePolicy, JudgeKind } from '../domain/analysis';
import type { MetricTable } from '../activities/metrics';
import type { LoadReport } from '../activities/load';

export type { MetricTable, MeasurementRow, MeasurementOutcome } from '../activities/metrics';

export type AnalysisDecision = Decision;

export interface AnalysisContext {
  service: string;
  environment: string;
  /** Role the threshold metrics measure (their queries' {{role}}); default canary. */
  role?: 'canary' | 'preview' | 'stable' | 'baseline';
  /** {{window}} in query templates: the rate() range, a Prometheus duration; default 1m. */
  window?: string;
  /** {{version}} in query templates. */
  version?: string;
}

export interface AnalysisLoad {
  /** http:// URLs on loopback (the router's frontend), hit round-robin. */
  targets: string[];
  ratePerSecond: number;
  requestTimeoutMs?: number;
}

export interface AnalysisWorkflowInput {
  /** AnalysisTemplate values (src/domain/analysis.ts); validated, defaults filled, by an activity. */
  templates: unknown[];
  context: AnalysisContext;
  /**
   * The analysis step's window: threshold metrics without `count` measure until it ends, and it
   * replaces a Kayenta template's own `window`. Sequential templates run to their maxDuration.
   */
  window?: string;
  /** Drive traffic while analysing, so a quiet environment still yields data. */
  load?: AnalysisLoad;
}

export interface TemplateResult {
  name: string;
  judge: JudgeKind;
  phase: AnalysisPhase;
  decision: AnalysisDecision;
  reason: string;
  inconclusivePolicy: InconclusivePolicy;
  /** Kayenta canary score 0..100. */
  score?: number;
  metrics: MetricTable[];
}

export type LoadOutcome = ({ status: 'completed' | 'cancelled' } & Partial<LoadReport>) | { status: 'failed'; message: string };

export interface AnalysisResult {
  /** Worst template phase: Successful < Inconclusive < Error < Failed. Never Successful if any template was not. */
  phase: AnalysisPhase;
  /** What the parent should do: rollback beats pause beats promote. */
  decision: AnalysisDecision;
  reason: string;
  templates: TemplateResult[];
  startedAt: string;
  finishedAt: string;
  /** When the first measurement (of any template) completed. */
  firstMeasurementAt?: string;
  /** When the decision was known (the first template to end non-successful, or the last to end). */
  decidedAt?: string;
  load?: LoadOutcome;
}

export interface AnalysisStatus {
  phase: AnalysisPhase;
  reason: string;
  templates: TemplateResult[];
}

/** Reasons the workflow itself gives (judges give their own). */
export const ANALYSIS_REASON = {
  stopped: 'stopped: another template already decided',
  noCount: 'metric has no count and the analysis step has no window',
  allErrored: 'every measurement errored',
  loadFailed: 'load generator failed',
  invalid: 'invalid analysis templates',
} as const;
