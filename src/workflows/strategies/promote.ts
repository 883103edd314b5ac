/**
 * Steps every strategy shares: promotion (with the undo that restores the previous stable),
 * post-promotion checks, the scale-down delay that keeps the old version warm for an instant
 * rollback, and the first-release path.
 */
import { patched } from '@temporalio/workflow';
import type { CandidateInfo, CandidateRole } from '../../domain/ports';
import { Reason } from '../../domain/reasons';
import { toMs } from '../../domain/duration';
import type { CheckConfig } from '../../domain/spec';
import { compensationActivity, deploy, deployActivity, undo, withSummary } from '../activities';
import { PATCH_BAKE, runBake } from '../bake';
import { runCheck } from '../checks';
import type { DeployContext } from '../context';

/**
 * Added after the first recorded histories (test/histories/*.v1.json): runs recorded before it
 * replay without the extra call. Retire with deprecatePatch() once no such run can be open.
 */
export const PATCH_REMOVE_PROMOTED_CANDIDATE = 'remove-promoted-candidate';

/**
 * The promotion and the promoted candidate's removal as one activity (promoteAndRemoveCandidate):
 * one workflow-task round trip less per release, the largest cost a release adds to its own steps
 * (docs/workflows.md, "The floor"). Runs recorded before it call the two activities.
 */
export const PATCH_PROMOTE_REMOVES_CANDIDATE = 'promote-removes-candidate';

/**
 * With nothing between the promotion and the old version's retirement (no post-promotion checks,
 * no bake, no scale-down delay: a canary's defaults), one activity does both
 * (promoteAndRetirePrevious): one more workflow-task round trip less. Runs recorded before it
 * retire in an activity of its own.
 */
export const PATCH_PROMOTE_RETIRES_PREVIOUS = 'promote-retires-previous';

export interface PromoteOptions {
  postChecks: CheckConfig | false;
  scaleDownDelay: string;
}

/** Starts the release as a candidate in `role`, registering its removal first. */
export async function deployCandidate(ctx: DeployContext, role: CandidateRole): Promise<CandidateInfo> {
  const { ref, release, saga, control, tracker } = ctx;
  tracker.setPhase('deploying');
  const undoName = `remove ${role} ${release.version}`;
  saga.add(undoName, () => withSummary(undo.removeCandidate, compensationActivity, `undo: ${undoName}`, { ...ref, release, role }));
  // A drill's fault goes to the candidate only (src/domain/drill.ts DrillRun); releases pass no env.
  const fault = ctx.spec.drillRun?.faultEnv;
  const env = fault && Object.keys(fault).length > 0 ? { env: fault } : {};
  const label = `deploy ${role} ${release.version}${fault ? ' with the drill fault' : ''}`;
  const candidate = await control.uninterrupted(() => withSummary(deploy.deployCandidate, deployActivity, label, { ...ref, release, role, ...env }));
  tracker.markCandidateStarted();
  tracker.event('info', `${role} ${release.version} running at ${candidate.url}`, { role, url: candidate.url });
  return candidate;
}

export async function promote(ctx: DeployContext, role: CandidateRole, options: PromoteOptions): Promise<void> {
  const { ref, release, previous, saga, control, tracker } = ctx;
  if (ctx.spec.drillRun) {
    // A drill never promotes: reaching promotion means every check passed with the fault on.
    // No command: the stop is state, honoured by the checkpoint below like any abort.
    control.requestStop({
      outcome: 'rolled-back',
      reason: Reason.DrillFaultUndetected,
      message: `drill: every check passed with the fault on (${Object.keys(ctx.spec.drillRun.faultEnv).join(', ') || 'no fault'}); the fault went undetected, rolling back`,
    });
  }
  await control.checkpoint();
  tracker.setPhase('promoting');
  if (previous) {
    const name = `restore ${previous.version} as stable`;
    saga.add(name, () => withSummary(undo.rollbackToRelease, compensationActivity, `undo: ${name}`, { ...ref, release: previous, from: release }));
  } else {
    const name = `retire ${release.version}`;
    saga.add(name, () => withSummary(undo.retireRelease, compensationActivity, `undo: ${name}`, { ...ref, release }));
  }
  const post = ctx.spec.postPromotion;
  // Nothing to wait for between the promotion and the old version's retirement: one activity does both.
  const retireWithPromotion = previous !== null && !options.postChecks && !post && toMs(options.scaleDownDelay) <= 0 && patched(PATCH_PROMOTE_RETIRES_PREVIOUS);
  const stable = await promoteAndRemove(ctx, role, retireWithPromotion);

  if (options.postChecks) {
    tracker.setPhase('analysing');
    await runCheck(ctx, options.postChecks, stable, 'post-promotion check');
    tracker.setPhase('promoting');
  }
  // Watch before letting go of the previous version: a rollback is then a router flip. Specs
  // without postPromotion issue no new command, so older histories replay unchanged.
  if (post && patched(PATCH_BAKE)) await runBake(ctx, post, stable);
  if (previous) {
    // Until the old version is retired an abort still rolls back instantly to it.
    await control.sleep(options.scaleDownDelay, `scale-down delay before retiring ${previous.version}`);
    if (!retireWithPromotion) {
      await control.uninterrupted(() => withSummary(deploy.retireRelease, deployActivity, `retire ${previous.version}`, { ...ref, release: previous }));
    }
    tracker.event('info', `retired ${previous.version}`);
  }
  // Point of no return: the release is live and the old one gone.
  saga.clear();
}

/**
 * The release becomes the stable at 100%, and its candidate instance goes: targets may promote by
 * starting a fresh stable instance, and the candidate must not linger. The removal is idempotent:
 * a target that turned the candidate into the stable has nothing left to remove. With
 * `retirePrevious` the same activity then retires the previous release.
 */
async function promoteAndRemove(ctx: DeployContext, role: CandidateRole, retirePrevious: boolean): Promise<CandidateInfo> {
  const { ref, release, previous, control, tracker } = ctx;
  const input = { ...ref, release, role, previous };
  const promoted = `promote ${release.version}${previous ? ` over ${previous.version}` : ''}`;
  if (retirePrevious && previous) {
    const summary = `${promoted}, remove its ${role} instance, retire ${previous.version}`;
    const stable = await control.uninterrupted(() => withSummary(deploy.promoteAndRetirePrevious, deployActivity, summary, { ...input, previous }));
    tracker.setWeight(100);
    return stable;
  }
  if (patched(PATCH_PROMOTE_REMOVES_CANDIDATE)) {
    const stable = await control.uninterrupted(() => withSummary(deploy.promoteAndRemoveCandidate, deployActivity, `${promoted}, then remove its ${role} instance`, input));
    tracker.setWeight(100);
    return stable;
  }
  // Replaying runs recorded before the patch: the same two steps as two activities.
  const stable = await control.uninterrupted(() => withSummary(deploy.promoteCandidate, deployActivity, promoted, input));
  tracker.setWeight(100);
  if (patched(PATCH_REMOVE_PROMOTED_CANDIDATE)) {
    await control.uninterrupted(() => withSummary(deploy.removeCandidate, deployActivity, `remove ${role} instance of ${release.version} (now stable)`, { ...ref, release, role }));
  }
  return stable;
}

/** No stable release yet: nothing to compare a canary with, so deploy, check and promote. */
export async function installFirstRelease(ctx: DeployContext, checks: CheckConfig | false): Promise<void> {
  ctx.tracker.event('info', `first release of ${ctx.spec.service} in ${ctx.spec.environment}: strategy steps skipped`);
  const candidate = await deployCandidate(ctx, 'canary');
  if (checks) {
    await ctx.control.checkpoint();
    ctx.tracker.setPhase('analysing');
    await runCheck(ctx, checks, candidate, 'first-release check');
  }
  await promote(ctx, 'canary', { postChecks: false, scaleDownDelay: '0s' });
}
