"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * analysisWorkflow as a child of a release-like parent (test/analysis/fixtures): the decision
 * comes back to the parent, and cancelling the parent (an abort) cancels the child at once
 * instead of waiting out its window.
 */
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const client_1 = require("@temporalio/client");
const analysis_1 = require("../../src/domain/analysis");
const templates_1 = require("../../src/activities/metrics/templates");
const analysis_child_1 = require("../../src/workflows/analysis-child");
const load_1 = require("../../src/activities/load");
const stack_1 = require("../helpers/stack");
const support_1 = require("./support");
let client;
let connection;
let worker;
const fleet = new support_1.Fleet();
(0, node_test_1.before)(async () => {
    ({ client, connection } = await (0, stack_1.temporalClient)());
    worker = await (0, support_1.startWorker)({}, (0, support_1.bundleOf)(require.resolve('./fixtures/parent-workflows')));
    await fleet.start({ role: 'canary', version: '2.0.0' });
    await fleet.scraped();
});
(0, node_test_1.after)(async () => {
    await worker.close();
    await connection.close();
    await fleet.close();
    await (0, support_1.removeBuild)();
});
(0, node_test_1.test)('the parent gets the child analysis result and a one-line summary', async () => {
    const all = [analysis_1.AnalysisTemplate.parse((0, templates_1.defaultThresholdTemplate)({ interval: '1s', count: 2 })), analysis_1.AnalysisTemplate.parse((0, templates_1.defaultKayentaTemplate)())];
    const templates = (0, analysis_child_1.selectTemplates)(all, ['default-threshold']);
    strict_1.default.deepEqual(templates.map((t) => t.name), ['default-threshold']);
    const url = fleet.instances[0].url;
    // Traffic first, so the first measurement already has data.
    const warm = (0, load_1.runLoad)({ targets: [`${url}/`], ratePerSecond: 40, durationMs: 12000 });
    await new Promise((r) => setTimeout(r, 5000));
    const parentId = (0, stack_1.uniqueName)('parent');
    const out = await client.workflow.execute('parentWorkflow', {
        taskQueue: worker.taskQueue,
        workflowId: parentId,
        args: [{ label: 'step-1', templates, context: { service: fleet.service, environment: fleet.environment, window: '4s' } }],
    });
    await warm;
    strict_1.default.equal(out.result.decision, 'promote', out.summary);
    strict_1.default.match(out.summary, /^analysis Successful → promote: .*default-threshold Successful/);
    const children = client.workflow.list({ query: `ParentWorkflowId = "${parentId}"` });
    const ids = [];
    for await (const w of children)
        ids.push(w.workflowId);
    strict_1.default.equal(ids.length, 1);
    strict_1.default.match(ids[0], new RegExp(`^${parentId}/analysis/[0-9a-f-]{8}/step-1$`));
});
(0, node_test_1.test)('cancelling the parent cancels the analysis child at once, mid-window', async (t) => {
    const templates = [analysis_1.AnalysisTemplate.parse((0, templates_1.defaultKayentaTemplate)({ interval: '1s', window: '10m' }))];
    const parentId = (0, stack_1.uniqueName)('parent');
    const handle = await client.workflow.start('parentWorkflow', {
        taskQueue: worker.taskQueue,
        workflowId: parentId,
        args: [{ label: 'long', templates, context: { service: fleet.service, environment: fleet.environment } }],
    });
    const { runId } = await handle.describe();
    const childId = (0, analysis_child_1.analysisWorkflowId)(parentId, runId, 'long');
    await (0, stack_1.eventually)('the child to run', async () => ((await client.workflow.getHandle(childId).describe()).status.name === 'RUNNING' ? true : undefined), 20000);
    const t0 = Date.now();
    await handle.cancel();
    await strict_1.default.rejects(handle.result(), client_1.WorkflowFailedError);
    // Cancelled by the parent's cancellation, or terminated by the parent close policy: either way it stops now.
    const status = await (0, stack_1.eventually)('the child to stop', async () => {
        const name = (await client.workflow.getHandle(childId).describe()).status.name;
        return name === 'CANCELLED' || name === 'TERMINATED' ? name : undefined;
    }, 10000, 100);
    t.diagnostic(`child ${status} ${Date.now() - t0} ms after the parent was cancelled`);
    strict_1.default.ok(Date.now() - t0 < 5000, `child stopped after ${Date.now() - t0} ms`);
});
//# sourceMappingURL=workflow-child.test.js.map