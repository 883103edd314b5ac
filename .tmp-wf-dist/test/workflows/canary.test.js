"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const client_1 = require("@temporalio/client");
const common_1 = require("@temporalio/common");
const errors_1 = require("../../src/domain/errors");
const reasons_1 = require("../../src/domain/reasons");
const search_attributes_1 = require("../../src/domain/search-attributes");
const definitions_1 = require("../../src/workflows/definitions");
const ids_1 = require("../../src/workflows/ids");
const file_target_1 = require("./support/file-target");
const harness_1 = require("./support/harness");
let h;
(0, node_test_1.before)(async () => {
    h = await (0, harness_1.startHarness)();
});
(0, node_test_1.after)(async () => {
    await h?.close();
});
(0, node_test_1.test)('canary 10% → pause 2s → 50% → approve gate → 100% is promoted, old version retired', async () => {
    const service = (0, harness_1.newService)('canary');
    const old = (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
    const s = (0, harness_1.spec)(service, '1.1.0+bbbbbbb', {
        strategy: {
            kind: 'canary',
            steps: [{ setWeight: 10 }, { pause: { duration: '2s' } }, { setWeight: 50 }, { analysis: { window: '1s' } }, { pause: {} }],
            scaleDownDelay: '1s',
        },
    });
    const handle = await (0, harness_1.startDeploy)(h, s);
    // Before the gate: the approve update is refused, with a reason.
    await (0, harness_1.waitForStatus)(handle, 'the 10% step', (st) => st.weight === 10);
    await strict_1.default.rejects(handle.executeUpdate(definitions_1.approveUpdate, { args: ['alice'] }), (err) => {
        strict_1.default.ok(err instanceof client_1.WorkflowUpdateFailedError, `got ${String(err)}`);
        strict_1.default.ok(err.cause instanceof common_1.ApplicationFailure);
        strict_1.default.equal(err.cause.type, errors_1.SluiceErrorType.NotAwaitingApproval);
        strict_1.default.match(err.cause.message, /nothing awaits approval/);
        return true;
    });
    // During the pause the canary has 10% and the stable the rest.
    const during = (0, file_target_1.readState)(h.dir, service, 'test');
    strict_1.default.equal(during.canary?.release.version, '1.1.0+bbbbbbb');
    strict_1.default.equal(during.canary?.weight, 10);
    strict_1.default.equal(during.stable?.version, old.version);
    const gate = await (0, harness_1.waitForStatus)(handle, 'the approval gate', (st) => st.phase === 'awaiting-approval', 30000);
    strict_1.default.equal(gate.weight, 50);
    strict_1.default.equal(gate.awaitingApproval?.gate, 'canary step 5 (pause)');
    strict_1.default.equal(gate.stepIndex, 4);
    strict_1.default.equal(gate.lastCheck?.ok, true, 'the analysis step probed the canary');
    // Waiting for approval is durable: nothing moves without it.
    await new Promise((r) => setTimeout(r, 500));
    strict_1.default.equal((await handle.query(definitions_1.statusQuery)).phase, 'awaiting-approval');
    const ack = await handle.executeUpdate(definitions_1.approveUpdate, { args: ['alice'] });
    strict_1.default.equal(ack.approvedBy, 'alice');
    strict_1.default.equal(ack.gate, 'canary step 5 (pause)');
    const res = await (0, harness_1.result)(handle);
    strict_1.default.equal(res.outcome, 'promoted');
    strict_1.default.equal(res.reason, reasons_1.Reason.Promoted);
    strict_1.default.equal(res.release?.version, '1.1.0+bbbbbbb');
    strict_1.default.equal(res.previous?.version, old.version);
    strict_1.default.equal(res.timeToRollbackMs, null);
    strict_1.default.ok((res.phaseDurations.canary ?? 0) >= 2000, `canary phase lasted ${res.phaseDurations.canary} ms (pause 2s)`);
    strict_1.default.ok((res.phaseDurations['awaiting-approval'] ?? 0) >= 500);
    const final = (0, file_target_1.readState)(h.dir, service, 'test');
    strict_1.default.equal(final.stable?.version, '1.1.0+bbbbbbb');
    strict_1.default.equal(final.canary, null);
    strict_1.default.deepEqual(final.warm, [], 'the old stable was retired after the scale-down delay');
    const calls = (0, file_target_1.readCalls)(h.dir, service).map((c) => `${c.name}${c.weight !== undefined ? `:${c.weight}` : ''}`);
    strict_1.default.deepEqual(calls, [
        'currentRelease',
        'deployCandidate',
        'setTrafficWeight:10',
        'setTrafficWeight:50',
        'promoteCandidate',
        'retireRelease',
        'pruneReleases',
    ]);
    const status = await handle.query(definitions_1.statusQuery);
    strict_1.default.equal(status.phase, 'succeeded');
    strict_1.default.deepEqual(status.result, res);
    const types = status.events.map((e) => e.type);
    for (const t of ['started', 'approval-requested', 'approved', 'finished'])
        strict_1.default.ok(types.includes(t), `event ${t} logged`);
    const description = await handle.describe();
    strict_1.default.equal(description.typedSearchAttributes.get(search_attributes_1.SluiceService), service);
    strict_1.default.equal(description.typedSearchAttributes.get(search_attributes_1.SluiceVersion), '1.1.0+bbbbbbb');
    strict_1.default.equal(description.typedSearchAttributes.get(search_attributes_1.SluicePhase), 'succeeded');
});
(0, node_test_1.test)('a second release of the same service and environment is refused, naming the running workflow', async () => {
    const service = (0, harness_1.newService)('dup');
    (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
    const s = (0, harness_1.spec)(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] } });
    const first = await (0, harness_1.startDeploy)(h, s);
    await (0, harness_1.waitForStatus)(first, 'the gate', (st) => st.phase === 'awaiting-approval');
    await strict_1.default.rejects((0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.2.0+ccccccc')), (err) => {
        strict_1.default.ok(err instanceof client_1.WorkflowExecutionAlreadyStartedError, `got ${String(err)}`);
        strict_1.default.equal(err.workflowId, (0, ids_1.deployWorkflowId)(service, 'test'));
        strict_1.default.equal(err.workflowId, `deploy/${service}/test`);
        return true;
    });
    await first.signal('abort', 'test over', 'tester');
    const res = await (0, harness_1.result)(first);
    strict_1.default.equal(res.outcome, 'aborted');
    strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
});
//# sourceMappingURL=canary.test.js.map