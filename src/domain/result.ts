/**
 * Reading a deployment's outcome on the client side. `promoted`, `rolled-back` and `aborted`
 * complete the workflow and come back from `handle.result()`; `failed` fails the workflow (so the
 * Temporal UI shows it red) with an ApplicationFailure of type SluiceDeploymentFailed whose first
 * detail is the same DeploymentResult. This helper gives CI one value either way.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { DrillResult } from './drill';
import type { DeploymentResult, RollbackResult } from './status';
import { ErrorType } from './errors';

/** The ApplicationFailure of `type` in an error's cause chain (a child's failure arrives wrapped). */
export function failureOfType(err: unknown, type: string): ApplicationFailure | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current instanceof ApplicationFailure && current.type === type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function failureDetail<T>(err: unknown, type: string): T | undefined {
  return failureOfType(err, type)?.details?.[0] as T | undefined;
}

/** The DeploymentResult carried by a failed deployWorkflow, or undefined for any other error. */
export function deploymentResultFromError(err: unknown): DeploymentResult | undefined {
  return failureDetail<DeploymentResult>(err, ErrorType.DeploymentFailed);
}

export function rollbackResultFromError(err: unknown): RollbackResult | undefined {
  return failureDetail<RollbackResult>(err, ErrorType.RollbackFailed);
}

/** The DrillResult carried by a failed drillWorkflow (outcome `failed`), or undefined for any other error. */
export function drillResultFromError(err: unknown): DrillResult | undefined {
  return failureDetail<DrillResult>(err, ErrorType.DrillFailed);
}

/** `await handle.result()` that also turns a failed deployment into its result. */
export async function settleDeployment(result: Promise<DeploymentResult>): Promise<DeploymentResult> {
  try {
    return await result;
  } catch (err) {
    const carried = deploymentResultFromError(err);
    if (carried) return carried;
    throw err;
  }
}
