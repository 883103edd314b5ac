import { setTimeout as sleep } from 'node:timers/promises';
import type { DeploymentReader, DeploymentRef } from './deployment';
import { statusQuery, type DeploymentResult, type DeploymentStatus } from './protocol';

export interface WatchOptions {
  /** How often the status query is polled (default 500 ms). */
  intervalMs?: number;
  /** Follow this run; default: the latest run of the deployment workflow. */
  runId?: string;
  signal?: AbortSignal;
}

export type WatchEvent =
  | { kind: 'status'; workflowId: string; runId: string; status: DeploymentStatus; at: Date }
  | { kind: 'result'; workflowId: string; runId: string; status?: DeploymentStatus; result: DeploymentResult; at: Date };

/**
 * Yields the status each time it changes, then the result once the workflow closes. It polls the
 * `status` query (queries are cheap and need no history growth) and races it with the result, so
 * the end is seen at once rather than on the next tick.
 */
export async function* watchDeployment(client: DeploymentReader, ref: DeploymentRef, options: WatchOptions = {}): AsyncGenerator<WatchEvent> {
  const interval = options.intervalMs ?? 500;
  const first = await client.snapshot(ref, options.runId);
  const { workflowId, runId } = first;
  const handle = client.temporal.workflow.getHandle(workflowId, runId);
  let done: DeploymentResult | undefined;
  const resultPromise = client.result(ref, runId).then((r) => {
    done = r;
    return r;
  });
  resultPromise.catch(() => undefined);

  let last = '';
  let status = first.status;
  if (first.result) {
    yield { kind: 'result', workflowId, runId, status, result: first.result, at: new Date() };
    return;
  }
  for (;;) {
    if (status) {
      const key = JSON.stringify(status);
      if (key !== last) {
        last = key;
        yield { kind: 'status', workflowId, runId, status, at: new Date() };
      }
    }
    if (options.signal?.aborted) return;
    await Promise.race([sleep(interval, undefined, { signal: options.signal }).catch(() => undefined), resultPromise.catch(() => undefined)]);
    if (done || options.signal?.aborted) break;
    // A query fails while no worker has picked the workflow up yet; the next tick retries.
    status = await handle.query(statusQuery).catch(() => status);
  }
  if (!done) return;
  const finalStatus = await handle.query(statusQuery).catch(() => status);
  yield { kind: 'result', workflowId, runId, status: finalStatus, result: done, at: new Date() };
}
