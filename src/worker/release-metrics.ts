/**
 * Release metrics (prom-client), fed by the `releaseMetrics` workflow sink: outcomes, durations,
 * time to detect and to restore, approval waits and analysis measurements. Counted where a
 * release really runs its end, never on replay (see src/domain/release-metrics.ts), so a fleet of
 * workers together counts each release once: sum them (`sum by (service, environment, outcome)`).
 */
import type { InjectedSinks } from '@temporalio/worker';
import { Counter, Histogram, type Registry } from 'prom-client';
import { DRILL_OUTCOMES } from '../domain/drill';
import type { ReleaseMetricsSinks } from '../domain/release-metrics';
import type { Outcome } from '../domain/status';

export interface ReleaseMetrics {
  releases: Counter<'service' | 'environment' | 'outcome'>;
  duration: Histogram<'service' | 'environment' | 'outcome'>;
  timeToDetect: Histogram<'service' | 'environment'>;
  timeToRestore: Histogram<'service' | 'environment'>;
  approvalWait: Histogram<'service' | 'environment'>;
  measurements: Counter<'service' | 'environment' | 'template' | 'metric' | 'phase'>;
  drills: Counter<'service' | 'environment' | 'kind' | 'outcome'>;
  drillTimeToDetect: Histogram<'service' | 'environment' | 'kind'>;
  drillTimeToRestore: Histogram<'service' | 'environment' | 'kind'>;
}

// Seconds. A release takes minutes to an hour; detection and restore are judged against the
// 5-minute rollback budget, so the buckets are dense around it; approvals can wait for hours.
const RELEASE_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];
const BUDGET_BUCKETS = [1, 5, 10, 30, 60, 120, 180, 300, 600, 1800];
const APPROVAL_BUCKETS = [10, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400];

export function createReleaseMetrics(registry: Registry): ReleaseMetrics {
  const registers = [registry];
  return {
    releases: new Counter({
      name: 'sluice_releases_total',
      help: 'Releases that ended, by outcome (promoted, rolled-back, aborted, failed); each release once across the workers.',
      labelNames: ['service', 'environment', 'outcome'],
      registers,
    }),
    duration: new Histogram({
      name: 'sluice_release_duration_seconds',
      help: 'Release duration from workflow start to its end, by outcome.',
      labelNames: ['service', 'environment', 'outcome'],
      buckets: RELEASE_BUCKETS,
      registers,
    }),
    timeToDetect: new Histogram({
      name: 'sluice_time_to_detect_seconds',
      help: 'From the candidate taking traffic (or starting) to the decision to stop the release.',
      labelNames: ['service', 'environment'],
      buckets: BUDGET_BUCKETS,
      registers,
    }),
    timeToRestore: new Histogram({
      name: 'sluice_time_to_restore_seconds',
      help: 'From the decision to stop the release to the end of its undo (the previous version serving again).',
      labelNames: ['service', 'environment'],
      buckets: BUDGET_BUCKETS,
      registers,
    }),
    approvalWait: new Histogram({
      name: 'sluice_approval_wait_seconds',
      help: 'Time a release spent awaiting approval, per wait, whatever ended it.',
      labelNames: ['service', 'environment'],
      buckets: APPROVAL_BUCKETS,
      registers,
    }),
    measurements: new Counter({
      name: 'sluice_analysis_measurements_total',
      help: 'Analysis measurements by template, metric and verdict (Successful, Failed, Inconclusive, Error).',
      labelNames: ['service', 'environment', 'template', 'metric', 'phase'],
      registers,
    }),
    drills: new Counter({
      name: 'sluice_drills_total',
      help: 'Rollback drills that ended, by kind and outcome (passed, failed, aborted); a failed drill is an alert (SluiceDrillFailed).',
      labelNames: ['service', 'environment', 'kind', 'outcome'],
      registers,
    }),
    drillTimeToDetect: new Histogram({
      name: 'sluice_drill_time_to_detect_seconds',
      help: "bad-canary drills: from the faulty candidate's first exposure to the decision to roll it back.",
      labelNames: ['service', 'environment', 'kind'],
      buckets: BUDGET_BUCKETS,
      registers,
    }),
    drillTimeToRestore: new Histogram({
      name: 'sluice_drill_time_to_restore_seconds',
      help: 'Drills: from the decision (or the first rollback) to the live version serving all traffic again.',
      labelNames: ['service', 'environment', 'kind'],
      buckets: BUDGET_BUCKETS,
      registers,
    }),
  };
}

const OUTCOMES: readonly Outcome[] = ['promoted', 'rolled-back', 'aborted', 'failed'];

/**
 * Series start at 0 for a service and environment before their first count: a series born at 1
 * has no earlier sample, so increase() and rate() over it read 0 and the first rollback of a
 * service would never show on a dashboard or in a rule. Only label sets not seen yet are
 * touched (Histogram.zero would reset one that has counts).
 */
function zeroSeries(m: ReleaseMetrics, seen: Set<string>, service: string, environment: string): void {
  const key = JSON.stringify([service, environment]);
  if (seen.has(key)) return;
  seen.add(key);
  const labels = { service, environment };
  for (const outcome of OUTCOMES) {
    m.releases.inc({ ...labels, outcome }, 0);
    m.duration.zero({ ...labels, outcome });
  }
  m.timeToDetect.zero(labels);
  m.timeToRestore.zero(labels);
  m.approvalWait.zero(labels);
}

/** Like zeroSeries, for a drill's service, environment and kind. */
function zeroDrillSeries(m: ReleaseMetrics, seen: Set<string>, service: string, environment: string, kind: string): void {
  const key = JSON.stringify(['drill', service, environment, kind]);
  if (seen.has(key)) return;
  seen.add(key);
  const labels = { service, environment, kind };
  for (const outcome of DRILL_OUTCOMES) m.drills.inc({ ...labels, outcome }, 0);
  m.drillTimeToDetect.zero(labels);
  m.drillTimeToRestore.zero(labels);
}

/** The worker side of the sink. Counting sinks are not called during replay (the SDK default), which is the point. */
export function releaseMetricsSinks(m: ReleaseMetrics): InjectedSinks<ReleaseMetricsSinks> {
  const seen = new Set<string>();
  return {
    releaseMetrics: {
      releaseStarted: {
        fn(_info, e) {
          zeroSeries(m, seen, e.service, e.environment);
        },
        // Also on replay: a worker that takes a release over mid-way needs the zero series too,
        // and touching only unseen label sets makes the call idempotent.
        callDuringReplay: true,
      },
      releaseEnded: {
        fn(_info, e) {
          zeroSeries(m, seen, e.service, e.environment);
          const labels = { service: e.service, environment: e.environment };
          m.releases.inc({ ...labels, outcome: e.outcome });
          m.duration.observe({ ...labels, outcome: e.outcome }, e.durationMs / 1000);
          if (e.timeToDetectMs !== null) m.timeToDetect.observe(labels, e.timeToDetectMs / 1000);
          if (e.timeToRestoreMs !== null) m.timeToRestore.observe(labels, e.timeToRestoreMs / 1000);
        },
        callDuringReplay: false,
      },
      approvalWaited: {
        fn(_info, e) {
          m.approvalWait.observe({ service: e.service, environment: e.environment }, e.waitedMs / 1000);
        },
        callDuringReplay: false,
      },
      analysisMeasured: {
        fn(_info, events) {
          for (const e of events) m.measurements.inc({ service: e.service, environment: e.environment, template: e.template, metric: e.metric, phase: e.phase }, e.count);
        },
        callDuringReplay: false,
      },
      drillStarted: {
        fn(_info, e) {
          zeroDrillSeries(m, seen, e.service, e.environment, e.kind);
        },
        callDuringReplay: true,
      },
      drillEnded: {
        fn(_info, e) {
          zeroDrillSeries(m, seen, e.service, e.environment, e.kind);
          const labels = { service: e.service, environment: e.environment, kind: e.kind };
          m.drills.inc({ ...labels, outcome: e.outcome });
          if (e.timeToDetectMs !== null) m.drillTimeToDetect.observe(labels, e.timeToDetectMs / 1000);
          if (e.timeToRestoreMs !== null) m.drillTimeToRestore.observe(labels, e.timeToRestoreMs / 1000);
        },
        callDuringReplay: false,
      },
    },
  };
}
