import type { RecreateStrategy } from '../../domain/spec';
import { compensationActivity, deploy, deployActivity, undo, withSummary } from '../activities';
import { runCheck } from '../checks';
import type { DeployContext } from '../context';
import { deployCandidate, promote } from './promote';

/**
 * Stop the old version, start the new one: the small-service path (one port, one process).
 * Undo restarts the old version from its retained image or binary.
 */
export async function runRecreate(ctx: DeployContext, strategy: RecreateStrategy): Promise<void> {
  const { ref, release, previous, saga, control, tracker } = ctx;
  if (previous) {
    tracker.setPhase('deploying');
    const name = `restart ${previous.version} as stable`;
    saga.add(name, () => withSummary(undo.rollbackToRelease, compensationActivity, `undo: ${name}`, { ...ref, release: previous, from: release }));
    await control.uninterrupted(() => withSummary(deploy.retireRelease, deployActivity, `stop ${previous.version}`, { ...ref, release: previous }));
    tracker.event('info', `stopped ${previous.version}`);
  }
  const candidate = await deployCandidate(ctx, 'canary');
  if (strategy.checks) {
    await control.checkpoint();
    tracker.setPhase('analysing');
    await runCheck(ctx, strategy.checks, candidate, 'recreate check');
  }
  await promote(ctx, 'canary', { postChecks: false, scaleDownDelay: '0s' });
}
