/**
 * The `drill:` settings of sluice.yaml, which the release spec's schema (src/domain/spec.ts)
 * takes in. Kept apart from src/domain/drill.ts, which needs the spec type, so the two files
 * import in one direction.
 */
import { z } from 'zod';
import { DEFAULT_DRILL_BUDGET } from './drill-terms';
import { DURATION_PATTERN } from './duration';

/** `drill:` in sluice.yaml (per environment like the rest of the spec). */
export const DrillSettings = z.strictObject({
  /** What breaks the candidate in a bad-canary drill: environment given to the candidate instance only. */
  fault: z.strictObject({ env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()) }).optional(),
  /** Detection plus restore must fit in this; the practice we follow asks for 5 minutes. */
  budget: z.string().regex(DURATION_PATTERN, 'must be a duration like "90s" or "5m"').default(DEFAULT_DRILL_BUDGET),
});
export type DrillSettings = z.infer<typeof DrillSettings>;
