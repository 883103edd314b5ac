"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TargetErrorType = void 0;
exports.targetFailure = targetFailure;
const common_1 = require("@temporalio/common");
/**
 * ApplicationFailure `type` strings of the Docker and process targets and their routers. Code
 * branches on these, never on classes. Bad settings and releases that cannot run are
 * non-retryable; everything else (a daemon briefly away) is left to Temporal's retry policy.
 */
exports.TargetErrorType = {
    InvalidSettings: 'SluiceTargetInvalidSettings',
    /** The release lacks what this target runs (an imageRef for docker, a binary for process). */
    MissingArtifact: 'SluiceTargetMissingArtifact',
    /** Something that is not ours listens on the port a role needs. */
    PortInUse: 'SluiceTargetPortInUse',
    /** The instance started but never answered /readyz (or exited) within the timeout. */
    NotReady: 'SluiceTargetNotReady',
    /** The router cannot do what was asked (a partial weight without a proxy). */
    RouterUnsupported: 'SluiceRouterUnsupported',
    UnknownKind: 'SluiceTargetUnknownKind',
};
function targetFailure(type, message, nonRetryable = true, cause) {
    return common_1.ApplicationFailure.create({ type, message, nonRetryable, cause });
}
//# sourceMappingURL=errors.js.map