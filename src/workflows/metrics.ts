/**
 * Release metrics from workflow code: calls to the `releaseMetrics` sink (src/domain/release-metrics.ts).
 * A sink call is no command, so these need no patch; it is skipped while a history replays, so a
 * release is counted by the one worker that runs its end, not again by each worker that replays it.
 */
import { proxySinks } from '@temporalio/workflow';
import type { AnalysisPhase } from '../domain/analysis';
import type { DrillKind, DrillResult } from '../domain/drill';
import type { AnalysisMeasured, ReleaseMetricsSinks } from '../domain/release-metrics';
import type { DeploymentResult } from '../domain/status';
import type { MeasurementOutcome, TemplateResult } from './analysis-types';

const { releaseMetrics } = proxySinks<ReleaseMetricsSinks>();

/** When the release starts, so its service and environment have series at 0 before the first count. */
export function recordReleaseStart(service: string, environment: string): void {
  releaseMetrics.releaseStarted({ service, environment });
}

/** Once, when the release has its result (every outcome, `failed` included). */
export function recordReleaseEnd(result: DeploymentResult): void {
  releaseMetrics.releaseEnded({
    service: result.service,
    environment: result.environment,
    outcome: result.outcome,
    durationMs: Math.max(0, Date.parse(result.finishedAt) - Date.parse(result.startedAt)),
    timeToDetectMs: result.timeToDetectMs ?? null,
    timeToRestoreMs: result.timeToRollbackMs,
  });
}

export function recordApprovalWait(service: string, environment: string, waitedMs: number): void {
  releaseMetrics.approvalWaited({ service, environment, waitedMs: Math.max(0, waitedMs) });
}

const MEASUREMENT_PHASE: Record<MeasurementOutcome, AnalysisPhase> = {
  pass: 'Successful',
  fail: 'Failed',
  inconclusive: 'Inconclusive',
  error: 'Error',
};

/** Every measurement an analysis run took, by template, metric and verdict. */
export function recordMeasurements(service: string, environment: string, templates: Iterable<TemplateResult>): void {
  const counts = new Map<string, AnalysisMeasured>();
  for (const template of templates) {
    for (const table of template.metrics) {
      for (const row of table.measurements) {
        const phase = MEASUREMENT_PHASE[row.outcome];
        const key = JSON.stringify([template.name, table.name, phase]);
        const entry = counts.get(key) ?? { service, environment, template: template.name, metric: table.name, phase, count: 0 };
        entry.count += 1;
        counts.set(key, entry);
      }
    }
  }
  if (counts.size > 0) releaseMetrics.analysisMeasured([...counts.values()]);
}

/** When a drill starts, so its kind has series at 0 before the first count. */
export function recordDrillStart(service: string, environment: string, kind: DrillKind): void {
  releaseMetrics.drillStarted({ service, environment, kind });
}

/** Once, when the drill has its result. */
export function recordDrillEnd(result: DrillResult): void {
  releaseMetrics.drillEnded({
    service: result.service,
    environment: result.environment,
    kind: result.kind,
    outcome: result.outcome,
    timeToDetectMs: result.timeToDetectMs,
    timeToRestoreMs: result.timeToRestoreMs,
  });
}
