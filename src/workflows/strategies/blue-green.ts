import type { BlueGreenStrategy } from '../../domain/spec';
import { runCheck } from '../checks';
import type { DeployContext } from '../context';
import { deployCandidate, installFirstRelease, promote } from './promote';

/** Preview beside the stable, check it, (approve,) switch all traffic, keep the old one warm a while. */
export async function runBlueGreen(ctx: DeployContext, strategy: BlueGreenStrategy): Promise<void> {
  if (!ctx.previous) return installFirstRelease(ctx, strategy.previewChecks);
  const { control, tracker } = ctx;
  const preview = await deployCandidate(ctx, 'preview');
  if (strategy.previewChecks) {
    await control.checkpoint();
    tracker.setPhase('analysing');
    await runCheck(ctx, strategy.previewChecks, preview, 'preview check');
  }
  if (!strategy.autoPromote) {
    await control.checkpoint();
    await control.awaitApproval('blue-green promotion');
  }
  await promote(ctx, 'preview', { postChecks: strategy.postPromotionChecks, scaleDownDelay: strategy.scaleDownDelay });
}
