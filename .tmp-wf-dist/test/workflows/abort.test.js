"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const reasons_1 = require("../../src/domain/reasons");
const definitions_1 = require("../../src/workflows/definitions");
const ids_1 = require("../../src/workflows/ids");
const stack_1 = require("../helpers/stack");
const file_target_1 = require("./support/file-target");
const harness_1 = require("./support/harness");
let h;
(0, node_test_1.before)(async () => {
    h = await (0, harness_1.startHarness)({ buildMs: 8000 });
});
(0, node_test_1.after)(async () => {
    await h?.close();
});
const OLD = '1.0.0+aaaaaaa';
const NEW = '2.0.0+bbbbbbb';
const slowCanary = { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '30s' } }] };
const cases = [
    {
        name: 'building',
        overrides: (service) => ({
            source: { kind: 'build', repoDir: '/nonexistent', imageRepo: `127.0.0.1:5000/${service}` },
            target: { kind: 'docker', settings: {} },
            strategy: slowCanary,
        }),
        ready: (phase, _w, calls) => phase === 'building' && calls.includes('buildImage:start'),
        compensations: [],
        undoCalls: [],
    },
    {
        name: 'deploying (activity in flight)',
        overrides: () => ({ target: { kind: 'process', settings: { deployMs: 3000 } }, strategy: slowCanary }),
        ready: (phase) => phase === 'deploying',
        compensations: [`remove canary ${NEW}`],
        // The deploy call finishes first (a change is never cancelled halfway), then it is undone.
        undoCalls: ['deployCandidate', 'removeCandidate'],
    },
    {
        name: 'canary at 10%',
        overrides: () => ({ strategy: slowCanary }),
        ready: (phase, weight) => phase === 'canary' && weight === 10,
        compensations: ['send all traffic to stable', `remove canary ${NEW}`],
        undoCalls: ['setTrafficWeight:0', 'removeCandidate'],
    },
    {
        name: 'awaiting approval',
        overrides: () => ({ strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { setWeight: 50 }, { pause: {} }] } }),
        ready: (phase) => phase === 'awaiting-approval',
        compensations: ['send all traffic to stable', `remove canary ${NEW}`],
        undoCalls: ['setTrafficWeight:0', 'removeCandidate'],
    },
    {
        name: 'promoting (scale-down delay, old version still warm)',
        overrides: () => ({ strategy: { kind: 'canary', steps: [{ setWeight: 50 }], scaleDownDelay: '30s' } }),
        ready: (phase, _w, calls) => phase === 'promoting' && calls.includes('promoteCandidate'),
        compensations: [`restore ${OLD} as stable`, 'send all traffic to stable', `remove canary ${NEW}`],
        undoCalls: ['rollbackToRelease', 'setTrafficWeight:0', 'removeCandidate'],
    },
];
const callNames = (service) => (0, file_target_1.readCalls)(h.dir, service).map((c) => `${c.name}${c.weight !== undefined ? `:${c.weight}` : ''}`);
(0, node_test_1.describe)('an abort in any phase restores the old version and undoes in reverse order', { concurrency: true }, () => {
    for (const c of cases) {
        (0, node_test_1.test)(`abort while ${c.name}`, async () => {
            const service = (0, harness_1.newService)('abort');
            (0, harness_1.seedStable)(h, service, OLD);
            const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, NEW, c.overrides(service)));
            await (0, harness_1.waitForStatus)(handle, c.name, (st) => c.ready(st.phase, st.weight, callNames(service)), 60000);
            const before = callNames(service).length;
            await handle.signal(definitions_1.abortSignal, `test: abort while ${c.name}`, 'tester');
            const res = await (0, harness_1.result)(handle);
            strict_1.default.equal(res.outcome, 'aborted');
            strict_1.default.equal(res.reason, reasons_1.Reason.AbortedBySignal);
            strict_1.default.match(res.message, /aborted by tester/);
            strict_1.default.deepEqual(res.compensations, c.compensations);
            strict_1.default.ok(res.timeToRollbackMs !== null && res.timeToRollbackMs < 10000, `time to rollback ${res.timeToRollbackMs} ms`);
            const after = callNames(service).slice(before).filter((n) => !n.startsWith('buildImage'));
            strict_1.default.deepEqual(after, c.undoCalls);
            const state = (0, file_target_1.readState)(h.dir, service, 'test');
            strict_1.default.equal(state.stable?.version, OLD, 'the old version serves');
            strict_1.default.equal(state.canary, null, 'no canary left');
            strict_1.default.equal(state.preview, null);
            strict_1.default.deepEqual(state.warm, []);
            if (c.name === 'building') {
                strict_1.default.ok(!callNames(service).includes('deployCandidate'), 'nothing was deployed');
                // The build hears of the cancellation on its next heartbeat (throttled to 2s by the worker).
                await (0, stack_1.eventually)('the build activity to be cancelled', async () => (callNames(service).includes('buildImage:cancelled') ? true : undefined), 10000);
            }
            const status = await handle.query(definitions_1.statusQuery);
            strict_1.default.equal(status.phase, 'aborted');
            strict_1.default.equal(status.abortRequested?.by, 'tester');
        });
    }
});
(0, node_test_1.test)('an abort sent with the start is honoured before any work', async () => {
    const service = (0, harness_1.newService)('early');
    (0, harness_1.seedStable)(h, service, OLD);
    const s = (0, harness_1.spec)(service, NEW, { strategy: slowCanary });
    const handle = await h.client.workflow.signalWithStart('deployWorkflow', {
        taskQueue: h.taskQueue,
        workflowId: (0, ids_1.deployWorkflowId)(service, 'test'),
        args: [s],
        signal: definitions_1.abortSignal,
        signalArgs: ['changed my mind', 'ci'],
    });
    const res = await (0, harness_1.result)(handle);
    strict_1.default.equal(res.outcome, 'aborted');
    strict_1.default.equal(res.reason, reasons_1.Reason.AbortedBySignal);
    strict_1.default.deepEqual(res.compensations, []);
    strict_1.default.deepEqual((0, file_target_1.readCalls)(h.dir, service), [], 'no activity ran');
    strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, OLD);
});
(0, node_test_1.test)('a release whose /healthz fails is rolled back on its own', async () => {
    const service = (0, harness_1.newService)('unhealthy');
    (0, harness_1.seedStable)(h, service, OLD);
    const s = (0, harness_1.spec)(service, '2.0.0-bad+ccccccc', {
        strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '10s' } }, { setWeight: 100 }] },
        healthCheck: { interval: '200ms', failureThreshold: 3, timeout: '1s' },
    });
    const handle = await (0, harness_1.startDeploy)(h, s);
    const res = await (0, harness_1.result)(handle);
    strict_1.default.equal(res.outcome, 'rolled-back');
    strict_1.default.equal(res.reason, reasons_1.Reason.HealthCheckFailed);
    strict_1.default.match(res.message, /3 failed health probes in a row/);
    strict_1.default.match(res.message, /\/healthz 503/);
    strict_1.default.deepEqual(res.compensations, ['send all traffic to stable', 'remove canary 2.0.0-bad+ccccccc']);
    strict_1.default.ok((res.phaseDurations.analysing ?? 0) < 5000, 'rolled back long before the 10s window ended');
    const state = (0, file_target_1.readState)(h.dir, service, 'test');
    strict_1.default.equal(state.stable?.version, OLD);
    strict_1.default.equal(state.canary, null);
    const status = await handle.query(definitions_1.statusQuery);
    strict_1.default.equal(status.phase, 'rolled-back');
    strict_1.default.equal(status.lastCheck?.ok, false);
    strict_1.default.equal(status.lastCheck?.consecutiveFailures, 3);
    strict_1.default.ok(!callNames(service).includes('setTrafficWeight:100'), 'the later steps never ran');
});
//# sourceMappingURL=abort.test.js.map