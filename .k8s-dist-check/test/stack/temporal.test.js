"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const config_1 = require("../../src/dev/config");
const probe_1 = require("../../src/dev/probe");
const child_1 = require("../helpers/child");
const stack_1 = require("../helpers/stack");
const smoke_workflows_1 = require("./fixtures/smoke-workflows");
let client;
let connection;
const children = [];
(0, node_test_1.before)(async () => {
    ({ client, connection } = await (0, stack_1.temporalClient)());
});
(0, node_test_1.after)(async () => {
    await Promise.all(children.map(child_1.killHard));
    await connection?.close();
});
(0, node_test_1.test)('a timer-and-signal workflow completes after its worker is SIGKILLed and replaced', async () => {
    const taskQueue = (0, stack_1.uniqueName)('smoke');
    const workerEntry = require.resolve('./fixtures/smoke-worker');
    const first = (0, child_1.spawnNode)(workerEntry, [taskQueue]);
    children.push(first);
    await (0, child_1.waitForLine)(first, 'ready');
    const handle = await client.workflow.start('smokeWorkflow', {
        taskQueue,
        workflowId: (0, stack_1.uniqueName)('smoke-wf'),
        args: [4000],
    });
    // Wait until the first worker has run the workflow far enough to start the durable timer.
    await (0, stack_1.eventually)('the timer to start', async () => {
        const history = await handle.fetchHistory();
        return history.events?.some((e) => e.timerStartedEventAttributes) ? true : undefined;
    });
    await (0, child_1.killHard)(first);
    const second = (0, child_1.spawnNode)(workerEntry, [taskQueue]);
    children.push(second);
    await (0, child_1.waitForLine)(second, 'ready');
    await handle.signal(smoke_workflows_1.proceedSignal, 'after-restart');
    strict_1.default.equal(await handle.result(), 'timer fired, signal after-restart');
    const history = await handle.fetchHistory();
    const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
    strict_1.default.equal(identities[0], `smoke-${first.pid}`, 'the first worker started the workflow');
    strict_1.default.equal(identities.at(-1), `smoke-${second.pid}`, 'the replacement worker finished it');
});
(0, node_test_1.test)('the custom search attributes are registered', async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: stack_1.stack.temporal.namespace });
    for (const name of ['SluiceService', 'SluiceEnvironment', 'SluiceVersion', 'SluicePhase']) {
        strict_1.default.ok(customAttributes && name in customAttributes, `${name} is registered`);
    }
});
(0, node_test_1.test)('the Temporal Web UI answers on its port', async () => {
    const page = await (0, probe_1.httpGet)((0, config_1.temporalUiUrl)(stack_1.stack));
    strict_1.default.equal(page.status, 200);
    strict_1.default.match(page.body, /<html/i);
    const api = await (0, probe_1.httpGet)(`${(0, config_1.temporalUiUrl)(stack_1.stack)}/api/v1/namespaces/${stack_1.stack.temporal.namespace}`);
    strict_1.default.equal(api.status, 200, 'the UI server proxies the namespace API');
    strict_1.default.match(api.body, new RegExp(stack_1.stack.temporal.namespace));
});
//# sourceMappingURL=temporal.test.js.map