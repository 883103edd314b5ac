"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SluiceErrorType = void 0;
/**
 * ApplicationFailure `type` strings raised by workflows and the client edge. Code branches on
 * these, never on error classes. (Build and registry activities keep theirs in
 * src/activities/build/errors.ts; targets in theirs.)
 */
exports.SluiceErrorType = {
    /** The release spec failed validation; nothing was started. */
    InvalidSpec: 'SluiceInvalidSpec',
    /** The deployment ended `failed` (after compensating). Details[0] holds the DeploymentResult. */
    DeploymentFailed: 'SluiceDeploymentFailed',
    /** A rollback could not be carried out. Details[0] holds the RollbackResult. */
    RollbackFailed: 'SluiceRollbackFailed',
    /** A release for this service and environment is already running (workflow id taken). */
    DeploymentInProgress: 'SluiceDeploymentInProgress',
    /** An approve update arrived while no gate awaited approval, or from someone not allowed. */
    NotAwaitingApproval: 'SluiceNotAwaitingApproval',
    ApproverNotAllowed: 'SluiceApproverNotAllowed',
    /** The requested version is not among the retained releases. */
    ReleaseNotRetained: 'SluiceReleaseNotRetained',
};
//# sourceMappingURL=errors.js.map