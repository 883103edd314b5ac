"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BuildErrorType = void 0;
exports.badInput = badInput;
exports.transient = transient;
exports.errorMessage = errorMessage;
const common_1 = require("@temporalio/common");
/**
 * Failure types raised by the build and registry activities. Workflows and the CLI branch on
 * these strings, never on error classes. Non-retryable ones are bad input a person must fix;
 * the rest are transient and left to the activity retry policy.
 */
exports.BuildErrorType = {
    /** The directory is not a git work tree, or has no commit yet. */
    NotAGitRepo: 'SluiceNotAGitRepo',
    /** A shallow clone without tags: the version would silently fall back to 0.0.0-dev. */
    ShallowClone: 'SluiceShallowClone',
    /** The nearest version tag is not strict semver (e.g. v1.2, v01.2.3, v1.2.3+meta). */
    BadVersionTag: 'SluiceBadVersionTag',
    /** A ref given to the changelog does not resolve to a commit. */
    UnknownRef: 'SluiceUnknownRef',
    /** Arguments failed validation (image name, tag, version, paths). */
    InvalidInput: 'SluiceInvalidBuildInput',
    /** The Dockerfile is missing from the build context. */
    MissingDockerfile: 'SluiceMissingDockerfile',
    /** The Dockerfile ran and failed (compile error, failing RUN step). */
    ImageBuildFailed: 'SluiceImageBuildFailed',
    /** `go build` failed for the process-target binary. */
    BinaryBuildFailed: 'SluiceBinaryBuildFailed',
    /** The image to push does not exist locally. */
    ImageNotFound: 'SluiceImageNotFound',
    /** The registry refused the credentials. */
    RegistryAuth: 'SluiceRegistryAuth',
    /** The registry could not be reached or answered 5xx: retryable. */
    RegistryUnavailable: 'SluiceRegistryUnavailable',
    /** The pushed digest and the registry's manifest digest disagree. */
    DigestMismatch: 'SluiceDigestMismatch',
    /** Deleting from the registry is disabled (storage.delete.enabled: false). */
    RegistryDeleteDisabled: 'SluiceRegistryDeleteDisabled',
};
/** Bad input: retrying cannot help, so say what to change. */
function badInput(type, message, cause) {
    return common_1.ApplicationFailure.create({ type, message, nonRetryable: true, cause });
}
/** A failure that may pass on retry (network, daemon restart). */
function transient(type, message, cause) {
    return common_1.ApplicationFailure.create({ type, message, nonRetryable: false, cause });
}
function errorMessage(err) {
    return err instanceof Error ? err.message : String(err);
}
//# sourceMappingURL=errors.js.map