"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const playwright_core_1 = require("playwright-core");
const config_1 = require("../../src/dev/config");
const helpers_1 = require("../cli/helpers");
const stack_1 = require("../helpers/stack");
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
/**
 * The Temporal Web UI as the window onto deployments: a release started with `sluice deploy` and
 * aborted with `sluice abort` is found by its search attributes, and its history shows the abort
 * signal. No worker polls the test's task queue, so the run stays where the CLI left it and the
 * page shows exactly what the client sent; the test terminates it afterwards.
 */
(0, node_test_1.describe)('Temporal Web UI shows Sluice deployments', () => {
    const service = (0, stack_1.uniqueName)('ui');
    const environment = 'production';
    const workflowId = `deploy/${service}/${environment}`;
    const taskQueue = (0, stack_1.uniqueName)('ui-no-worker');
    const spec = (0, helpers_1.specDir)([
        `service: ${service}`,
        `environment: ${environment}`,
        `source: { kind: build, repoDir: ${(0, stack_1.repoRoot)()}/examples/go-service, imageRepo: 127.0.0.1:5000/${service} }`,
        'target: { kind: docker }',
        'router: { kind: haproxy }',
        'strategy:',
        '  kind: canary',
        '  steps: [ { setWeight: 10 }, { pause: {} }, { setWeight: 100 } ]',
    ].join('\n'));
    const userDataDir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-chromium-'));
    let context;
    (0, node_test_1.before)(async () => {
        context = await playwright_core_1.chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
    });
    (0, node_test_1.after)(async () => {
        await context?.close();
        (0, node_fs_1.rmSync)(userDataDir, { recursive: true, force: true });
        spec.remove();
        const { client, connection } = await (0, stack_1.temporalClient)();
        await client.workflow.getHandle(workflowId).terminate('ui test done').catch(() => undefined);
        await connection.close();
    });
    (0, node_test_1.test)('find the release by search attributes, see them and the abort signal in its history', async () => {
        const started = await (0, helpers_1.runCli)(['deploy', '-f', spec.file, '--task-queue', taskQueue, '--output', 'json']);
        strict_1.default.equal(started.code, 0, (0, helpers_1.describeResult)(started));
        const { runId, link } = JSON.parse(started.stdout);
        strict_1.default.equal(link, `${(0, config_1.temporalUiUrl)(stack_1.stack)}/namespaces/${stack_1.stack.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`);
        const aborted = await (0, helpers_1.runCli)(['abort', service, environment, '--reason', 'ui test abort', '--by', 'ui-test']);
        strict_1.default.equal(aborted.code, 0, (0, helpers_1.describeResult)(aborted));
        const page = await context.newPage();
        // 1. The list, filtered the way the README tells people to filter.
        const query = `WorkflowType = 'deployWorkflow' AND SluiceService = '${service}' AND SluiceEnvironment = '${environment}'`;
        await page.goto(`${(0, config_1.temporalUiUrl)(stack_1.stack)}/namespaces/${stack_1.stack.temporal.namespace}/workflows?query=${encodeURIComponent(query)}`);
        const row = page.getByRole('link', { name: workflowId });
        await row.first().waitFor({ timeout: 30_000 });
        await row.first().click();
        // 2. The workflow page: its type and the abort signal in the event history.
        await page.waitForURL(/\/workflows\/.+\/history/, { timeout: 30_000 });
        await page.getByText('deployWorkflow').first().waitFor({ timeout: 30_000 });
        await page.getByText('Workflow Execution Signaled').first().waitFor({ timeout: 30_000 });
        const body = await page.locator('body').innerText();
        strict_1.default.match(body, new RegExp(workflowId.replace(/[/.]/g, '\\$&')));
        strict_1.default.match(body, /\babort\b/);
        // 3. The search attributes tab.
        await page.getByRole('tab', { name: /Search Attributes/ }).or(page.getByText('Search Attributes', { exact: true })).first().click();
        await page.getByText('SluiceService').first().waitFor({ timeout: 15_000 });
        const attrs = await page.locator('body').innerText();
        strict_1.default.match(attrs, /SluiceService/);
        strict_1.default.match(attrs, new RegExp(service));
        strict_1.default.match(attrs, /SluiceEnvironment/);
        strict_1.default.match(attrs, /SluicePhase/);
        (0, node_fs_1.mkdirSync)((0, node_path_1.join)((0, stack_1.repoRoot)(), 'test-artifacts'), { recursive: true });
        await page.screenshot({ path: (0, node_path_1.join)((0, stack_1.repoRoot)(), 'test-artifacts', 'temporal-ui-deployment.png'), fullPage: true });
        // 4. The signal's payload (reason and who) is in the event's details.
        await page.goto(link);
        await page.getByText('Workflow Execution Signaled').first().click();
        await page.getByText('ui test abort').first().waitFor({ timeout: 15_000 });
        await page.screenshot({ path: (0, node_path_1.join)((0, stack_1.repoRoot)(), 'test-artifacts', 'temporal-ui-abort-signal.png'), fullPage: true });
    });
});
//# sourceMappingURL=temporal-ui.test.js.map