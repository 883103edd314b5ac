"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const result_1 = require("../../src/domain/result");
const validate_1 = require("../../src/domain/validate");
const ids_1 = require("../../src/workflows/ids");
const child_1 = require("../helpers/child");
const stack_1 = require("../helpers/stack");
const children = [];
(0, node_test_1.after)(async () => {
    await Promise.all(children.map(child_1.killHard));
});
/** Collects pino JSON lines from the child's stdout until one matches. */
function waitForLog(child, pred, timeoutMs = 120000) {
    return new Promise((resolve, reject) => {
        let buffer = '';
        let stderr = '';
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        child.stderr?.on('data', (c) => (stderr = (stderr + c.toString()).slice(-4000)));
        child.stdout?.on('data', (chunk) => {
            buffer += chunk.toString();
            let nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const line = buffer.slice(0, nl);
                buffer = buffer.slice(nl + 1);
                try {
                    const parsed = JSON.parse(line);
                    if (pred(parsed)) {
                        clearTimeout(timer);
                        resolve(parsed);
                    }
                }
                catch {
                    // not JSON: ignore
                }
            }
        });
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
    });
}
(0, node_test_1.test)('the worker entry point wires real clients, logs JSON, serves /metrics and drains on SIGTERM', { timeout: 180000 }, async () => {
    const taskQueue = (0, stack_1.uniqueName)('main');
    const child = (0, child_1.spawnNode)(require.resolve('../../src/worker/main'), ['--task-queue', taskQueue, '--metrics-port', '0']);
    children.push(child);
    const ready = await waitForLog(child, (l) => l.msg === 'sluice worker ready');
    strict_1.default.equal(ready.taskQueue, taskQueue);
    const metricsUrl = String(ready.metrics);
    strict_1.default.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(metricsUrl);
    strict_1.default.equal(res.status, 200);
    strict_1.default.match(await res.text(), /sluice_worker_process_cpu_seconds_total/);
    // A release through this worker reaches the (not yet wired) deploy activities and fails with a
    // clear reason instead of retrying forever; the workflow's log lines carry its ids.
    const { client, connection } = await (0, stack_1.temporalClient)();
    try {
        const service = (0, stack_1.uniqueName)('main').slice(0, 50);
        const spec = (0, validate_1.validateReleaseSpec)({
            service,
            environment: 'test',
            source: { kind: 'prebuilt', version: '1.0.0+aaaaaaa', binaryPath: '/nonexistent' },
            target: { kind: 'process' },
            strategy: { kind: 'recreate' },
        });
        const workflowId = (0, ids_1.deployWorkflowId)(service, 'test');
        const handle = await client.workflow.start('deployWorkflow', { taskQueue, workflowId, args: [spec] });
        const result = await (0, result_1.settleDeployment)(handle.result());
        if (result.outcome === 'failed' && result.errorType === 'SluiceDeployActivitiesMissing') {
            strict_1.default.match(result.message, /src\/activities\/deploy is not wired/);
        }
        else {
            // Once the deploy activities are wired, a prebuilt release with no binary cannot succeed.
            strict_1.default.notEqual(result.outcome, 'promoted', JSON.stringify(result));
        }
    }
    finally {
        await connection.close();
    }
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    strict_1.default.equal(await exited, 0, 'a drained worker exits cleanly');
});
//# sourceMappingURL=worker-main.test.js.map