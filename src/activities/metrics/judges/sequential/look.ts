/**
 * The `judgeSequentialLook` activity: turns one look's counter and histogram snapshots into
 * increments against the previous look, folds them into the sequential judge, and hands back the
 * new state plus this look's row per metric.
 *
 * The judge's state is kept small (each metric's look history cut down to the last look),
 * because each look records it twice in the workflow history.
 */
import { SequentialJudgeConfig } from '../../../../domain/analysis';
import type { AnalysisPhase, SequentialLook } from '../../../../domain/analysis';
import { countIncrement, emptySnapshot, sameLayout } from '../../providers/snapshots';
import type { LatencySnapshot, RoleSnapshot, Snapshot } from '../../providers/snapshots';
import type { MeasurementRow } from '../table';
import { initialSequentialState, lookSequential } from './judge';
import type { MetricLookInput, SequentialState } from './judge';
import { bucketIncrements } from './latency';

/** The judge's state with each metric's look history cut down to the last look. */
export interface SequentialRunState {
  judge: SequentialState;
  lookCounts: Record<string, number>;
  /** Last snapshot per metric and role; increments are taken against it. */
  previous: Record<string, { canary?: Snapshot; baseline?: Snapshot }>;
}
export interface SequentialLookArgs {
  config: SequentialJudgeConfig;
  state?: SequentialRunState;
  elapsedMs: number;
  snapshots: Record<string, { canary: RoleSnapshot; baseline: RoleSnapshot; at?: string }>;
}
export interface SequentialLookResult {
  state: SequentialRunState;
  phase: AnalysisPhase;
  reason: string;
  /** This look's row per metric (the workflow appends them to its table). */
  rows: Record<string, MeasurementRow>;
  metricPhases: Record<string, { phase: AnalysisPhase; reason: string }>;
}

const KEEP_GAPS = 20;

function expand(state: SequentialRunState): SequentialState {
  const metrics: SequentialState['metrics'] = {};
  for (const [name, m] of Object.entries(state.judge.metrics)) {
    const last = m.state.looks[m.state.looks.length - 1];
    const count = state.lookCounts[name] ?? 0;
    // The judge reads only the number of looks and the last one; the same object stands in for the rest.
    const looks = last ? new Array<SequentialLook>(count).fill(last) : [];
    metrics[name] = { ...m, state: { ...m.state, looks } } as SequentialState['metrics'][string];
  }
  return { ...state.judge, metrics };
}

function compact(judge: SequentialState): { judge: SequentialState; lookCounts: Record<string, number> } {
  const metrics: SequentialState['metrics'] = {};
  const lookCounts: Record<string, number> = {};
  for (const [name, m] of Object.entries(judge.metrics)) {
    lookCounts[name] = m.state.looks.length;
    metrics[name] = { ...m, state: { ...m.state, looks: m.state.looks.slice(-1) } } as SequentialState['metrics'][string];
  }
  return { judge: { ...judge, metrics, gaps: judge.gaps.slice(-KEEP_GAPS) }, lookCounts };
}

type Ok = Snapshot;
function usable(s: RoleSnapshot, kind: Snapshot['kind']): Ok | string {
  if (s.kind === 'error') return `provider error: ${s.message}`;
  // An empty answer means this role has served nothing yet: counters at zero.
  if (s.kind === 'no-data') return emptySnapshot(kind);
  if (s.kind !== kind) return `expected ${kind} data, got ${s.kind}`;
  return s;
}

function latencyIncrement(cur: LatencySnapshot, prev?: LatencySnapshot): number[] {
  if (cur.le.length === 0) return [];
  const previous = prev && sameLayout(cur, prev) ? prev.cumulative : undefined;
  return bucketIncrements(cur.cumulative, previous);
}

/** The judge's input for one metric, or a no-data reason; updates `previous` in place. */
function metricInput(kind: Snapshot['kind'], snap: { canary: RoleSnapshot; baseline: RoleSnapshot }, previous: { canary?: Snapshot; baseline?: Snapshot }): MetricLookInput {
  const canary = usable(snap.canary, kind);
  const baseline = usable(snap.baseline, kind);
  if (typeof canary === 'string') return { kind: 'no-data', reason: `canary ${canary}` };
  if (typeof baseline === 'string') return { kind: 'no-data', reason: `baseline ${baseline}` };
  const prev = { ...previous };
  previous.canary = canary;
  previous.baseline = baseline;
  // Increments start from the first snapshot of both roles, so traffic before the analysis is not counted.
  if (!prev.canary || !prev.baseline) return { kind: 'no-data', reason: 'counters recorded; increments start at the next look' };
  if (canary.kind === 'count' && baseline.kind === 'count') {
    const c = countIncrement(canary, prev.canary?.kind === 'count' ? prev.canary : undefined);
    const b = countIncrement(baseline, prev.baseline?.kind === 'count' ? prev.baseline : undefined);
    return { kind: 'count', canaryErrors: c.errors, canaryRequests: c.requests, baselineErrors: b.errors, baselineRequests: b.requests };
  }
  if (canary.kind === 'latency' && baseline.kind === 'latency') {
    let c = latencyIncrement(canary, prev.canary?.kind === 'latency' ? prev.canary : undefined);
    let b = latencyIncrement(baseline, prev.baseline?.kind === 'latency' ? prev.baseline : undefined);
    // A role without traffic yet has no buckets: zeros in the other role's layout.
    if (c.length === 0 && b.length === 0) return { kind: 'no-data', reason: 'no requests in either role yet' };
    if (c.length === 0) c = b.map(() => 0);
    if (b.length === 0) b = c.map(() => 0);
    if (c.length !== b.length) return { kind: 'no-data', reason: 'canary and baseline use different histogram buckets' };
    return { kind: 'latency', canaryBuckets: c, baselineBuckets: b };
  }
  return { kind: 'no-data', reason: 'mismatched snapshot kinds' };
}

/** The `judgeSequentialLook` activity: fold one look of snapshots into the state the workflow kept. */
export function sequentialLook(args: SequentialLookArgs): SequentialLookResult {
  const config = SequentialJudgeConfig.parse(args.config);
  const first = args.state === undefined;
  const runState: SequentialRunState = args.state ?? { ...compact(initialSequentialState(config)), previous: {} };
  const previous = structuredClone(runState.previous);
  const inputs: Record<string, MetricLookInput> = {};
  for (const m of config.metrics) {
    const snap = args.snapshots[m.name];
    previous[m.name] ??= {};
    inputs[m.name] = snap ? metricInput(m.kind, snap, previous[m.name]!) : { kind: 'no-data', reason: 'not measured' };
  }
  const rows: Record<string, MeasurementRow> = {};
  if (first) {
    // Look 0 only records where the counters stand; it is not a judged look, so it adds no row.
    const phases = Object.fromEntries(config.metrics.map((m) => [m.name, { phase: 'Running' as AnalysisPhase, reason: 'counters recorded' }]));
    return { state: { ...runState, previous }, phase: 'Running', reason: 'counters recorded', rows, metricPhases: phases };
  }
  const next = lookSequential(config, expand(runState), { elapsedMs: args.elapsedMs, metrics: inputs });
  for (const m of config.metrics) {
    const input = inputs[m.name]!;
    const at = args.snapshots[m.name]?.at;
    if (input.kind === 'no-data') {
      rows[m.name] = { at, outcome: 'inconclusive', reason: `no data: ${input.reason}` };
      continue;
    }
    const look = next.metrics[m.name]!.state.looks[next.metrics[m.name]!.state.looks.length - 1]!;
    const decided = next.decidedBy?.metric === m.name;
    rows[m.name] = {
      at,
      outcome: decided ? 'fail' : 'pass',
      value: look.pValue,
      reason: `${decided ? 'regression: ' : ''}p=${look.pValue.toExponential(2)} e=${look.eValue.toExponential(2)} canary ${look.canaryRequests} req, baseline ${look.baselineRequests} req${look.canaryWorse ? ', canary looks worse' : ''}`,
      evidence: look,
    };
  }
  const metricPhases: SequentialLookResult['metricPhases'] = {};
  for (const m of config.metrics) {
    if (next.decidedBy?.metric === m.name) metricPhases[m.name] = { phase: 'Failed', reason: next.reason };
    else if (next.phase === 'Running' || next.phase === 'Failed')
      metricPhases[m.name] = {
        phase: next.phase === 'Failed' ? 'Inconclusive' : 'Running',
        reason: next.phase === 'Failed' ? 'stopped: another metric decided' : 'no evidence of regression yet',
      };
    else metricPhases[m.name] = { phase: next.phase, reason: next.reason };
  }
  return { state: { ...compact(next), previous }, phase: next.phase, reason: next.reason, rows, metricPhases };
}
