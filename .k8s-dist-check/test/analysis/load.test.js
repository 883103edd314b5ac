"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * The bounded load generator against a real example-service instance: rate, duration, counts by
 * status, cancellation, and the loopback-only rule (checked before any socket opens).
 */
const strict_1 = __importDefault(require("node:assert/strict"));
const node_http_1 = require("node:http");
const node_test_1 = require("node:test");
const load_1 = require("../../src/activities/load");
const stack_1 = require("../helpers/stack");
const support_1 = require("./support");
const fleet = new support_1.Fleet();
let url = '';
(0, node_test_1.before)(async () => {
    url = (await fleet.start({ role: 'canary', errorRate: 0.3 })).url;
});
(0, node_test_1.after)(async () => {
    await fleet.close();
    await (0, support_1.removeBuild)();
});
(0, node_test_1.test)('refuses every target outside 127.0.0.0/8 and ::1, before sending anything', () => {
    for (const target of ['http://10.0.0.1/', 'http://192.168.1.10:8080/', 'http://172.16.0.1/', 'http://8.8.8.8/', 'http://example.com/', 'http://[::ffff:10.0.0.1]/', 'http://[fe80::1]/', 'http://0.0.0.0/']) {
        strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ targets: [target], ratePerSecond: 1, durationMs: 1000 }), load_1.NotLoopbackError, target);
    }
    strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ targets: ['https://127.0.0.1/'], ratePerSecond: 1, durationMs: 1000 }), load_1.NotLoopbackError);
    strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ targets: ['http://user:pw@127.0.0.1/'], ratePerSecond: 1, durationMs: 1000 }), load_1.NotLoopbackError);
    for (const target of ['http://127.0.0.1:1/', 'http://127.9.8.7/', 'http://[::1]:8080/x', 'http://localhost:3000/']) {
        strict_1.default.doesNotThrow(() => (0, load_1.checkLoadSpec)({ targets: [target], ratePerSecond: 1, durationMs: 1000 }), target);
    }
    strict_1.default.equal((0, load_1.isLoopbackAddress)('127.255.255.255'), true);
    strict_1.default.equal((0, load_1.isLoopbackAddress)('128.0.0.1'), false);
});
(0, node_test_1.test)('refuses unbounded specs', () => {
    const ok = { targets: ['http://127.0.0.1:1/'], ratePerSecond: 10, durationMs: 1000 };
    strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ ...ok, ratePerSecond: 0 }), load_1.LoadSpecError);
    strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ ...ok, ratePerSecond: 1e6 }), load_1.LoadSpecError);
    strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ ...ok, durationMs: 24 * 3600 * 1000 }), load_1.LoadSpecError);
    strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ ...ok, maxInFlight: 0 }), load_1.LoadSpecError);
    strict_1.default.throws(() => (0, load_1.checkLoadSpec)({ ...ok, targets: [] }), load_1.LoadSpecError);
});
(0, node_test_1.test)('sends at the configured rate for the configured time and counts answers by status', async () => {
    const progress = [];
    const t0 = Date.now();
    const report = await (0, load_1.runLoad)({ targets: [`${url}/`], ratePerSecond: 100, durationMs: 2000 }, { onProgress: (r) => progress.push(r.sent), progressEveryMs: 500 });
    const took = Date.now() - t0;
    strict_1.default.ok(took >= 1900 && took < 5000, `took ${took} ms`);
    strict_1.default.ok(report.sent >= 180 && report.sent <= 201, `sent ${report.sent}`);
    const ok = report.byStatus['200'] ?? 0;
    const failed = report.byStatus['500'] ?? 0;
    strict_1.default.equal(ok + failed, report.sent, JSON.stringify(report));
    strict_1.default.ok(failed / report.sent > 0.15 && failed / report.sent < 0.45, `30% injected errors, saw ${failed}/${report.sent}`);
    strict_1.default.ok(progress.length >= 3, 'reports progress while it runs');
});
(0, node_test_1.test)('network failures are counted separately; a cancelled run stops at once', async () => {
    const closed = await (0, stack_1.freePort)();
    const refused = await (0, load_1.runLoad)({ targets: [`http://127.0.0.1:${closed}/`], ratePerSecond: 50, durationMs: 500 });
    strict_1.default.equal(refused.byStatus['200'], undefined);
    strict_1.default.ok((refused.failures.ECONNREFUSED ?? 0) >= 20, JSON.stringify(refused));
    // A server that holds requests: cancelling must not wait for them.
    const held = (0, node_http_1.createServer)(() => undefined);
    const port = await (0, stack_1.freePort)();
    await new Promise((r) => held.listen(port, '127.0.0.1', r));
    try {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 300);
        const t0 = Date.now();
        const report = await (0, load_1.runLoad)({ targets: [`http://127.0.0.1:${port}/`], ratePerSecond: 50, durationMs: 60000, requestTimeoutMs: 30000 }, { signal: controller.signal });
        strict_1.default.ok(Date.now() - t0 < 3000, `stopped after ${Date.now() - t0} ms`);
        strict_1.default.ok(report.sent > 0 && report.sent < 40);
        strict_1.default.equal(report.failures.ECANCELLED, report.sent);
    }
    finally {
        held.closeAllConnections();
        held.close();
    }
});
(0, node_test_1.test)('resumes from an earlier attempt for the remaining duration only', async () => {
    const resume = { sent: 50, byStatus: { '200': 50 }, failures: {}, skipped: 0, elapsedMs: 1500 };
    const t0 = Date.now();
    const report = await (0, load_1.runLoad)({ targets: [`${url}/`], ratePerSecond: 100, durationMs: 2000 }, { resume });
    strict_1.default.ok(Date.now() - t0 < 1500, 'only the remaining 500 ms ran');
    strict_1.default.ok(report.sent >= 90 && report.sent <= 101, `sent ${report.sent}`);
    strict_1.default.equal(report.elapsedMs, 2000);
});
//# sourceMappingURL=load.test.js.map