"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * analysisWorkflow with the baseline-vs-canary judges, end to end on the real stack: a baseline
 * (the current version started fresh) and a canary of the example service side by side, both
 * registered with Prometheus by role, equal load from the workflow's load generator.
 */
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const templates_1 = require("../../src/activities/metrics/templates");
const stack_1 = require("../helpers/stack");
const support_1 = require("./support");
let client;
let connection;
let worker;
const fleets = [];
(0, node_test_1.before)(async () => {
    ({ client, connection } = await (0, stack_1.temporalClient)());
    worker = await (0, support_1.startWorker)();
});
(0, node_test_1.after)(async () => {
    await worker.close();
    await connection.close();
    for (const f of fleets)
        await f.close();
    await (0, support_1.removeBuild)();
});
async function pair(canary) {
    const fleet = new support_1.Fleet();
    fleets.push(fleet);
    await fleet.start({ role: 'baseline', version: '1.0.0' });
    await fleet.start({ role: 'canary', version: '2.0.0', ...canary });
    await fleet.scraped();
    return fleet;
}
function input(fleet, templates, environment = fleet.environment) {
    return {
        templates,
        context: { service: fleet.service, environment, window: '3s' },
        load: { targets: fleet.instances.map((i) => `${i.url}/`), ratePerSecond: 60 },
    };
}
function analyse(args) {
    return client.workflow.execute('analysisWorkflow', { taskQueue: worker.taskQueue, workflowId: (0, stack_1.uniqueName)('analysis'), args: [args], workflowExecutionTimeout: '3m' });
}
const metric = (r, name) => r.templates.flatMap((t) => t.metrics).find((m) => m.name === name);
(0, node_test_1.test)('Kayenta judge: a canary with +200 ms latency scores below marginal against a fresh baseline and is rolled back', async (t) => {
    const fleet = await pair({ latencyMs: 200 });
    const result = await analyse(input(fleet, [(0, templates_1.defaultKayentaTemplate)({ interval: '1s', window: '15s', minSamples: 8 })]));
    strict_1.default.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
    strict_1.default.equal(result.decision, 'rollback');
    const template = result.templates[0];
    strict_1.default.ok(template.score !== undefined && template.score < 75, `score ${template.score}`);
    t.diagnostic(`score ${template.score}: ${template.reason}`);
    for (const name of ['latency-mean', 'latency-p99']) {
        const m = metric(result, name);
        strict_1.default.equal(m.phase, 'Failed', JSON.stringify(m));
        const row = m.measurements[0];
        strict_1.default.equal(row.outcome, 'fail');
        strict_1.default.match(row.reason, /^High/);
        strict_1.default.ok(row.canary.length >= 8 && row.baseline.length >= 8);
    }
    strict_1.default.equal(metric(result, 'error-rate').phase, 'Successful');
});
(0, node_test_1.test)('Kayenta judge without data (nothing registered for the environment) is inconclusive, never a pass', async () => {
    const fleet = fleets[0] ?? (await pair({}));
    const template = (0, templates_1.defaultKayentaTemplate)({ interval: '1s', window: '3s', minSamples: 3, inconclusivePolicy: 'pause' });
    const result = await analyse({ ...input(fleet, [template], 'nowhere'), load: undefined });
    strict_1.default.equal(result.phase, 'Inconclusive', JSON.stringify(result, null, 1));
    strict_1.default.equal(result.decision, 'pause');
    strict_1.default.ok(result.templates[0].metrics.every((m) => m.measurements[0].outcome === 'inconclusive'));
});
(0, node_test_1.test)('sequential judge: 15% errors against the baseline are caught at an early look, with the evidence recorded', async (t) => {
    const fleet = await pair({ errorRate: 0.15 });
    const maxDurationMs = 40_000;
    const t0 = Date.now();
    const result = await analyse(input(fleet, [(0, templates_1.defaultSequentialTemplate)({ interval: '1s', maxDuration: '40s', minRequests: 50 })]));
    strict_1.default.equal(result.phase, 'Failed', JSON.stringify(result, null, 1));
    strict_1.default.equal(result.decision, 'rollback');
    strict_1.default.ok(Date.now() - t0 < maxDurationMs / 2, `decided after ${Date.now() - t0} ms`);
    const errors = metric(result, 'errors');
    strict_1.default.equal(errors.phase, 'Failed');
    const decisive = errors.measurements.at(-1);
    strict_1.default.equal(decisive.outcome, 'fail');
    t.diagnostic(`rejected at look ${decisive.evidence?.look} (${decisive.evidence?.elapsedMs} ms): ${decisive.reason}`);
    strict_1.default.ok(decisive.evidence && decisive.evidence.pValue <= 0.025 && decisive.evidence.canaryWorse, JSON.stringify(decisive));
    // The curve of evidence: one look per interval, p-values never increasing.
    const p = errors.measurements.filter((r) => r.evidence).map((r) => r.evidence.pValue);
    strict_1.default.ok(p.length >= 2);
    for (let i = 1; i < p.length; i++)
        strict_1.default.ok(p[i] <= p[i - 1], `p-values ${p.join(', ')}`);
    strict_1.default.notEqual(metric(result, 'latency').phase, 'Failed');
});
(0, node_test_1.test)('sequential judge: a good canary against the baseline passes at max duration', async () => {
    const fleet = await pair({});
    const result = await analyse(input(fleet, [(0, templates_1.defaultSequentialTemplate)({ interval: '1s', maxDuration: '8s', minRequests: 50 })]));
    strict_1.default.equal(result.phase, 'Successful', JSON.stringify(result.templates[0].metrics.map((m) => [m.name, m.phase, m.reason]), null, 1));
    strict_1.default.equal(result.decision, 'promote');
    const looks = metric(result, 'errors').measurements;
    strict_1.default.ok(looks.length >= 6 && looks.every((r) => r.outcome === 'pass'), JSON.stringify(looks));
});
//# sourceMappingURL=workflow-judges.test.js.map