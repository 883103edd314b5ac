/**
 * Continuous scraping: every live instance of a service (stable, canary, baseline, preview) is
 * registered with Prometheus for as long as it runs, labelled service, environment, role and
 * version, whatever target runs it. The deploy activities are where instances change, and each
 * one returns or names the instance it changed, so this wraps them instead of every adapter.
 *
 * Order: register after the instance is ready, unregister after it is stopped. A worker that
 * dies in between fails the activity, whose retry repeats the (idempotent) change and then the
 * registration, so the files converge; each write replaces the whole group of its role.
 *
 * The warm previous release after a promotion is not registered: the stable group now holds the
 * new version, and the previous one gets no traffic until a rollback writes it back as stable.
 * A fifth role ('previous') would only add a series nobody queries, and the label contract
 * (stable | canary | preview | baseline) stays as it is.
 */
import type { CandidateInfo, TargetRef } from '../../domain/ports';
import type { Release } from '../../domain/release';
import { ROLES, registerLive, scrapeAddress, unregisterLive } from '../metrics/scrape-groups';
import type { TargetActivities } from '../targets/target';

async function register(targetsDir: string, ref: TargetRef, info: CandidateInfo): Promise<void> {
  // Non-http instances (kubernetes:// candidates) are left to issue 15's in-cluster discovery.
  const address = scrapeAddress(info.url);
  if (!address) return;
  await registerLive(targetsDir, { service: ref.service, environment: ref.environment, role: info.role, version: info.release.version, address });
}

/** Takes `release` out of every role's live group that still holds it. */
async function unregisterRelease(targetsDir: string, ref: TargetRef, release: Release): Promise<void> {
  for (const role of ROLES) await unregisterLive(targetsDir, { service: ref.service, environment: ref.environment, role, version: release.version });
}

export function withLiveScrape(activities: TargetActivities, targetsDir: string): TargetActivities {
  return {
    ...activities,

    async deployCandidate(input) {
      const info = await activities.deployCandidate(input);
      await register(targetsDir, input, info);
      return info;
    },

    async promoteCandidate(input) {
      const info = await activities.promoteCandidate(input);
      // Overwrites the previous stable's group; the candidate's own group goes with removeCandidate.
      await register(targetsDir, input, info);
      return info;
    },

    async removeCandidate(input) {
      await activities.removeCandidate(input);
      await unregisterLive(targetsDir, { service: input.service, environment: input.environment, role: input.role, version: input.release.version });
    },

    async rollbackToRelease(input) {
      const info = await activities.rollbackToRelease(input);
      await register(targetsDir, input, info);
      // A rollback ends the release: it stops `from` and every candidate beside the restored
      // stable (src/activities/deploy/loopback.ts), so none of them stays registered.
      if (input.from && input.from.version !== input.release.version) await unregisterRelease(targetsDir, input, input.from);
      for (const role of ROLES) if (role !== 'stable') await unregisterLive(targetsDir, { service: input.service, environment: input.environment, role });
      return info;
    },

    async retireRelease(input) {
      await activities.retireRelease(input);
      // After a config-only release the live stable has the retired build's version: its group stays.
      const live = await activities.currentRelease(input);
      if (live && live.version === input.release.version) {
        for (const role of ROLES)
          if (role !== 'stable') await unregisterLive(targetsDir, { service: input.service, environment: input.environment, role, version: input.release.version });
      } else {
        await unregisterRelease(targetsDir, input, input.release);
      }
    },
  };
}
