import { readFileSync } from 'node:fs';
import { ErrorType, badInput } from '../../domain/errors';
import type { SecretRef } from '../../domain/notifications';

/**
 * Resolves a secret reference inside the delivery activity, so the value lives only in the
 * worker's memory for one request. Messages name the variable or file, never the value. A
 * missing secret is not retried: the worker's environment does not change between attempts.
 */
export function secretReader(env: NodeJS.ProcessEnv) {
  return (ref: SecretRef, what: string): string => {
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined || value.trim() === '') {
        throw badInput(ErrorType.NotificationSecretUnavailable, `${what}: the worker's environment has no ${ref.env}`);
      }
      return value.trim();
    }
    let text: string;
    try {
      text = readFileSync(ref.file, 'utf8');
    } catch (err) {
      throw badInput(ErrorType.NotificationSecretUnavailable, `${what}: cannot read ${ref.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text.trim() === '') throw badInput(ErrorType.NotificationSecretUnavailable, `${what}: ${ref.file} is empty`);
    return text.trim();
  };
}
