"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.deploymentResultFromError = deploymentResultFromError;
exports.rollbackResultFromError = rollbackResultFromError;
exports.settleDeployment = settleDeployment;
/**
 * Reading a deployment's outcome on the client side. `promoted`, `rolled-back` and `aborted`
 * complete the workflow and come back from `handle.result()`; `failed` fails the workflow (so the
 * Temporal UI shows it red) with an ApplicationFailure of type SluiceDeploymentFailed whose first
 * detail is the same DeploymentResult. This helper gives CI one value either way.
 */
const common_1 = require("@temporalio/common");
const errors_1 = require("./errors");
function failureDetail(err, type) {
    let current = err;
    for (let depth = 0; current && depth < 8; depth++) {
        if (current instanceof common_1.ApplicationFailure && current.type === type) {
            return current.details?.[0];
        }
        current = current.cause;
    }
    return undefined;
}
/** The DeploymentResult carried by a failed deployWorkflow, or undefined for any other error. */
function deploymentResultFromError(err) {
    return failureDetail(err, errors_1.SluiceErrorType.DeploymentFailed);
}
function rollbackResultFromError(err) {
    return failureDetail(err, errors_1.SluiceErrorType.RollbackFailed);
}
/** `await handle.result()` that also turns a failed deployment into its result. */
async function settleDeployment(result) {
    try {
        return await result;
    }
    catch (err) {
        const carried = deploymentResultFromError(err);
        if (carried)
            return carried;
        throw err;
    }
}
//# sourceMappingURL=result.js.map