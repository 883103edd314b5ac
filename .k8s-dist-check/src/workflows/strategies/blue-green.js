"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runBlueGreen = runBlueGreen;
const checks_1 = require("../checks");
const promote_1 = require("./promote");
/** Preview beside the stable, check it, (approve,) switch all traffic, keep the old one warm a while. */
async function runBlueGreen(ctx, strategy) {
    if (!ctx.previous)
        return (0, promote_1.installFirstRelease)(ctx, strategy.previewChecks);
    const { control, tracker } = ctx;
    const preview = await (0, promote_1.deployCandidate)(ctx, 'preview');
    if (strategy.previewChecks) {
        await control.checkpoint();
        tracker.setPhase('analysing');
        await (0, checks_1.runCheck)(ctx, strategy.previewChecks, preview, 'preview check');
    }
    if (!strategy.autoPromote) {
        await control.checkpoint();
        await control.awaitApproval('blue-green promotion');
    }
    await (0, promote_1.promote)(ctx, 'preview', { postChecks: strategy.postPromotionChecks, scaleDownDelay: strategy.scaleDownDelay });
}
//# sourceMappingURL=blue-green.js.map