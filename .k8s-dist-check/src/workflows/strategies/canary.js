"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runCanary = runCanary;
const activities_1 = require("../activities");
const checks_1 = require("../checks");
const promote_1 = require("./promote");
function describeStep(step) {
    switch (step.kind) {
        case 'setWeight':
            return `setWeight ${step.weight}%`;
        case 'pause':
            return step.duration ? `pause ${step.duration}` : 'pause until approved';
        case 'analysis':
            return `analysis${step.window ? ` ${step.window}` : ''}${step.templates?.length ? ` (${step.templates.join(', ')})` : ''}`;
        default: {
            const unhandled = step;
            throw new Error(`unhandled canary step ${JSON.stringify(unhandled)}`);
        }
    }
}
/** Argo-style canary: run the steps in order, then promote. */
async function runCanary(ctx, strategy) {
    if (!ctx.previous)
        return (0, promote_1.installFirstRelease)(ctx, {});
    const { ref, release, saga, control, tracker } = ctx;
    const candidate = await (0, promote_1.deployCandidate)(ctx, 'canary');
    let weightUndoRegistered = false;
    for (const [index, step] of strategy.steps.entries()) {
        await control.checkpoint();
        tracker.setStep(index, describeStep(step));
        switch (step.kind) {
            case 'setWeight': {
                tracker.setPhase('canary');
                if (!weightUndoRegistered) {
                    saga.add('send all traffic to stable', () => (0, activities_1.withSummary)(activities_1.undo.setTrafficWeight, activities_1.compensationActivity, 'undo: send all traffic to stable', { ...ref, release, weight: 0 }));
                    weightUndoRegistered = true;
                }
                await control.uninterrupted(() => (0, activities_1.withSummary)(activities_1.deploy.setTrafficWeight, activities_1.deployActivity, `canary ${release.version} at ${step.weight}%`, { ...ref, release, weight: step.weight }));
                tracker.setWeight(step.weight);
                break;
            }
            case 'pause': {
                tracker.setPhase('canary');
                if (step.duration)
                    await control.sleep(step.duration, `canary step ${index + 1}: pause ${step.duration}`);
                else
                    await control.awaitApproval(`canary step ${index + 1} (pause)`);
                break;
            }
            case 'analysis': {
                tracker.setPhase('analysing');
                await (0, checks_1.runCheck)(ctx, step, candidate, `canary step ${index + 1} (analysis)`);
                tracker.setPhase('canary');
                break;
            }
            default: {
                const unhandled = step;
                throw new Error(`unhandled canary step ${JSON.stringify(unhandled)}`);
            }
        }
    }
    await (0, promote_1.promote)(ctx, 'canary', { postChecks: false, scaleDownDelay: strategy.scaleDownDelay });
}
//# sourceMappingURL=canary.js.map