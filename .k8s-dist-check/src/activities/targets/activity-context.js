"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.currentActivity = currentActivity;
exports.heartbeatIfActivity = heartbeatIfActivity;
exports.workflowIdOrDefault = workflowIdOrDefault;
exports.sleepMs = sleepMs;
const activity_1 = require("@temporalio/activity");
/**
 * The same target code runs inside activities (worker) and outside them (tests, benchmarks,
 * scripts), so the activity context is optional here.
 */
function currentActivity() {
    try {
        return activity_1.Context.current();
    }
    catch {
        return undefined;
    }
}
function heartbeatIfActivity(details) {
    currentActivity()?.heartbeat(details);
}
function workflowIdOrDefault(explicit) {
    return explicit ?? currentActivity()?.info.workflowExecution.workflowId ?? 'manual';
}
function sleepMs(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
//# sourceMappingURL=activity-context.js.map