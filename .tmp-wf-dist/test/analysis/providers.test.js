"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Metric providers, file-SD registration and the default queries against the real Prometheus on
 * the shared stack, scraping real example-service instances driven by the real load generator.
 */
const strict_1 = __importDefault(require("node:assert/strict"));
const promises_1 = require("node:fs/promises");
const node_http_1 = require("node:http");
const node_net_1 = require("node:net");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const config_1 = require("../../src/dev/config");
const providers_1 = require("../../src/activities/metrics/providers");
const templates_1 = require("../../src/activities/metrics/templates");
const metrics_1 = require("../../src/activities/metrics");
const load_1 = require("../../src/activities/load");
const stack_1 = require("../helpers/stack");
const support_1 = require("./support");
const prometheus = (0, providers_1.createPrometheusProvider)({ url: (0, config_1.prometheusUrl)(stack_1.stack), timeoutMs: 5000 });
const fleet = new support_1.Fleet();
const ctx = (role = 'canary') => ({ service: fleet.service, environment: fleet.environment, role, window: '5s' });
let canaryUrl = '';
(0, node_test_1.before)(async () => {
    const canary = await fleet.start({ role: 'canary', errorRate: 0.5 });
    canaryUrl = canary.url;
    await fleet.start({ role: 'stable' });
    await fleet.scraped();
});
(0, node_test_1.after)(async () => {
    await fleet.close();
    await (0, support_1.removeBuild)();
});
(0, node_test_1.describe)('Prometheus provider', () => {
    (0, node_test_1.test)('measures the error rate of a real instance serving 50% errors, and 0 (not no-data) for a clean one', async () => {
        const stable = fleet.instances.find((i) => i.role === 'stable');
        const report = await (0, load_1.runLoad)({ targets: [`${canaryUrl}/`, `${stable.url}/`], ratePerSecond: 80, durationMs: 3500 });
        strict_1.default.ok((report.byStatus['500'] ?? 0) > 20, `the canary answered 500s: ${JSON.stringify(report)}`);
        const canary = await (0, stack_1.eventually)('a canary error rate', async () => {
            const m = await prometheus.measure({ kind: 'prometheus', query: templates_1.ERROR_RATE_QUERY }, ctx('canary'));
            return m.kind === 'value' ? m : undefined;
        }, 20000, 500);
        strict_1.default.equal(typeof canary.value, 'number');
        strict_1.default.ok(canary.value > 0.3 && canary.value < 0.7, `error rate ${canary.value}`);
        const clean = await prometheus.measure({ kind: 'prometheus', query: templates_1.ERROR_RATE_QUERY }, ctx('stable'));
        strict_1.default.deepEqual({ kind: clean.kind, value: clean.kind === 'value' ? clean.value : undefined }, { kind: 'value', value: 0 });
        const p99 = await prometheus.measure({ kind: 'prometheus', query: templates_1.LATENCY_P99_QUERY }, ctx('stable'));
        strict_1.default.equal(p99.kind, 'value');
        strict_1.default.ok(p99.value < 0.1);
    });
    (0, node_test_1.test)('an empty result is no-data, NaN is no-data, several series give an array', async () => {
        const empty = await prometheus.measure({ kind: 'prometheus', query: templates_1.ERROR_RATE_QUERY }, { ...ctx(), service: `${fleet.service}-absent` });
        strict_1.default.equal(empty.kind, 'no-data');
        strict_1.default.match(empty.reason, /empty result/);
        const nan = await prometheus.measure({ kind: 'prometheus', query: '0/0' }, ctx());
        strict_1.default.deepEqual({ kind: nan.kind, reason: nan.reason }, { kind: 'no-data', reason: 'result is NaN' });
        const one = await prometheus.measure({ kind: 'prometheus', query: 'vector(0.25)' }, ctx());
        strict_1.default.equal(one.kind === 'value' && one.value, 0.25);
        const many = await prometheus.measure({ kind: 'prometheus', query: 'up{service="{{service}}"}' }, ctx());
        strict_1.default.deepEqual(many.kind === 'value' && many.value, [1, 1]);
        const inf = await prometheus.measure({ kind: 'prometheus', query: 'vector(1/0)' }, ctx());
        strict_1.default.equal(inf.kind === 'value' && inf.value, Number.MAX_VALUE, '+Inf stays a (JSON-safe) huge number');
    });
    (0, node_test_1.test)('an unreachable Prometheus, a bad query and a timeout are errors, never values', async () => {
        const port = await (0, stack_1.freePort)();
        const down = await (0, providers_1.createPrometheusProvider)({ url: `http://127.0.0.1:${port}`, timeoutMs: 1000 }).measure({ kind: 'prometheus', query: 'vector(1)' }, ctx());
        strict_1.default.equal(down.kind, 'error');
        strict_1.default.match(down.message, /ECONNREFUSED|fetch failed/);
        const bad = await prometheus.measure({ kind: 'prometheus', query: 'sum(' }, ctx());
        strict_1.default.equal(bad.kind, 'error');
        strict_1.default.match(bad.message, /bad_data/);
        // A server that accepts connections and never answers.
        const sockets = [];
        const silent = (0, node_net_1.createServer)((s) => sockets.push(s));
        const silentPort = await (0, stack_1.freePort)();
        await new Promise((r) => silent.listen(silentPort, '127.0.0.1', r));
        try {
            const t0 = Date.now();
            const slow = await (0, providers_1.createPrometheusProvider)({ url: `http://127.0.0.1:${silentPort}`, timeoutMs: 300 }).measure({ kind: 'prometheus', query: 'vector(1)' }, ctx());
            strict_1.default.equal(slow.kind, 'error');
            strict_1.default.match(slow.message, /timed out after 300 ms/);
            strict_1.default.ok(Date.now() - t0 < 3000);
            const controller = new AbortController();
            setTimeout(() => controller.abort(), 100);
            const cancelled = await (0, providers_1.createPrometheusProvider)({ url: `http://127.0.0.1:${silentPort}`, timeoutMs: 5000 }).measure({ kind: 'prometheus', query: 'vector(1)' }, ctx(), { signal: controller.signal });
            strict_1.default.match(cancelled.message, /cancelled/);
        }
        finally {
            for (const s of sockets)
                s.destroy();
            silent.close();
        }
    });
    (0, node_test_1.test)('query_range returns samples per step; labelled series carry their labels', async () => {
        const end = Date.now();
        const range = await prometheus.range({ kind: 'prometheus', query: 'sum(up{service="{{service}}",role="{{role}}"})' }, ctx(), { startMs: end - 5000, endMs: end, stepMs: 1000 });
        strict_1.default.equal(range.kind, 'samples');
        strict_1.default.ok(range.kind === 'samples' && range.values.length >= 4 && range.values.every((v) => v === 1), JSON.stringify(range));
        const series = await prometheus.series({ kind: 'prometheus', query: 'sum by (code) (http_requests_total{service="{{service}}",role="{{role}}"})' }, ctx());
        strict_1.default.equal(series.kind, 'series');
        const codes = series.kind === 'series' ? series.series.map((s) => s.labels.code).sort() : [];
        strict_1.default.ok(codes.includes('200') && codes.includes('500'), JSON.stringify(codes));
    });
    (0, node_test_1.test)('sampleSequential snapshots requests and 5xx by role; measure is the same measurement as an activity', async () => {
        const snap = await fleet.metrics.sampleSequential({ metric: { kind: 'count', name: 'errors', direction: 'increase', canaryShare: 0.5, priorStrength: 10, minRequests: 10 }, context: { service: fleet.service, environment: fleet.environment } });
        strict_1.default.equal(snap.canary.kind, 'count');
        strict_1.default.ok(snap.canary.kind === 'count' && snap.canary.errors > 0 && snap.canary.errors < snap.canary.requests);
        strict_1.default.equal(snap.baseline.kind, 'no-data', 'no baseline instance is registered in this file');
        const latency = await fleet.metrics.sampleSequential({ metric: { kind: 'latency', name: 'latency', direction: 'increase', canaryShare: 0.5, priorStrength: 100, minRequests: 10 }, context: { service: fleet.service, environment: fleet.environment } });
        strict_1.default.ok(latency.canary.kind === 'latency' && latency.canary.le.length === 12 && latency.canary.le.at(-1) === Number.MAX_VALUE);
        const measured = await fleet.metrics.measure({ kind: 'prometheus', query: 'vector(7)' }, ctx());
        strict_1.default.equal(measured.kind === 'value' && measured.value, 7);
    });
});
(0, node_test_1.describe)('query templates', () => {
    (0, node_test_1.test)('substitutes service, environment, role and window, and refuses what could inject PromQL', () => {
        strict_1.default.equal((0, providers_1.renderTemplate)('x{service="{{service}}",role="{{ role }}"}[{{window}}]', ctx()), `x{service="${fleet.service}",role="canary"}[5s]`);
        strict_1.default.throws(() => (0, providers_1.renderTemplate)('{{service}}', { ...ctx(), service: 'a"} or vector(1) #' }), providers_1.MetricInputError);
        strict_1.default.throws(() => (0, providers_1.renderTemplate)('{{nope}}', ctx()), /unknown template variable \{\{nope\}\}/);
        strict_1.default.throws(() => (0, providers_1.renderTemplate)('[{{window}}]', { ...ctx(), window: '5s]) or vector(1' }), /not a Prometheus duration/);
    });
    (0, node_test_1.test)('user templates override default metrics by name and add new ones', () => {
        const merged = (0, templates_1.mergeTemplates)([(0, templates_1.defaultThresholdTemplate)({ interval: '1s', count: 3 })], [
            { name: 'default-threshold', judge: { kind: 'threshold', metrics: [{ name: 'error-rate', provider: { kind: 'prometheus', query: 'vector(0)' }, successCondition: 'result < 0.01', count: 2 }] } },
            { name: 'mine', judge: { kind: 'threshold', metrics: [{ name: 'x', provider: { kind: 'web', url: 'http://127.0.0.1:1/x', jsonPath: 'a' }, count: 1 }] } },
        ]);
        strict_1.default.deepEqual(merged.map((t) => t.name), ['default-threshold', 'mine']);
        const metrics = merged[0].judge.metrics;
        strict_1.default.deepEqual(metrics.map((m) => [m.name, m.successCondition]), [['error-rate', 'result < 0.01'], ['latency-p99', 'result <= 0.15']]);
    });
});
(0, node_test_1.describe)('web provider', () => {
    let server;
    let base = '';
    (0, node_test_1.before)(async () => {
        server = (0, node_http_1.createServer)((req, res) => {
            if (req.url === '/fail')
                return void res.writeHead(500).end('boom');
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ service: req.url, data: { errorRate: 0.02, items: [{ p99: '0.3' }], none: null, text: 'high', list: [1, 2] } }));
        });
        const port = await (0, stack_1.freePort)();
        await new Promise((r) => server.listen(port, '127.0.0.1', r));
        base = `http://127.0.0.1:${port}`;
    });
    (0, node_test_1.after)(() => server.close());
    (0, node_test_1.test)('reads a value by a dotted path; missing or null is no-data; text and HTTP errors are errors', async () => {
        const web = (0, providers_1.createWebProvider)({ timeoutMs: 2000 });
        const m = (url, jsonPath) => web.measure({ kind: 'web', url, jsonPath }, ctx());
        strict_1.default.equal((await m(`${base}/{{service}}`, 'data.errorRate')).value, 0.02);
        strict_1.default.equal((await m(`${base}/`, 'data.items[0].p99')).value, 0.3);
        strict_1.default.deepEqual((await m(`${base}/`, 'data.list')).value, [1, 2]);
        strict_1.default.equal((await m(`${base}/{{service}}`, 'service')).kind, 'error', 'a string is not a number');
        strict_1.default.equal((await m(`${base}/`, 'data.missing')).kind, 'no-data');
        strict_1.default.equal((await m(`${base}/`, 'data.none')).kind, 'no-data');
        strict_1.default.equal((await m(`${base}/`, 'data.__proto__.x')).kind, 'no-data');
        strict_1.default.equal((await m(`${base}/`, 'data.text')).kind, 'error');
        strict_1.default.match((await m(`${base}/fail`, '')).message, /HTTP 500/);
    });
});
(0, node_test_1.describe)('file service discovery', () => {
    (0, node_test_1.test)('registerTargets writes one labelled group per role; unregisterTargets removes it; bad targets are refused', async () => {
        const input = { service: `${fleet.service}-sd`, environment: 'test', role: 'baseline', version: '1.2.3+abc', targets: ['127.0.0.1:1'] };
        const { id } = await fleet.metrics.registerTargets(input);
        strict_1.default.equal(id, (0, metrics_1.scrapeGroupId)(input));
        const file = (0, node_path_1.join)(stack_1.stack.prometheus.targetsDir, `${id}.json`);
        strict_1.default.deepEqual(JSON.parse(await (0, promises_1.readFile)(file, 'utf8')), [{ targets: ['127.0.0.1:1'], labels: { service: input.service, environment: 'test', role: 'baseline', version: '1.2.3+abc' } }]);
        await fleet.metrics.unregisterTargets(input);
        await strict_1.default.rejects((0, promises_1.readFile)(file, 'utf8'), /ENOENT/);
        await strict_1.default.rejects(fleet.metrics.registerTargets({ ...input, targets: ['not a target'] }), /host:port/);
    });
});
//# sourceMappingURL=providers.test.js.map