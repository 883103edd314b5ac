"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.httpStatus = httpStatus;
exports.waitForReady = waitForReady;
exports.portFree = portFree;
exports.waitPortFree = waitPortFree;
const node_net_1 = require("node:net");
const activity_context_1 = require("./activity-context");
/** One GET with a timeout; resolves to the status, or null when nothing answered. */
async function httpStatus(url, timeoutMs) {
    try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        await res.arrayBuffer().catch(() => undefined);
        return { status: res.status };
    }
    catch (err) {
        const e = err;
        return { status: null, error: e.cause?.code ?? e.cause?.message ?? e.message };
    }
}
/**
 * Polls `url` until it answers 2xx. `alive` is asked between polls so an instance that exited
 * fails fast with its reason instead of waiting out the timeout.
 */
async function waitForReady(url, timeoutMs, alive) {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
        const r = await httpStatus(url, 1000);
        if (r.status !== null && r.status >= 200 && r.status < 300)
            return { ok: true };
        last = r.status !== null ? `HTTP ${r.status}` : (r.error ?? 'no answer');
        const dead = await alive();
        if (dead)
            return { ok: false, reason: dead };
        if (Date.now() > deadline)
            return { ok: false, reason: `${url} answered ${last} for ${timeoutMs} ms` };
        (0, activity_context_1.heartbeatIfActivity)({ waitingFor: url });
        await (0, activity_context_1.sleepMs)(100);
    }
}
/** True when nothing listens on host:port (we could bind it ourselves). */
function portFree(host, port) {
    return new Promise((resolve) => {
        const server = (0, node_net_1.createServer)();
        server.once('error', () => resolve(false));
        server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
    });
}
/** Waits up to `timeoutMs` for a port to be released (a stopped instance's socket closing). */
async function waitPortFree(host, port, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await portFree(host, port))
            return true;
        if (Date.now() > deadline)
            return false;
        await (0, activity_context_1.sleepMs)(100);
    }
}
//# sourceMappingURL=readiness.js.map