"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runRecreate = runRecreate;
const activities_1 = require("../activities");
const checks_1 = require("../checks");
const promote_1 = require("./promote");
/**
 * Stop the old version, start the new one: the small-service path (one port, one process).
 * Undo restarts the old version from its retained image or binary.
 */
async function runRecreate(ctx, strategy) {
    const { ref, release, previous, saga, control, tracker } = ctx;
    if (previous) {
        tracker.setPhase('deploying');
        const name = `restart ${previous.version} as stable`;
        saga.add(name, () => (0, activities_1.withSummary)(activities_1.undo.rollbackToRelease, activities_1.compensationActivity, `undo: ${name}`, { ...ref, release: previous, from: release }));
        await control.uninterrupted(() => (0, activities_1.withSummary)(activities_1.deploy.retireRelease, activities_1.deployActivity, `stop ${previous.version}`, { ...ref, release: previous }));
        tracker.event('info', `stopped ${previous.version}`);
    }
    const candidate = await (0, promote_1.deployCandidate)(ctx, 'canary');
    if (strategy.checks) {
        await control.checkpoint();
        tracker.setPhase('analysing');
        await (0, checks_1.runCheck)(ctx, strategy.checks, candidate, 'recreate check');
    }
    await (0, promote_1.promote)(ctx, 'canary', { postChecks: false, scaleDownDelay: '0s' });
}
//# sourceMappingURL=recreate.js.map