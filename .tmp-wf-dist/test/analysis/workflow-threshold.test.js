"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * analysisWorkflow with threshold (Argo-style) templates, end to end: the real Temporal dev
 * server (in-process worker, unique task queue), the real Prometheus scraping real
 * example-service instances with injected faults, load from the workflow's own load generator.
 */
const strict_1 = __importDefault(require("node:assert/strict"));
const node_net_1 = require("node:net");
const node_test_1 = require("node:test");
const config_1 = require("../../src/dev/config");
const templates_1 = require("../../src/activities/metrics/templates");
const stack_1 = require("../helpers/stack");
const support_1 = require("./support");
const INTERVAL_MS = 1000;
let client;
let connection;
let worker;
const fleets = [];
const closers = [];
(0, node_test_1.before)(async () => {
    ({ client, connection } = await (0, stack_1.temporalClient)());
    worker = await (0, support_1.startWorker)();
});
(0, node_test_1.after)(async () => {
    for (const close of closers.reverse())
        await close();
    await worker.close();
    await connection.close();
    for (const f of fleets)
        await f.close();
    await (0, support_1.removeBuild)();
});
async function canary(opts = {}) {
    const fleet = new support_1.Fleet();
    fleets.push(fleet);
    await fleet.start({ role: 'canary', version: '2.0.0', ...opts });
    await fleet.scraped();
    return fleet;
}
function input(fleet, templates, withLoad = true) {
    const url = fleet.instances[0].url;
    return {
        templates,
        context: { service: fleet.service, environment: fleet.environment, window: '4s' },
        ...(withLoad ? { load: { targets: [`${url}/`], ratePerSecond: 40 } } : {}),
    };
}
function analyse(args, taskQueue = worker.taskQueue) {
    return client.workflow.execute('analysisWorkflow', { taskQueue, workflowId: (0, stack_1.uniqueName)('analysis'), args: [args], workflowExecutionTimeout: '3m' });
}
const template = (policy = 'pause', count = 3) => (0, templates_1.defaultThresholdTemplate)({ interval: '1s', count, initialDelay: '4s', inconclusivePolicy: policy });
const metric = (r, name) => r.templates.flatMap((t) => t.metrics).find((m) => m.name === name);
(0, node_test_1.test)('a good canary passes: every measurement recorded as its own activity, load reported', async () => {
    const fleet = await canary();
    const workflowId = (0, stack_1.uniqueName)('analysis-good');
    const handle = await client.workflow.start('analysisWorkflow', { taskQueue: worker.taskQueue, workflowId, args: [input(fleet, [template()])] });
    const result = await handle.result();
    strict_1.default.equal(result.phase, 'Successful', JSON.stringify(result, null, 1));
    strict_1.default.equal(result.decision, 'promote');
    for (const name of ['error-rate', 'latency-p99']) {
        const m = metric(result, name);
        strict_1.default.equal(m.phase, 'Successful');
        strict_1.default.equal(m.measurements.length, 3);
        strict_1.default.ok(m.measurements.every((row) => row.outcome === 'pass' && typeof row.value === 'number'), JSON.stringify(m));
    }
    strict_1.default.equal(metric(result, 'error-rate').measurements[0].value, 0);
    strict_1.default.ok(result.load && result.load.status !== 'failed' && (result.load.status === 'cancelled' || (result.load.byStatus?.['200'] ?? 0) > 0));
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes.activityType.name);
    strict_1.default.equal(scheduled.filter((n) => n === 'measure').length, 6, 'one activity per measurement');
    strict_1.default.equal(scheduled.filter((n) => n === 'judgeThresholdLook').length, 3);
    strict_1.default.ok((history.events ?? []).some((e) => e.timerStartedEventAttributes), 'waits are workflow timers');
    const status = await handle.query('analysisStatus');
    strict_1.default.equal(status.phase, 'Successful');
});
(0, node_test_1.test)('15% errors fail within two intervals of the first canary measurement', async (t) => {
    const fleet = await canary({ errorRate: 0.15 });
    const result = await analyse(input(fleet, [template('pause', 10)]));
    strict_1.default.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
    strict_1.default.equal(result.decision, 'rollback');
    const errors = metric(result, 'error-rate');
    strict_1.default.equal(errors.phase, 'Failed');
    const failedAt = errors.measurements.findIndex((row) => row.outcome === 'fail');
    strict_1.default.ok(failedAt >= 0 && failedAt <= 1, `failed at measurement ${failedAt + 1}: ${JSON.stringify(errors.measurements)}`);
    strict_1.default.ok(errors.measurements[failedAt].value > 0.05);
    const detectMs = Date.parse(result.decidedAt) - Date.parse(result.firstMeasurementAt);
    t.diagnostic(`decided ${detectMs} ms after the first measurement (measurement ${failedAt + 1}, error rate ${errors.measurements[failedAt].value})`);
    strict_1.default.ok(detectMs <= 2 * INTERVAL_MS + 1000, `decided ${detectMs} ms after the first measurement`);
    strict_1.default.ok(errors.measurements.length < 10, 'stopped at once: the remaining measurements were not taken');
});
(0, node_test_1.test)('+200 ms latency fails on the latency metric only', async () => {
    const fleet = await canary({ latencyMs: 200 });
    const result = await analyse(input(fleet, [template('pause', 10)]));
    strict_1.default.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
    strict_1.default.equal(result.decision, 'rollback');
    const latency = metric(result, 'latency-p99');
    strict_1.default.equal(latency.phase, 'Failed');
    strict_1.default.ok(latency.measurements.some((row) => row.outcome === 'fail' && row.value >= 0.2));
    const errors = metric(result, 'error-rate');
    strict_1.default.notEqual(errors.phase, 'Failed');
    strict_1.default.ok(errors.measurements.every((row) => row.outcome === 'pass'), JSON.stringify(errors));
    strict_1.default.match(result.reason, /latency-p99/);
});
/** A loopback TCP relay to Prometheus that the test can cut, as if Prometheus stopped. */
async function relayToPrometheus() {
    const sockets = new Set();
    const server = (0, node_net_1.createServer)((client) => {
        const upstream = (0, node_net_1.connect)(stack_1.stack.prometheus.port, stack_1.stack.prometheus.host);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
            client.destroy();
            upstream.destroy();
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
    });
    const port = await (0, stack_1.freePort)();
    await new Promise((r) => server.listen(port, '127.0.0.1', r));
    let open = true;
    const cut = () => {
        if (!open)
            return;
        open = false;
        server.close();
        for (const s of sockets)
            s.destroy();
    };
    closers.push(async () => cut());
    return { url: `http://127.0.0.1:${port}`, cut };
}
(0, node_test_1.test)('Prometheus gone mid-analysis: errors, never Successful, the inconclusive policy decides', async () => {
    const fleet = await canary();
    const relay = await relayToPrometheus();
    const cutWorker = await (0, support_1.startWorker)({ prometheusUrl: relay.url, timeoutMs: 1000 });
    closers.push(() => cutWorker.close());
    const templates = (policy) => [
        { ...(0, templates_1.defaultThresholdTemplate)({ interval: '1s', count: 6, initialDelay: '4s', consecutiveErrorLimit: 2, inconclusivePolicy: policy }), name: `relay-${policy}` },
    ];
    const rollback = analyse(input(fleet, templates('rollback')), cutWorker.taskQueue);
    const pass = analyse(input(fleet, templates('pass')), cutWorker.taskQueue);
    // Let the first measurements (after the 4 s initial delay) succeed, then cut Prometheus off.
    await new Promise((r) => setTimeout(r, 6000));
    relay.cut();
    const [r1, r2] = await Promise.all([rollback, pass]);
    for (const r of [r1, r2]) {
        strict_1.default.equal(r.phase, 'Error', JSON.stringify(r, null, 1));
        const rows = r.templates[0].metrics.flatMap((m) => m.measurements);
        strict_1.default.ok(rows.some((row) => row.outcome === 'pass'), 'measured while Prometheus was there');
        strict_1.default.ok(rows.some((row) => row.outcome === 'error' && /ECONNREFUSED|fetch failed|timed out|socket/.test(row.reason)), JSON.stringify(rows));
    }
    strict_1.default.equal(r1.decision, 'rollback', 'policy rollback');
    strict_1.default.equal(r2.decision, 'pause', 'policy pass never promotes an analysis that could not measure');
});
(0, node_test_1.test)('Prometheus unreachable from the start: every measurement errors, the run cannot be Successful', async () => {
    const fleet = await canary();
    const down = await (0, support_1.startWorker)({ prometheusUrl: `http://127.0.0.1:${await (0, stack_1.freePort)()}`, timeoutMs: 1000 });
    closers.push(() => down.close());
    const t = (0, templates_1.defaultThresholdTemplate)({ interval: '1s', count: 2, consecutiveErrorLimit: 1, inconclusivePolicy: 'pass' });
    const result = await analyse(input(fleet, [t], false), down.taskQueue);
    strict_1.default.equal(result.phase, 'Error');
    strict_1.default.equal(result.decision, 'pause');
    const rows = result.templates[0].metrics.flatMap((m) => m.measurements);
    strict_1.default.ok(rows.length >= 2 && rows.every((row) => row.outcome === 'error'), JSON.stringify(rows));
});
(0, node_test_1.test)('an empty Prometheus result is a no-data measurement: inconclusive, then the policy', async () => {
    const fleet = await canary();
    const absent = {
        name: 'absent',
        inconclusivePolicy: 'rollback',
        judge: { kind: 'threshold', metrics: [{ name: 'error-rate', provider: { kind: 'prometheus', query: templates_1.ERROR_RATE_QUERY.replaceAll('{{service}}', `${fleet.service}-nobody`) }, interval: '1s', count: 2, successCondition: 'result <= 0.05' }] },
    };
    const result = await analyse(input(fleet, [absent], false));
    strict_1.default.equal(result.phase, 'Inconclusive', JSON.stringify(result, null, 1));
    strict_1.default.equal(result.decision, 'rollback');
    const row = metric(result, 'error-rate').measurements[0];
    strict_1.default.equal(row.outcome, 'inconclusive');
    strict_1.default.match(row.reason, /no data: empty result/);
});
(0, node_test_1.test)('a load target off loopback is refused: the analysis ends in Error without sending a request', async () => {
    const fleet = await canary();
    const args = { ...input(fleet, [template('pause', 5)]), load: { targets: ['http://10.0.0.1/'], ratePerSecond: 10 } };
    const result = await analyse(args);
    strict_1.default.equal(result.phase, 'Error');
    strict_1.default.equal(result.load?.status, 'failed');
    strict_1.default.match(result.reason, /not on loopback/);
});
(0, node_test_1.test)('invalid templates are refused up front with the field and the reason', async () => {
    const fleet = await canary();
    const bad = { name: 'bad', judge: { kind: 'threshold', metrics: [{ name: 'x', provider: { kind: 'prometheus', query: 'vector(1)' }, count: 1, successCondition: 'result <<< 1' }] } };
    const result = await analyse(input(fleet, [bad], false));
    strict_1.default.equal(result.phase, 'Error');
    strict_1.default.equal(result.decision, 'rollback');
    strict_1.default.match(result.reason, /successCondition/);
    void config_1.prometheusUrl;
});
//# sourceMappingURL=workflow-threshold.test.js.map