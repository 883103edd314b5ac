/**
 * The drill terms the release spec itself needs (src/domain/spec.ts): kinds, the `drill:`
 * settings of sluice.yaml, and the marker drillWorkflow puts on its bad canary's spec. Kept apart
 * from src/domain/drill.ts, which needs the spec type, so the two files import in one direction.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration';

export const DRILL_KINDS = ['bad-canary', 'rollback-restore'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** `drill:` in sluice.yaml (per environment like the rest of the spec). */
export const DrillSettings = z.strictObject({
  /** What breaks the candidate in a bad-canary drill: environment given to the candidate instance only. */
  fault: z.strictObject({ env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()) }).optional(),
  /** Detection plus restore must fit in this; the practice we follow asks for 5 minutes. */
  budget: z.string().regex(DURATION_PATTERN, 'must be a duration like "90s" or "5m"').default('5m'),
});
export type DrillSettings = z.infer<typeof DrillSettings>;

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
