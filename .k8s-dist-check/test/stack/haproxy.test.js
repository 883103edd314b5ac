"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_http_1 = require("node:http");
const node_test_1 = require("node:test");
const haproxy_1 = require("../../src/dev/components/haproxy");
const haproxy_2 = require("../../src/lib/haproxy");
const stack_1 = require("../helpers/stack");
const files = (0, haproxy_1.haproxyFiles)(stack_1.stack);
const servers = [];
const fragments = [];
(0, node_test_1.after)(async () => {
    for (const name of fragments)
        await (0, haproxy_2.removeFragment)(files, name).catch(() => undefined);
    for (const server of servers)
        server.close();
});
async function answering(body) {
    const port = await (0, stack_1.freePort)();
    const server = (0, node_http_1.createServer)((_req, res) => res.end(body));
    servers.push(server);
    await new Promise((r) => server.listen(port, '127.0.0.1', r));
    return port;
}
async function split(url, requests) {
    const counts = {};
    for (let i = 0; i < requests; i++) {
        const res = await fetch(url);
        strict_1.default.equal(res.status, 200);
        const body = await res.text();
        counts[body] = (counts[body] ?? 0) + 1;
    }
    return counts;
}
(0, node_test_1.test)('a weight change through the runtime socket shifts the split of 200 requests within ±10 points, without a reload', async () => {
    const name = (0, stack_1.uniqueName)('smoke');
    const backend = `be_${name}`;
    const [stablePort, canaryPort, listenPort] = [await answering('stable'), await answering('canary'), await (0, stack_1.freePort)()];
    fragments.push(name);
    await (0, haproxy_2.applyFragment)(files, name, [
        `frontend fe_${name}`,
        `  bind 127.0.0.1:${listenPort}`,
        `  default_backend ${backend}`,
        `backend ${backend}`,
        '  balance roundrobin',
        `  server stable 127.0.0.1:${stablePort} weight 100`,
        `  server canary 127.0.0.1:${canaryPort} weight 0`,
        '',
    ].join('\n'), backend);
    const url = `http://127.0.0.1:${listenPort}/`;
    strict_1.default.deepEqual(await split(url, 20), { stable: 20 }, 'weight 0 gets no traffic');
    const pidBefore = await (0, haproxy_2.workerPid)(files.masterSocket);
    for (const [target, canaryWeight] of [[30, 30], [75, 75]]) {
        await (0, haproxy_2.haproxyAction)(files.adminSocket, `set server ${backend}/stable weight ${100 - canaryWeight}`);
        await (0, haproxy_2.haproxyAction)(files.adminSocket, `set server ${backend}/canary weight ${canaryWeight}`);
        const counts = await split(url, 200);
        const share = ((counts.canary ?? 0) / 200) * 100;
        strict_1.default.ok(Math.abs(share - target) <= 10, `canary share ${share}% is within ±10 points of ${target}%`);
    }
    strict_1.default.equal(await (0, haproxy_2.workerPid)(files.masterSocket), pidBefore, 'no reload happened');
    const states = await (0, haproxy_2.serverStates)(files.adminSocket, backend);
    strict_1.default.deepEqual(states.map((s) => [s.server, s.weight]).sort(), [['canary', 75], ['stable', 25]]);
});
(0, node_test_1.test)('a broken fragment is refused and never reaches the running proxy', async () => {
    const name = (0, stack_1.uniqueName)('broken');
    const pidBefore = await (0, haproxy_2.workerPid)(files.masterSocket);
    await strict_1.default.rejects((0, haproxy_2.applyFragment)(files, name, 'backend be_x\n  server nope\n'), /configuration is invalid/);
    strict_1.default.equal(await (0, haproxy_2.workerPid)(files.masterSocket), pidBefore);
});
//# sourceMappingURL=haproxy.test.js.map