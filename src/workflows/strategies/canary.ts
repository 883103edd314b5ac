import type { CanaryStep, CanaryStrategy } from '../../domain/spec';
import { moveWeight } from '../activities';
import { runCheck } from '../checks';
import type { DeployContext } from '../context';
import { deployCandidate, installFirstRelease, promote } from './promote';

function describeStep(step: CanaryStep): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}%`;
    case 'pause':
      return step.duration ? `pause ${step.duration}` : 'pause until approved';
    case 'analysis':
      return `analysis${step.window ? ` ${step.window}` : ''}${step.templates?.length ? ` (${step.templates.join(', ')})` : ''}`;
    default: {
      const unhandled: never = step;
      throw new Error(`unhandled canary step ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Argo-style canary: run the steps in order, then promote. */
export async function runCanary(ctx: DeployContext, strategy: CanaryStrategy): Promise<void> {
  if (!ctx.previous) return installFirstRelease(ctx, {});
  const { ref, release, saga, control, tracker } = ctx;
  const candidate = await deployCandidate(ctx, 'canary');
  let weightUndoRegistered = false;

  for (const [index, step] of strategy.steps.entries()) {
    await control.checkpoint();
    tracker.setStep(index, describeStep(step));
    switch (step.kind) {
      case 'setWeight': {
        tracker.setPhase('canary');
        if (!weightUndoRegistered) {
          saga.add('send all traffic to stable', () => moveWeight('undo', 'undo: send all traffic to stable', { ...ref, release, weight: 0 }));
          weightUndoRegistered = true;
        }
        await control.uninterrupted(() => moveWeight('do', `canary ${release.version} at ${step.weight}%`, { ...ref, release, weight: step.weight }));
        tracker.setWeight(step.weight);
        break;
      }
      case 'pause': {
        tracker.setPhase('canary');
        if (step.duration) await control.sleep(step.duration, `canary step ${index + 1}: pause ${step.duration}`);
        else await control.awaitApproval(`canary step ${index + 1} (pause)`);
        break;
      }
      case 'analysis': {
        tracker.setPhase('analysing');
        await runCheck(ctx, step, candidate, `canary step ${index + 1} (analysis)`);
        tracker.setPhase('canary');
        break;
      }
      default: {
        const unhandled: never = step;
        throw new Error(`unhandled canary step ${JSON.stringify(unhandled)}`);
      }
    }
  }
  await promote(ctx, 'canary', { postChecks: false, scaleDownDelay: strategy.scaleDownDelay });
}
