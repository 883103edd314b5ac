/**
 * Sequential count judge: is the canary's error rate worse than the baseline's?
 *
 * At every look the judge receives the errors and requests of each role since the previous look.
 * Conditional on the total number of errors, each error is the canary's with probability ρ (its
 * share of requests) when both error rates are equal, so the cumulative canary errors feed the
 * beta-binomial e-process (one-sided for direction increase/decrease). ρ is the configured share
 * (canary and baseline get equal weights in Sluice, so 0.5); the observed share is recorded
 * with every look so a traffic-split mismatch is visible.
 */
import type { Direction, SequentialCountMetric, SequentialLook } from '../../../../domain/analysis';
import { betaBinomialLogE, recordLook } from './e-process';
import type { Side } from './e-process';

export interface CountIncrement {
  canaryErrors: number;
  canaryRequests: number;
  baselineErrors: number;
  baselineRequests: number;
  /** Time since the canary started receiving traffic. */
  elapsedMs: number;
}

export interface CountState {
  canaryErrors: number;
  baselineErrors: number;
  canaryRequests: number;
  baselineRequests: number;
  pValue: number;
  looks: SequentialLook[];
}

export type CountRule = Pick<SequentialCountMetric, 'name' | 'direction' | 'canaryShare' | 'priorStrength' | 'minRequests'>;

export const SIDE: Record<Direction, Side> = { increase: 'greater', decrease: 'less', either: 'two-sided' };

export function initialCountState(): CountState {
  return { canaryErrors: 0, baselineErrors: 0, canaryRequests: 0, baselineRequests: 0, pValue: 1, looks: [] };
}

function assertCount(name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${name} must be a finite non-negative count, got ${v}`);
}

/** Fold one look into the state (pure: returns a new state). */
export function lookCount(rule: CountRule, state: CountState, inc: CountIncrement): CountState {
  for (const k of ['canaryErrors', 'canaryRequests', 'baselineErrors', 'baselineRequests'] as const) assertCount(k, inc[k]);
  const canaryErrors = state.canaryErrors + Math.round(inc.canaryErrors);
  const baselineErrors = state.baselineErrors + Math.round(inc.baselineErrors);
  const canaryRequests = state.canaryRequests + inc.canaryRequests;
  const baselineRequests = state.baselineRequests + inc.baselineRequests;
  const rho = rule.canaryShare;
  const n = canaryErrors + baselineErrors;
  const logE = betaBinomialLogE(canaryErrors, n, { rho, k: rule.priorStrength }, SIDE[rule.direction]);
  const look = recordLook(state, {
    elapsedMs: inc.elapsedMs,
    canaryRequests,
    baselineRequests,
    logE,
    canaryWorse: canaryWorse(rule.direction, canaryErrors, canaryRequests, baselineErrors, baselineRequests),
    minRequests: rule.minRequests,
  });
  return { canaryErrors, baselineErrors, canaryRequests, baselineRequests, pValue: look.pValue, looks: [...state.looks, look] };
}

function canaryWorse(direction: Direction, ce: number, cr: number, be: number, br: number): boolean {
  const c = cr > 0 ? ce / cr : 0;
  const b = br > 0 ? be / br : 0;
  if (direction === 'decrease') return c < b;
  if (direction === 'increase') return c > b;
  return c !== b;
}

export function enoughTraffic(rule: Pick<CountRule, 'minRequests'>, state: Pick<CountState, 'canaryRequests' | 'baselineRequests'>): boolean {
  return state.canaryRequests >= rule.minRequests && state.baselineRequests >= rule.minRequests;
}
