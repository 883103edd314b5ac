"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.deployCandidate = deployCandidate;
exports.promote = promote;
exports.installFirstRelease = installFirstRelease;
const activities_1 = require("../activities");
const checks_1 = require("../checks");
/** Starts the release as a candidate in `role`, registering its removal first. */
async function deployCandidate(ctx, role) {
    const { ref, release, saga, control, tracker } = ctx;
    tracker.setPhase('deploying');
    saga.add(`remove ${role} ${release.version}`, () => activities_1.undo.removeCandidate({ ...ref, release, role }));
    const candidate = await control.uninterrupted(() => activities_1.deploy.deployCandidate({ ...ref, release, role }));
    tracker.event('info', `${role} ${release.version} running at ${candidate.url}`, { role, url: candidate.url });
    return candidate;
}
async function promote(ctx, role, options) {
    const { ref, release, previous, saga, control, tracker } = ctx;
    await control.checkpoint();
    tracker.setPhase('promoting');
    if (previous) {
        saga.add(`restore ${previous.version} as stable`, () => activities_1.undo.rollbackToRelease({ ...ref, release: previous, from: release }));
    }
    else {
        saga.add(`retire ${release.version}`, () => activities_1.undo.retireRelease({ ...ref, release }));
    }
    const stable = await control.uninterrupted(() => activities_1.deploy.promoteCandidate({ ...ref, release, role, previous }));
    tracker.setWeight(100);
    if (options.postChecks) {
        tracker.setPhase('analysing');
        await (0, checks_1.runCheck)(ctx, options.postChecks, stable, 'post-promotion check');
        tracker.setPhase('promoting');
    }
    if (previous) {
        // Until the old version is retired an abort still rolls back instantly to it.
        await control.sleep(options.scaleDownDelay, `scale-down delay before retiring ${previous.version}`);
        await control.uninterrupted(() => activities_1.deploy.retireRelease({ ...ref, release: previous }));
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