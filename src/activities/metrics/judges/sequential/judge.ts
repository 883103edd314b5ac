/**
 * The sequential judge over several metrics: fold one look at a time, decide at every look.
 *
 * - A metric rejects when its anytime-valid p-value is at most α/m (m = number of metrics, so the
 *   chance of ever rolling back a good release stays at most α overall), the observed direction
 *   is the bad one, and both roles have at least `minRequests` requests. The first rejection ends
 *   the analysis as Failed at once.
 * - At `maxDuration` without a rejection the analysis is Successful — unless some metric never
 *   reached its minimum traffic, which is no evidence at all: Inconclusive.
 * - A look without data for a metric (provider error, empty result) is recorded and skipped.
 * The state is plain JSON so a workflow can keep it between timers.
 */
import type { AnalysisPhase, SequentialJudgeConfig, SequentialLook } from '../../../../domain/analysis';
import { durationToMs } from '../../../../domain/analysis';
import { enoughTraffic, initialCountState, lookCount } from './count';
import type { CountIncrement, CountState } from './count';
import { initialLatencyState, lookLatency } from './latency';
import type { LatencyIncrement, LatencyState } from './latency';

export type MetricLookInput =
  ({ kind: 'count' } & Omit<CountIncrement, 'elapsedMs'>) | ({ kind: 'latency' } & Omit<LatencyIncrement, 'elapsedMs'>) | { kind: 'no-data'; reason: string };

export interface SequentialLookInput {
  elapsedMs: number;
  metrics: Readonly<Record<string, MetricLookInput>>;
}

export type MetricState = { kind: 'count'; state: CountState } | { kind: 'latency'; state: LatencyState };

export interface SequentialState {
  phase: AnalysisPhase;
  reason: string;
  looks: number;
  metrics: Record<string, MetricState>;
  /** Notes about skipped looks, e.g. "look 3: error_rate no data (timeout)". */
  gaps: string[];
  /** The look at which evidence crossed the threshold, when it did. */
  decidedBy?: { metric: string; look: SequentialLook };
}

export function initialSequentialState(config: SequentialJudgeConfig): SequentialState {
  const metrics: Record<string, MetricState> = {};
  for (const m of config.metrics) {
    metrics[m.name] = m.kind === 'count' ? { kind: 'count', state: initialCountState() } : { kind: 'latency', state: initialLatencyState() };
  }
  return { phase: 'Running', reason: 'waiting for the first look', looks: 0, metrics, gaps: [] };
}

function trafficOf(ms: MetricState): { canaryRequests: number; baselineRequests: number } {
  const last = ms.state.looks[ms.state.looks.length - 1];
  return { canaryRequests: last?.canaryRequests ?? 0, baselineRequests: last?.baselineRequests ?? 0 };
}

export function lookSequential(config: SequentialJudgeConfig, state: SequentialState, input: SequentialLookInput): SequentialState {
  if (state.phase !== 'Running') return state;
  const alphaEach = config.alpha / config.metrics.length;
  const metrics: Record<string, MetricState> = { ...state.metrics };
  const gaps = [...state.gaps];
  const lookNo = state.looks + 1;
  let decidedBy: SequentialState['decidedBy'];
  for (const rule of config.metrics) {
    const data = input.metrics[rule.name];
    const current = metrics[rule.name]!;
    if (!data || data.kind === 'no-data') {
      gaps.push(`look ${lookNo}: ${rule.name} no data${data ? ` (${data.reason})` : ''}`);
      continue;
    }
    let next: MetricState;
    if (rule.kind === 'count' && data.kind === 'count' && current.kind === 'count') {
      next = { kind: 'count', state: lookCount(rule, current.state, { ...data, elapsedMs: input.elapsedMs }) };
    } else if (rule.kind === 'latency' && data.kind === 'latency' && current.kind === 'latency') {
      next = { kind: 'latency', state: lookLatency(rule, current.state, { ...data, elapsedMs: input.elapsedMs }) };
    } else {
      throw new RangeError(`metric "${rule.name}" is a ${rule.kind} metric but got ${data.kind} data`);
    }
    metrics[rule.name] = next;
    const look = next.state.looks[next.state.looks.length - 1]!;
    if (!decidedBy && look.pValue <= alphaEach && look.canaryWorse && enoughTraffic(rule, trafficOf(next))) {
      decidedBy = { metric: rule.name, look };
    }
  }
  const base = { looks: lookNo, metrics, gaps };
  if (decidedBy) {
    const { metric, look } = decidedBy;
    return {
      ...base,
      decidedBy,
      phase: 'Failed',
      reason: `${metric}: canary worse than baseline at look ${look.look} (${Math.round(look.elapsedMs / 1000)}s): p=${look.pValue.toExponential(2)} <= ${alphaEach}, e=${look.eValue.toExponential(2)}`,
    };
  }
  if (input.elapsedMs >= durationToMs(config.maxDuration)) {
    const starved = config.metrics.filter((m) => !enoughTraffic(m, trafficOf(metrics[m.name]!)));
    if (starved.length > 0) {
      return { ...base, phase: 'Inconclusive', reason: `max duration reached without minimum traffic for ${starved.map((m) => m.name).join(', ')}` };
    }
    return { ...base, phase: 'Successful', reason: `no evidence of regression within ${config.maxDuration}` };
  }
  return { ...base, phase: 'Running', reason: `look ${lookNo}: no evidence yet` };
}
