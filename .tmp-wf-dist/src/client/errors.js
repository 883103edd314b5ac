"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SluiceClientError = exports.ClientErrorType = void 0;
exports.isClientError = isClientError;
/**
 * Errors the client raises, each with a `type` string the CLI maps to a message and exit code.
 * Branch on `type`, not on classes (STYLE.md).
 */
exports.ClientErrorType = {
    TemporalUnreachable: 'SluiceTemporalUnreachable',
    InvalidSpec: 'SluiceInvalidSpec',
    InvalidSettings: 'SluiceInvalidSettings',
    DeploymentNotFound: 'SluiceDeploymentNotFound',
    DeploymentAlreadyRunning: 'SluiceDeploymentAlreadyRunning',
    Rejected: 'SluiceRejected',
};
class SluiceClientError extends Error {
    type;
    constructor(type, message, options) {
        super(message, options);
        this.type = type;
        this.name = 'SluiceClientError';
    }
}
exports.SluiceClientError = SluiceClientError;
function isClientError(err, type) {
    return err instanceof SluiceClientError && (type === undefined || err.type === type);
}
//# sourceMappingURL=errors.js.map