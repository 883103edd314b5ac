import type { Strategy } from '../../domain/spec';
import type { DeployContext } from '../context';
import { runBlueGreen } from './blue-green';
import { runCanary } from './canary';
import { runRecreate } from './recreate';
import { runRolling } from './rolling';
import { runRollout } from './rollout';

/** The one switch over strategy kinds; a new kind fails to compile until it is handled here. */
export async function runStrategy(ctx: DeployContext, strategy: Strategy): Promise<void> {
  switch (strategy.kind) {
    case 'canary':
      return runCanary(ctx, strategy);
    case 'blueGreen':
      return runBlueGreen(ctx, strategy);
    case 'recreate':
      return runRecreate(ctx, strategy);
    case 'rolling':
      // Through the hosts of a fleet, or by the target's own rolling update (validated at the edge).
      return ctx.spec.hosts ? runRolling(ctx, strategy) : runRollout(ctx, strategy);
    default: {
      const unhandled: never = strategy;
      throw new Error(`unhandled strategy ${JSON.stringify(unhandled)}`);
    }
  }
}
