import { type ErrorType } from '../domain/errors';

export class SluiceClientError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SluiceClientError';
  }
}

export function isClientError(err: unknown, type?: ErrorType): err is SluiceClientError {
  return err instanceof SluiceClientError && (type === undefined || err.type === type);
}
