import type pino from 'pino';
import { z } from 'zod';
import type { Artifact } from '../../domain/adapters';
import type { CandidateInfo, CandidateRole, DeployPort, TargetRef } from '../../domain/ports';
import { sameBuildAndConfig, type Release } from '../../domain/release';
import type { AdapterConfig } from '../config';
import { createRouter } from '../routers/registry';
import type { Router, RouterScope, RouterSlot } from '../routers/router';
import { workflowIdOrDefault } from '../targets/activity-context';
import { instanceUrl, pickCurrent, type Instance, type Target, type TargetAdapter, type TargetScope } from '../targets/target';
import { ErrorType, badInput } from '../../domain/errors';

/** What every call needs: the target and router adapters for one service + environment. */
export interface Bound {
  target: Target;
  router: Router;
  scope: TargetScope & RouterScope;
  logger: pino.Logger;
}

type Input<T = object> = TargetRef & T & { env?: Record<string, string> };

const CANDIDATE_SLOTS: readonly CandidateRole[] = ['canary', 'baseline', 'preview'];

function routedSlot(role: CandidateRole): RouterSlot | undefined {
  return role === 'preview' ? undefined : role;
}

function info(role: CandidateInfo['role'], release: Release, instance: Instance): CandidateInfo {
  return { role, release, url: instanceUrl(instance) };
}

/**
 * The deploy activities for targets that run on this machine (docker, process), composed with a
 * loopback router. The order of every operation is "traffic first": a new instance is ready
 * before the router sends it anything, and the router stops sending to an instance (and waits
 * for its in-flight requests) before the instance is stopped.
 */
export function loopbackDeploy(bind: (input: TargetRef) => Bound): Omit<DeployPort, 'probeHealth'> {
  return {
    async currentRelease(input) {
      const { target, scope } = bind(input);
      return (await target.currentRelease(scope))?.release ?? null;
    },

    async deployCandidate(input: Input<{ release: Release; role: CandidateRole }>) {
      const { target, router, scope, logger } = bind(input);
      const slot = routedSlot(input.role);
      if (slot) await router.ensure(scope);
      const instance = await target.deployCandidate(scope, input.role, { release: input.release, env: input.env });
      // Registered at weight 0: the address is known to the proxy, traffic comes with setTrafficWeight.
      if (slot && router.splitsTraffic) await router.route(scope, { [slot]: { address: instance, weight: 0 } });
      logger.info({ ...scope, version: input.release.version, role: input.role, url: instanceUrl(instance) }, 'candidate ready');
      return info(input.role, input.release, instance);
    },

    async setTrafficWeight(input: Input<{ release: Release; weight: number }>) {
      const { target, router, scope, logger } = bind(input);
      const weight = Math.max(0, Math.min(100, Math.round(input.weight)));
      if (!router.splitsTraffic) {
        if (weight === 0 || weight === 100) return;
        throw badInput(ErrorType.RouterUnsupported, `router "${router.kind}" cannot send ${weight}% to a canary; use the haproxy router or a recreate/blueGreen strategy`);
      }
      const all = await target.instances(scope);
      const stable = pickCurrent(all);
      const canary = all.find((i) => i.slot === 'canary' && i.running && i.release.version === input.release.version);
      const baseline = all.find((i) => i.slot === 'baseline' && i.running);
      if (weight > 0 && !canary) {
        throw badInput(ErrorType.InstanceNotReady, `no running canary of ${input.service} ${input.release.version} to send ${weight}% to`);
      }
      await router.ensure(scope);
      // A baseline (the stable release, for comparison) gets as much traffic as the canary.
      const baselineWeight = baseline && canary ? Math.min(weight, 100 - weight) : 0;
      await router.route(scope, {
        stable: { ...(stable ? { address: stable } : {}), weight: 100 - weight - baselineWeight },
        canary: { ...(canary ? { address: canary } : {}), weight },
        ...(baseline ? { baseline: { address: baseline, weight: baselineWeight } } : {}),
      });
      logger.info({ ...scope, version: input.release.version, weight, baselineWeight }, 'traffic weight set');
    },

    async promoteCandidate(input: Input<{ release: Release; role: CandidateRole; previous: Release | null; beside?: boolean }>) {
      const { target, router, scope, logger } = bind(input);
      const stable = await target.promoteCandidate(scope, { release: input.release, env: input.env, inPlace: !input.beside && !router.splitsTraffic });
      if (router.splitsTraffic) {
        await router.ensure(scope);
        await router.route(scope, { stable: { address: stable, weight: 100 }, canary: { weight: 0 }, baseline: { weight: 0 } });
      }
      logger.info({ ...scope, version: input.release.version, previous: input.previous?.version, url: instanceUrl(stable) }, 'promoted');
      return info('stable', input.release, stable);
    },

    async removeCandidate(input: Input<{ release: Release; role: CandidateRole }>) {
      const { target, scope } = bind(input);
      const victims = (await target.instances(scope)).filter((i) => i.slot === input.role && i.release.version === input.release.version);
      await stopRouted(bind(input), victims);
    },

    async rollbackToRelease(input: Input<{ release: Release; from: Release | null }>) {
      const b = bind(input);
      const { target, router, scope, logger } = b;
      const started = Date.now();
      const stable = await target.rollbackToRelease(scope, { release: input.release, env: input.env, inPlace: !router.splitsTraffic });
      if (router.splitsTraffic) {
        await router.ensure(scope);
        await router.route(scope, { stable: { address: stable, weight: 100 }, canary: { weight: 0 }, baseline: { weight: 0 } });
      }
      const flippedMs = Date.now() - started;
      // Everything else goes: candidates, the release rolled back from, and any stable newer than
      // the one now serving (it would otherwise count as the current release).
      const victims = (await target.instances(scope)).filter(
        (i) => i.id !== stable.id && (i.role !== 'stable' || i.generation > stable.generation || sameBuildAndConfig(i.release, input.from) || !i.running),
      );
      await stopRouted(b, victims);
      logger.info({ ...scope, version: input.release.version, from: input.from?.version, flippedMs, removed: victims.length }, 'rolled back');
      return info('stable', input.release, stable);
    },

    async retireRelease(input: Input<{ release: Release }>) {
      const b = bind(input);
      // The build with this config: after a config-only release the same build runs on with the new one.
      const victims = (await b.target.instances(b.scope)).filter((i) => sameBuildAndConfig(i.release, input.release));
      await stopRouted(b, victims);
      b.logger.info({ ...b.scope, version: input.release.version, removed: victims.length }, 'retired');
    },
  };
}

/**
 * Stops instances, each after the router drained the slot that points at it (in-flight requests
 * finish), and takes emptied candidate slots out of the proxy.
 */
async function stopRouted({ target, router, scope }: Bound, victims: Instance[]): Promise<void> {
  if (victims.length === 0) return;
  const slots = router.splitsTraffic ? await router.slots(scope) : [];
  for (const v of victims) {
    const routed = slots.find((s) => s.state !== 'maint' && s.address.port === v.port && s.address.host === v.host);
    if (routed) await router.drain(scope, routed.slot);
    await target.removeInstance(scope, v);
    if (routed) await router.disable(scope, routed.slot);
  }
}

/** A loopback target adapter also hands out its Target (tests and benchmarks drive it directly). */
export interface LoopbackTargetAdapter extends TargetAdapter {
  create(settings: Record<string, unknown>, config: AdapterConfig): Target;
}

const Ref = z.object({
  service: z.string().min(1).max(100),
  environment: z.string().min(1).max(100),
  target: z.object({ kind: z.string().min(1), settings: z.record(z.string(), z.unknown()).default({}) }),
  router: z.object({ kind: z.string().min(1), settings: z.record(z.string(), z.unknown()).default({}) }).default({ kind: 'none', settings: {} }),
  workflowId: z.string().optional(),
});

/**
 * A target adapter for a place on this machine (docker, process): its Target, composed with a
 * loopback router by the activities above. Adapters are cheap and stateless, so each call builds
 * its own from the call's plain-data settings.
 */
export function loopbackTargetAdapter(adapter: {
  kind: string;
  artifact: Artifact;
  settings: z.ZodType;
  create(settings: Record<string, unknown>, config: AdapterConfig): Target;
}): LoopbackTargetAdapter {
  return {
    create: adapter.create,
    kind: adapter.kind,
    artifact: adapter.artifact,
    routerFamily: 'loopback',
    settings: adapter.settings,
    deployActivities: ({ config, routers, logger }) =>
      loopbackDeploy((raw) => {
        const parsed = Ref.safeParse(raw);
        if (!parsed.success) {
          const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
          throw badInput(ErrorType.InvalidTargetSettings, `invalid deploy activity input: ${detail}`);
        }
        const input = parsed.data;
        return {
          target: adapter.create(input.target.settings, config),
          router: createRouter(input.router.kind, input.router.settings, config, routers),
          scope: scopeOf(input, input.workflowId),
          logger,
        };
      }),
  };
}

export function scopeOf(input: { service: string; environment: string }, workflowId?: string): TargetScope {
  return { service: input.service, environment: input.environment, workflowId: workflowIdOrDefault(workflowId) };
}

export { CANDIDATE_SLOTS };
