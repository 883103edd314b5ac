/**
 * The per-metric table every judge hands back to the analysis workflow: one row per
 * measurement (or look), with its outcome and reason, as the analysis result shows it.
 */
import type { AnalysisPhase, SequentialLook } from '../../../domain/analysis';

export type MeasurementOutcome = 'pass' | 'fail' | 'inconclusive' | 'error';

/** One row of the analysis result's table. */
export interface MeasurementRow {
  at?: string;
  outcome: MeasurementOutcome;
  reason: string;
  value?: number | number[];
  /** Kayenta: the compared samples. */
  canary?: (number | null)[];
  baseline?: (number | null)[];
  /** Sequential: the look's e-value, p-value and traffic. */
  evidence?: SequentialLook;
}

export interface MetricTable {
  name: string;
  phase: AnalysisPhase;
  reason: string;
  measurements: MeasurementRow[];
}
