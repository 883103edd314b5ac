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
const result_1 = require("../../src/domain/result");
const definitions_1 = require("../../src/workflows/definitions");
const ids_1 = require("../../src/workflows/ids");
const child_1 = require("../helpers/child");
const stack_1 = require("../helpers/stack");
const file_target_1 = require("./support/file-target");
const harness_1 = require("./support/harness");
const health_server_1 = require("./support/health-server");
let client;
let connection;
let health;
let dir;
const children = [];
(0, node_test_1.before)(async () => {
    ({ client, connection } = await (0, stack_1.temporalClient)());
    health = await (0, health_server_1.startHealthServer)();
    dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-crash-'));
});
(0, node_test_1.after)(async () => {
    await Promise.all(children.map(child_1.killHard));
    await connection?.close();
    await health?.close();
    if (dir)
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
});
(0, node_test_1.test)('a worker SIGKILLed during a health window is replaced and the release finishes correctly', { timeout: 180000 }, async () => {
    const taskQueue = (0, stack_1.uniqueName)('crash');
    const service = (0, stack_1.uniqueName)('crash').slice(0, 50);
    (0, file_target_1.writeState)(dir, service, 'test', { stable: (0, harness_1.release)(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
    const entry = require.resolve('./support/worker-process');
    const first = (0, child_1.spawnNode)(entry, [taskQueue, dir, health.base]);
    children.push(first);
    await (0, child_1.waitForLine)(first, 'ready', 120000);
    const s = (0, harness_1.spec)(service, '2.0.0+bbbbbbb', {
        strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '8s' } }, { setWeight: 60 }], scaleDownDelay: '1s' },
        healthCheck: { interval: '300ms', failureThreshold: 3, timeout: '1s' },
    });
    const handle = await client.workflow.start('deployWorkflow', { taskQueue, workflowId: (0, ids_1.deployWorkflowId)(service, 'test'), args: [s] });
    await (0, stack_1.eventually)('the health window to be running', async () => {
        const st = await handle.query(definitions_1.statusQuery);
        return st.phase === 'analysing' && st.lastCheck?.ok ? st : undefined;
    }, 60000, 100);
    const hitsBefore = health.hits();
    await (0, child_1.killHard)(first);
    // Nobody runs the workflow for a moment; its timers keep running in the server.
    await new Promise((r) => setTimeout(r, 1500));
    const second = (0, child_1.spawnNode)(entry, [taskQueue, dir, health.base]);
    children.push(second);
    await (0, child_1.waitForLine)(second, 'ready', 120000);
    const res = await (0, result_1.settleDeployment)(handle.result());
    strict_1.default.equal(res.outcome, 'promoted', res.message);
    strict_1.default.ok((res.phaseDurations.analysing ?? 0) >= 8000, `the whole 8s window ran (${res.phaseDurations.analysing} ms)`);
    strict_1.default.ok(health.hits() > hitsBefore, 'the replacement worker kept probing');
    const state = (0, file_target_1.readState)(dir, service, 'test');
    strict_1.default.equal(state.stable?.version, '2.0.0+bbbbbbb');
    strict_1.default.equal(state.canary, null);
    strict_1.default.deepEqual(state.warm, []);
    const weights = (0, file_target_1.readCalls)(dir, service).filter((c) => c.name === 'setTrafficWeight').map((c) => c.weight);
    strict_1.default.deepEqual(weights, [20, 60], 'each step ran exactly once across both workers');
    const history = await handle.fetchHistory();
    const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
    strict_1.default.equal(identities[0], `wf-worker-${first.pid}`);
    strict_1.default.equal(identities.at(-1), `wf-worker-${second.pid}`);
});
//# sourceMappingURL=crash.test.js.map