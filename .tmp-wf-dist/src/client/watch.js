"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.watchDeployment = watchDeployment;
const promises_1 = require("node:timers/promises");
const protocol_1 = require("./protocol");
/**
 * Yields the status each time it changes, then the result once the workflow closes. It polls the
 * `status` query (queries are cheap and need no history growth) and races it with the result, so
 * the end is seen at once rather than on the next tick.
 */
async function* watchDeployment(client, ref, options = {}) {
    const interval = options.intervalMs ?? 500;
    const first = await client.snapshot(ref, options.runId);
    const { workflowId, runId } = first;
    const handle = client.temporal.workflow.getHandle(workflowId, runId);
    let done;
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
        if (options.signal?.aborted)
            return;
        await Promise.race([(0, promises_1.setTimeout)(interval, undefined, { signal: options.signal }).catch(() => undefined), resultPromise.catch(() => undefined)]);
        if (done || options.signal?.aborted)
            break;
        // A query fails while no worker has picked the workflow up yet; the next tick retries.
        status = await handle.query(protocol_1.statusQuery).catch(() => status);
    }
    if (!done)
        return;
    const finalStatus = await handle.query(protocol_1.statusQuery).catch(() => status);
    yield { kind: 'result', workflowId, runId, status: finalStatus, result: done, at: new Date() };
}
//# sourceMappingURL=watch.js.map