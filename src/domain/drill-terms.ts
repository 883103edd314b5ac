/**
 * The drill terms that the release spec and the drill workflow both need: the kinds, the marker
 * drillWorkflow puts on its bad canary's spec, and the defaults. Plain data, without the
 * schema of ./drill-settings: workflow code uses the defaults, and every module a workflow
 * imports is evaluated again for each workflow the worker creates.
 */
export const DRILL_KINDS = ['bad-canary', 'rollback-restore'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/**
 * What drillWorkflow puts on the spec of its bad-canary child (ReleaseSpec.drillRun): the live
 * version may be released again (no AlreadyLive), the candidate instance (canary or preview,
 * never the stable or the baseline) gets `faultEnv` on top of its configuration, and the
 * release never promotes: checks that pass roll it back with DrillFaultUndetected.
 */
export interface DrillRun {
  kind: DrillKind;
  faultEnv: Record<string, string>;
}

/** The fault a bad-canary drill injects when the spec names none: the example service's error knob. */
export const DEFAULT_DRILL_FAULT: Record<string, string> = { FAULT_ERROR_RATE: '0.5' };
export const DEFAULT_DRILL_BUDGET = '5m';
