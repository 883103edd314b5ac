"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.chooseRollbackTarget = chooseRollbackTarget;
exports.rollbackWorkflow = rollbackWorkflow;
/**
 * rollbackWorkflow: put a retained release back in front of all traffic, as fast as the target
 * allows. The scripted one-liner for "go back to 1.4.2" (what `kubectl set image …:v1.2.2` is on
 * Kubernetes). Without `toVersion` it goes back to the newest retained release older than the
 * live one.
 */
const workflow_1 = require("@temporalio/workflow");
const compare_1 = __importDefault(require("semver/functions/compare"));
const errors_1 = require("../domain/errors");
const reasons_1 = require("../domain/reasons");
const release_1 = require("../domain/release");
const search_attributes_1 = require("../domain/search-attributes");
const activities_1 = require("./activities");
const saga_1 = require("./saga");
function toRelease(service, r) {
    return {
        service,
        version: r.version,
        imageTag: r.imageTag,
        commit: r.commit ?? '',
        ...(r.imageRef ? { imageRef: r.imageRef } : {}),
        ...(r.binaryPath ? { binaryPath: r.binaryPath } : {}),
    };
}
/** The release to go back to, or a reason why there is none. */
function chooseRollbackTarget(service, retained, current, toVersion) {
    const usable = retained.filter((r) => r.imageRef || r.binaryPath);
    if (toVersion) {
        const found = usable.find((r) => (0, release_1.matchesVersion)({ version: r.version, imageTag: r.imageTag, imageRef: r.imageRef ?? undefined }, toVersion));
        if (!found) {
            const have = usable.map((r) => r.version).join(', ') || 'none';
            return { reason: reasons_1.Reason.ReleaseNotRetained, message: `${service} ${toVersion} is not a retained release (retained: ${have})` };
        }
        return { release: toRelease(service, found) };
    }
    const older = usable
        .filter((r) => !current || (r.version !== current.version && (0, compare_1.default)(r.version, current.version) < 0))
        .sort((a, b) => (0, compare_1.default)(b.version, a.version));
    if (older.length === 0) {
        return { reason: reasons_1.Reason.NothingToRollBackTo, message: `no retained release of ${service} older than ${current?.version ?? 'the live one'}` };
    }
    return { release: toRelease(service, older[0]) };
}
async function rollbackWorkflow(request) {
    const started = Date.now();
    const ref = { service: request.service, environment: request.environment, target: request.target, router: request.router };
    (0, workflow_1.upsertSearchAttributes)([
        { key: search_attributes_1.SluiceService, value: request.service },
        { key: search_attributes_1.SluiceEnvironment, value: request.environment },
        { key: search_attributes_1.SluicePhase, value: 'rolling-back' },
    ]);
    const current = await activities_1.deploy.currentRelease(ref);
    const retained = await activities_1.retention.listReleases({ service: request.service, ...(request.imageRepo ? { imageRepo: request.imageRepo } : {}) });
    const choice = chooseRollbackTarget(request.service, retained, current, request.toVersion);
    const fail = (reason, message, to) => {
        (0, workflow_1.upsertSearchAttributes)([{ key: search_attributes_1.SluicePhase, value: 'failed' }]);
        const result = { outcome: 'failed', reason, message, from: current, to, durationMs: Date.now() - started };
        throw workflow_1.ApplicationFailure.create({ type: errors_1.SluiceErrorType.RollbackFailed, message: `${reason}: ${message}`, nonRetryable: true, details: [result] });
    };
    if ('reason' in choice)
        return fail(choice.reason, choice.message, null);
    const to = choice.release;
    (0, workflow_1.upsertSearchAttributes)([{ key: search_attributes_1.SluiceVersion, value: to.version }]);
    if (!(0, release_1.sameRelease)(current, to)) {
        try {
            await activities_1.deploy.rollbackToRelease({ ...ref, release: to, from: current });
        }
        catch (err) {
            return fail(reasons_1.Reason.ActivityFailed, `could not roll back to ${to.version}: ${(0, saga_1.describeError)(err)}`, to);
        }
    }
    (0, workflow_1.upsertSearchAttributes)([{ key: search_attributes_1.SluicePhase, value: 'rolled-back' }]);
    return {
        outcome: 'rolled-back',
        reason: reasons_1.Reason.RolledBackToRelease,
        message: (0, release_1.sameRelease)(current, to) ? `${to.version} is already live` : `rolled back from ${current?.version ?? 'nothing'} to ${to.version}`,
        from: current,
        to,
        durationMs: Date.now() - started,
    };
}
//# sourceMappingURL=rollback.js.map