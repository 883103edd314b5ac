import { ApplicationFailure } from '@temporalio/common';

/**
 * ApplicationFailure `type` strings of the Docker and process targets and their routers. Code
 * branches on these, never on classes. Bad settings and releases that cannot run are
 * non-retryable; everything else (a daemon briefly away) is left to Temporal's retry policy.
 */
export const TargetErrorType = {
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
} as const;
export type TargetErrorType = (typeof TargetErrorType)[keyof typeof TargetErrorType];

export function targetFailure(type: TargetErrorType, message: string, nonRetryable = true, cause?: Error): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable, cause });
}
