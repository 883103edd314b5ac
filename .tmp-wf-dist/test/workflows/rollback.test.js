"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const reasons_1 = require("../../src/domain/reasons");
const result_1 = require("../../src/domain/result");
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
function rollback(service, toVersion) {
    const request = {
        service,
        environment: 'test',
        target: { kind: 'process', settings: {} },
        router: { kind: 'none', settings: {} },
        ...(toVersion ? { toVersion } : {}),
    };
    return h.client.workflow.execute('rollbackWorkflow', {
        taskQueue: h.taskQueue,
        workflowId: `${(0, ids_1.rollbackWorkflowId)(service, 'test')}/${Date.now()}`,
        args: [request],
    });
}
(0, node_test_1.test)('rollbackWorkflow goes back to the previous retained release, or to a named one', async () => {
    const service = (0, harness_1.newService)('rb');
    (0, harness_1.seedStable)(h, service, '1.4.3+ccccccc');
    (0, file_target_1.writeRetained)(h.dir, service, ['1.4.3+ccccccc', '1.4.2+bbbbbbb', '1.4.1+aaaaaaa'].map((v) => (0, harness_1.release)(service, v)));
    const back = await rollback(service);
    strict_1.default.equal(back.outcome, 'rolled-back');
    strict_1.default.equal(back.reason, reasons_1.Reason.RolledBackToRelease);
    strict_1.default.equal(back.from?.version, '1.4.3+ccccccc');
    strict_1.default.equal(back.to?.version, '1.4.2+bbbbbbb');
    strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.4.2+bbbbbbb');
    const named = await rollback(service, 'v1.4.1');
    strict_1.default.equal(named.to?.version, '1.4.1+aaaaaaa');
    strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.4.1+aaaaaaa');
    const calls = (0, file_target_1.readCalls)(h.dir, service).filter((c) => c.name === 'rollbackToRelease');
    strict_1.default.deepEqual(calls.map((c) => [c.version, c.note]), [['1.4.2+bbbbbbb', '1.4.3+ccccccc'], ['1.4.1+aaaaaaa', '1.4.2+bbbbbbb']]);
});
(0, node_test_1.test)('rolling back to a version that is not retained fails with the list of what is', async () => {
    const service = (0, harness_1.newService)('rbmiss');
    (0, harness_1.seedStable)(h, service, '1.4.3+ccccccc');
    (0, file_target_1.writeRetained)(h.dir, service, [(0, harness_1.release)(service, '1.4.3+ccccccc')]);
    await strict_1.default.rejects(rollback(service, '0.9.0'), (err) => {
        const res = (0, result_1.rollbackResultFromError)(err);
        strict_1.default.ok(res, `a RollbackResult rides on the failure: ${String(err)}`);
        strict_1.default.equal(res.outcome, 'failed');
        strict_1.default.equal(res.reason, reasons_1.Reason.ReleaseNotRetained);
        strict_1.default.match(res.message, /0\.9\.0 is not a retained release \(retained: 1\.4\.3\+ccccccc\)/);
        return true;
    });
    strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.4.3+ccccccc', 'nothing changed');
});
//# sourceMappingURL=rollback.test.js.map