/**
 * Errors the client raises, each with a `type` string the CLI maps to a message and exit code.
 * Branch on `type`, not on classes (STYLE.md).
 */
export const ClientErrorType = {
  TemporalUnreachable: 'SluiceTemporalUnreachable',
  InvalidSpec: 'SluiceInvalidSpec',
  InvalidSettings: 'SluiceInvalidSettings',
  DeploymentNotFound: 'SluiceDeploymentNotFound',
  DeploymentAlreadyRunning: 'SluiceDeploymentAlreadyRunning',
  Rejected: 'SluiceRejected',
} as const;
export type ClientErrorType = (typeof ClientErrorType)[keyof typeof ClientErrorType];

export class SluiceClientError extends Error {
  constructor(
    readonly type: ClientErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SluiceClientError';
  }
}

export function isClientError(err: unknown, type?: ClientErrorType): err is SluiceClientError {
  return err instanceof SluiceClientError && (type === undefined || err.type === type);
}
