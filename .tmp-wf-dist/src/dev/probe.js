"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.tcpOpen = tcpOpen;
exports.httpGet = httpGet;
exports.httpOk = httpOk;
exports.waitFor = waitFor;
const node_http_1 = require("node:http");
const node_net_1 = require("node:net");
const promises_1 = require("node:timers/promises");
/** True when something accepts TCP connections on host:port. */
function tcpOpen(host, port, timeoutMs = 1000) {
    return new Promise((resolve) => {
        const socket = (0, node_net_1.createConnection)({ host, port });
        const done = (open) => {
            socket.destroy();
            resolve(open);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
    });
}
/** GET over TCP or a unix socket; resolves with the status and body, rejects on transport errors. */
function httpGet(url, opts = {}) {
    return new Promise((resolve, reject) => {
        const req = (0, node_http_1.request)(url, { method: 'GET', socketPath: opts.socketPath, timeout: opts.timeoutMs ?? 2000 }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
            res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
        req.on('error', reject);
        req.end();
    });
}
/**
 * True on a 2xx answer that also passes `looksRight`: a health check must recognise the component,
 * not just any web server that happens to hold the port.
 */
async function httpOk(url, opts = {}) {
    try {
        const answer = await httpGet(url, opts);
        return answer.status >= 200 && answer.status < 300 && (opts.looksRight?.(answer) ?? true);
    }
    catch {
        return false;
    }
}
/** Polls until check() is true; throws with the component's name and where to look when it is not. */
async function waitFor(what, check, timeoutMs, hint) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check().catch(() => false))
            return;
        if (Date.now() > deadline)
            throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s; ${hint}`);
        await (0, promises_1.setTimeout)(200);
    }
}
//# sourceMappingURL=probe.js.map