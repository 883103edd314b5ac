"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NotLoopbackError = exports.isLoopbackAddress = exports.loopbackTarget = exports.LoadSpecError = exports.LOAD_LIMITS = exports.emptyReport = exports.checkLoadSpec = exports.runLoad = exports.LoadErrorType = void 0;
exports.createLoadActivities = createLoadActivities;
/**
 * Load activities: `generateLoad` drives traffic through the router during analysis so a quiet
 * environment still produces metrics. It heartbeats its counts every second; a retried attempt
 * continues from the last heartbeat for the remaining duration instead of starting over, and a
 * cancelled one (the analysis decided) stops at once and reports what it sent.
 */
const common_1 = require("@temporalio/common");
const activity_1 = require("@temporalio/activity");
const generator_1 = require("./generator");
const loopback_1 = require("./loopback");
exports.LoadErrorType = {
    /** A target outside 127.0.0.0/8 and ::1. */
    NotLoopback: 'SluiceLoadTargetNotLoopback',
    /** Rate, duration or concurrency outside the generator's bounds. */
    BadSpec: 'SluiceLoadBadSpec',
};
function createLoadActivities() {
    return {
        async generateLoad(spec) {
            const ctx = activity_1.Context.current();
            const resume = ctx.info.heartbeatDetails;
            try {
                const report = await (0, generator_1.runLoad)(spec, {
                    signal: ctx.cancellationSignal,
                    resume,
                    onProgress: (r) => ctx.heartbeat(r),
                });
                return { ...report, cancelled: ctx.cancellationSignal.aborted };
            }
            catch (err) {
                if (err instanceof loopback_1.NotLoopbackError)
                    throw common_1.ApplicationFailure.create({ type: exports.LoadErrorType.NotLoopback, message: err.message, nonRetryable: true });
                if (err instanceof generator_1.LoadSpecError)
                    throw common_1.ApplicationFailure.create({ type: exports.LoadErrorType.BadSpec, message: err.message, nonRetryable: true });
                throw err;
            }
        },
    };
}
var generator_2 = require("./generator");
Object.defineProperty(exports, "runLoad", { enumerable: true, get: function () { return generator_2.runLoad; } });
Object.defineProperty(exports, "checkLoadSpec", { enumerable: true, get: function () { return generator_2.checkLoadSpec; } });
Object.defineProperty(exports, "emptyReport", { enumerable: true, get: function () { return generator_2.emptyReport; } });
Object.defineProperty(exports, "LOAD_LIMITS", { enumerable: true, get: function () { return generator_2.LOAD_LIMITS; } });
Object.defineProperty(exports, "LoadSpecError", { enumerable: true, get: function () { return generator_2.LoadSpecError; } });
var loopback_2 = require("./loopback");
Object.defineProperty(exports, "loopbackTarget", { enumerable: true, get: function () { return loopback_2.loopbackTarget; } });
Object.defineProperty(exports, "isLoopbackAddress", { enumerable: true, get: function () { return loopback_2.isLoopbackAddress; } });
Object.defineProperty(exports, "NotLoopbackError", { enumerable: true, get: function () { return loopback_2.NotLoopbackError; } });
//# sourceMappingURL=index.js.map