/**
 * Records which configuration a build went live with (../registry/pairs.ts), wherever a pair goes
 * live: a promotion, a target's own rolling update, and a rollback. Like ./scrape.ts it wraps the
 * target's activities instead of every adapter. Written after the change succeeded; a worker that
 * dies in between fails the activity, whose retry repeats the (idempotent) change and then the
 * record.
 */
import { recordLivePair } from '../registry/pairs';
import type { TargetActivities } from '../targets/target';

export function withPairRecords(activities: TargetActivities, store: string): TargetActivities {
  const rollOut = activities.rollOut;
  return {
    ...activities,
    ...(rollOut
      ? {
          async rollOut(input: Parameters<typeof rollOut>[0]) {
            const info = await rollOut(input);
            await recordLivePair(store, input.environment, input.release);
            return info;
          },
        }
      : {}),

    async promoteCandidate(input) {
      const info = await activities.promoteCandidate(input);
      await recordLivePair(store, input.environment, input.release);
      return info;
    },

    async rollbackToRelease(input) {
      const info = await activities.rollbackToRelease(input);
      await recordLivePair(store, input.environment, input.release);
      return info;
    },
  };
}
