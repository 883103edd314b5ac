/**
 * The bake: after promotion to 100%, before the previous version is retired, the release stays
 * open and watched for `postPromotion.bake`. Bake analysis (the named templates through the usual
 * check path, or a health window) runs against the promoted instance on workflow timers, so a
 * worker crash loses nothing; an alert signal (Control) or a failed check stops the release, and
 * the saga rolls back with the router flip first (rollbackToRelease moves traffic to the warm
 * previous instance before it stops anything). An approve ends the bake early.
 */
import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';
import { formatMs, toMs } from '../domain/duration';
import type { CandidateInfo } from '../domain/ports';
import type { CheckConfig, PostPromotion, ReleaseSpec } from '../domain/spec';
import { runCheck } from './checks';
import type { DeployContext } from './context';

/** Added after the v1/v2 histories: runs recorded before it never baked. */
export const PATCH_BAKE = 'post-promotion-bake';

/**
 * A bake's health window probes at most this many times (plus failure streaks): every probe is
 * an activity and a timer in the history, and a one-second interval over an hour's bake would
 * bring the run near Temporal's history limits. Alerts and analysis see the service's own
 * traffic; the probes only add a liveness floor.
 */
export const MAX_BAKE_PROBES = 120;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** What runs during the bake: the templates for the whole bake, or a health window of that length. */
export function bakeCheck(post: PostPromotion): CheckConfig {
  return { window: post.bake, ...(post.templates?.length ? { templates: [...post.templates] } : {}) };
}

/** The spec the bake's check runs with: the health interval stretched to MAX_BAKE_PROBES over the bake. */
export function bakeSpec(spec: ReleaseSpec, post: PostPromotion): ReleaseSpec {
  const intervalMs = Math.max(toMs(spec.healthCheck.interval), Math.ceil(toMs(post.bake) / MAX_BAKE_PROBES));
  return { ...spec, healthCheck: { ...spec.healthCheck, interval: `${intervalMs}ms` } };
}

export async function runBake(ctx: DeployContext, post: PostPromotion, stable: CandidateInfo): Promise<void> {
  const { control, tracker, previous } = ctx;
  const startedAt = Date.now();
  const endsAt = startedAt + toMs(post.bake);
  const templates = post.templates ?? [];
  tracker.setBake({ since: iso(startedAt), until: iso(endsAt), instance: stable.url, alerts: post.alerts, templates });
  const approved = control.openBake(post.alerts);
  tracker.setPhase(
    'baking',
    `baking ${post.bake} on ${stable.url}${previous ? `, ${previous.version} kept warm` : ''}` +
      `${templates.length ? `, analysis ${templates.join(', ')}` : ', health window'}${post.alerts ? ', alerts roll back' : ''}`,
  );
  let endedEarly = false;
  try {
    await control.interruptible(async () => {
      const watch = new CancellationScope();
      const watching = watch.run(async () => {
        await runCheck({ ...ctx, spec: bakeSpec(ctx.spec, post) }, bakeCheck(post), stable, 'bake');
        // Analysis may decide before the bake is over; alerts are still watched until it is.
        const remaining = endsAt - Date.now();
        if (remaining > 0) await sleep(remaining, { summary: 'bake: rest of the bake' });
      });
      const gate = new CancellationScope();
      const approval = gate
        .run(() => condition(approved))
        .then(
          () => 'approved' as const,
          () => 'closed' as const,
        );
      try {
        const first = await Promise.race([watching.then(() => 'done' as const), approval]);
        if (first === 'approved') {
          endedEarly = true;
          watch.cancel();
          await watching.catch((err: unknown) => {
            if (!isCancellation(err)) throw err;
          });
        }
      } finally {
        gate.cancel();
      }
    });
  } finally {
    control.closeBake();
    tracker.setBake(null);
  }
  const took = formatMs(Date.now() - startedAt);
  tracker.event('check', endedEarly ? `bake ended early after ${took} (approved)` : `bake passed (${took})`, { ms: Date.now() - startedAt, endedEarly });
  tracker.setPhase('promoting');
}
