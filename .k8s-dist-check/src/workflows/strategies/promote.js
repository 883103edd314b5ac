"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PATCH_REMOVE_PROMOTED_CANDIDATE = void 0;
exports.deployCandidate = deployCandidate;
exports.promote = promote;
exports.installFirstRelease = installFirstRelease;
/**
 * Steps every strategy shares: promotion (with the undo that restores the previous stable),
 * post-promotion checks, the scale-down delay that keeps the old version warm for an instant
 * rollback, and the first-release path.
 */
const workflow_1 = require("@temporalio/workflow");
const activities_1 = require("../activities");
const checks_1 = require("../checks");
/**
 * Added after the first recorded histories (test/histories/*.v1.json): runs recorded before it
 * replay without the extra call. Retire with deprecatePatch() once no such run can be open.
 */
exports.PATCH_REMOVE_PROMOTED_CANDIDATE = 'remove-promoted-candidate';
/** Starts the release as a candidate in `role`, registering its removal first. */
async function deployCandidate(ctx, role) {
    const { ref, release, saga, control, tracker } = ctx;
    tracker.setPhase('deploying');
    const undoName = `remove ${role} ${release.version}`;
    saga.add(undoName, () => (0, activities_1.withSummary)(activities_1.undo.removeCandidate, activities_1.compensationActivity, `undo: ${undoName}`, { ...ref, release, role }));
    const candidate = await control.uninterrupted(() => (0, activities_1.withSummary)(activities_1.deploy.deployCandidate, activities_1.deployActivity, `deploy ${role} ${release.version}`, { ...ref, release, role }));
    tracker.event('info', `${role} ${release.version} running at ${candidate.url}`, { role, url: candidate.url });
    return candidate;
}
async function promote(ctx, role, options) {
    const { ref, release, previous, saga, control, tracker } = ctx;
    await control.checkpoint();
    tracker.setPhase('promoting');
    if (previous) {
        const name = `restore ${previous.version} as stable`;
        saga.add(name, () => (0, activities_1.withSummary)(activities_1.undo.rollbackToRelease, activities_1.compensationActivity, `undo: ${name}`, { ...ref, release: previous, from: release }));
    }
    else {
        const name = `retire ${release.version}`;
        saga.add(name, () => (0, activities_1.withSummary)(activities_1.undo.retireRelease, activities_1.compensationActivity, `undo: ${name}`, { ...ref, release }));
    }
    const stable = await control.uninterrupted(() => (0, activities_1.withSummary)(activities_1.deploy.promoteCandidate, activities_1.deployActivity, `promote ${release.version}${previous ? ` over ${previous.version}` : ''}`, { ...ref, release, role, previous }));
    tracker.setWeight(100);
    if ((0, workflow_1.patched)(exports.PATCH_REMOVE_PROMOTED_CANDIDATE)) {
        // Targets may promote by starting a fresh stable instance; the candidate must not linger.
        // Idempotent: a target that turned the candidate into the stable has nothing left to remove.
        await control.uninterrupted(() => (0, activities_1.withSummary)(activities_1.deploy.removeCandidate, activities_1.deployActivity, `remove ${role} instance of ${release.version} (now stable)`, { ...ref, release, role }));
    }
    if (options.postChecks) {
        tracker.setPhase('analysing');
        await (0, checks_1.runCheck)(ctx, options.postChecks, stable, 'post-promotion check');
        tracker.setPhase('promoting');
    }
    if (previous) {
        // Until the old version is retired an abort still rolls back instantly to it.
        await control.sleep(options.scaleDownDelay, `scale-down delay before retiring ${previous.version}`);
        await control.uninterrupted(() => (0, activities_1.withSummary)(activities_1.deploy.retireRelease, activities_1.deployActivity, `retire ${previous.version}`, { ...ref, release: previous }));
        tracker.event('info', `retired ${previous.version}`);
    }
    // Point of no return: the release is live and the old one gone.
    saga.clear();
}
/** No stable release yet: nothing to compare a canary with, so deploy, check and promote. */
async function installFirstRelease(ctx, checks) {
    ctx.tracker.event('info', `first release of ${ctx.spec.service} in ${ctx.spec.environment}: strategy steps skipped`);
    const candidate = await deployCandidate(ctx, 'canary');
    if (checks) {
        await ctx.control.checkpoint();
        ctx.tracker.setPhase('analysing');
        await (0, checks_1.runCheck)(ctx, checks, candidate, 'first-release check');
    }
    await promote(ctx, 'canary', { postChecks: false, scaleDownDelay: '0s' });
}
//# sourceMappingURL=promote.js.map