"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.health = exports.undo = exports.deploy = exports.retention = exports.registry = exports.build = exports.git = exports.registryMaintenanceActivity = exports.probeActivity = exports.compensationActivity = exports.deployActivity = exports.pushActivity = exports.gitActivity = exports.buildActivity = void 0;
/**
 * Activity proxies with their timeouts and retry policies, one named option set per kind of
 * work. Only types come from outside the workflow sandbox (src/domain/ports.ts).
 */
const workflow_1 = require("@temporalio/workflow");
/** Builds stream progress as heartbeats; a silent minute means the worker died. */
exports.buildActivity = {
    startToCloseTimeout: '30m',
    heartbeatTimeout: '1m',
    retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 3 },
};
/** Git look-ups: quick, local. */
exports.gitActivity = {
    startToCloseTimeout: '1m',
    retry: { initialInterval: '1s', maximumAttempts: 3 },
};
exports.pushActivity = {
    startToCloseTimeout: '15m',
    heartbeatTimeout: '1m',
    retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5 },
};
/**
 * Changes to the target and router: bounded, retried for transient daemon/socket errors. No
 * heartbeat timeout (not every adapter heartbeats). The workflow never cancels these: an abort
 * lets the call finish, then undoes it (Control.uninterrupted), so undo never races a change.
 */
exports.deployActivity = {
    startToCloseTimeout: '3m',
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 6 },
};
/**
 * Undo steps: retried longer, because giving up leaves a half-released environment. Still
 * bounded, so a broken target ends the workflow `failed` with CompensationFailed instead of
 * retrying forever out of sight.
 */
exports.compensationActivity = {
    startToCloseTimeout: '3m',
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 20 },
};
/**
 * One health probe. No retries: a failed probe is a data point, counted by the check window.
 * Cancelled without waiting (it changes nothing), so an abort never waits on a slow endpoint.
 */
exports.probeActivity = {
    startToCloseTimeout: '10s',
    retry: { maximumAttempts: 1 },
    cancellationType: 'TRY_CANCEL',
};
exports.registryMaintenanceActivity = {
    startToCloseTimeout: '5m',
    retry: { initialInterval: '2s', maximumAttempts: 3 },
};
exports.git = (0, workflow_1.proxyActivities)(exports.gitActivity);
exports.build = (0, workflow_1.proxyActivities)(exports.buildActivity);
exports.registry = (0, workflow_1.proxyActivities)(exports.pushActivity);
exports.retention = (0, workflow_1.proxyActivities)(exports.registryMaintenanceActivity);
exports.deploy = (0, workflow_1.proxyActivities)(exports.deployActivity);
exports.undo = (0, workflow_1.proxyActivities)(exports.compensationActivity);
exports.health = (0, workflow_1.proxyActivities)(exports.probeActivity);
//# sourceMappingURL=activities.js.map