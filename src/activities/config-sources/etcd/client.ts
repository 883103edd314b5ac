/**
 * One way to open an etcd v3 client (the `etcd3` library over gRPC) and one way to turn its
 * failures into Sluice's: an etcd that cannot be reached is `SluiceConfigSourceUnavailable`
 * (transient, so an activity is retried by Temporal's policy), a read below the last compaction
 * is `SluiceConfigRevisionCompacted` (non-retryable). The library's own retries are off: retrying
 * is the activity's retry policy's business, and a person at the CLI wants the answer now.
 */
import { Etcd3, GRPCDeadlineExceededError, GRPCOutOfRangeError, GRPCUnavailableError, type IOptions } from 'etcd3';
import { noop } from 'cockatiel';
import { ErrorType, badInput, transient } from '../../../domain/errors';

export const DEFAULT_ETCD_TIMEOUT_MS = 5000;

export function connectEtcd(endpoints: readonly string[], timeoutMs = DEFAULT_ETCD_TIMEOUT_MS): Etcd3 {
  const options: IOptions = {
    hosts: [...endpoints],
    dialTimeout: timeoutMs,
    // Streams (history's watch) bound themselves; unary calls get a deadline each.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    faultHandling: { global: noop, host: () => noop },
  };
  return new Etcd3(options);
}

/** Opens a client, runs `fn`, closes it whatever happens. */
export async function withEtcd<T>(endpoints: readonly string[], fn: (client: Etcd3) => Promise<T>, timeoutMs?: number): Promise<T> {
  const client = connectEtcd(endpoints, timeoutMs);
  try {
    return await fn(client);
  } catch (err) {
    throw etcdFailure(err, endpoints);
  } finally {
    client.close();
  }
}

function isUnreachable(err: unknown): boolean {
  if (err instanceof GRPCUnavailableError || err instanceof GRPCDeadlineExceededError) return true;
  // Errors the library raises before any call reaches a server (dial timeout, no host answered).
  const message = err instanceof Error ? err.message : '';
  return /no connection established|failed to connect|ECONNREFUSED|deadline exceeded|timed? ?out/i.test(message);
}

/** The Sluice failure for an etcd client error; anything already typed passes through. */
export function etcdFailure(err: unknown, endpoints: readonly string[]): unknown {
  if (err instanceof Error && 'type' in err && typeof (err as { type?: unknown }).type === 'string') return err;
  const where = `etcd at ${endpoints.join(', ')}`;
  if (err instanceof GRPCOutOfRangeError && /compacted/.test(err.message)) {
    return badInput(
      ErrorType.ConfigRevisionCompacted,
      `${where}: that revision is older than the last compaction, so its values are gone (etcd keeps old revisions only until it compacts)`,
      err,
    );
  }
  if (err instanceof GRPCOutOfRangeError && /future revision/.test(err.message)) {
    return badInput(ErrorType.InvalidConfig, `${where}: that revision is newer than the store's current revision`, err);
  }
  if (isUnreachable(err)) {
    // gRPC appends an empty "Resolution note:" to connection errors; it says nothing to a person.
    const reason = (err as Error).message.replace(/\s*Resolution note:.*$/s, '');
    return transient(ErrorType.ConfigSourceUnavailable, `cannot reach the config centre (${where}): ${reason}`, err as Error);
  }
  return err;
}
