"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const reasons_1 = require("../../src/domain/reasons");
const errors_1 = require("../../src/domain/errors");
const definitions_1 = require("../../src/workflows/definitions");
const metrics_1 = require("../../src/worker/metrics");
const file_target_1 = require("./support/file-target");
const harness_1 = require("./support/harness");
let h;
const metrics = (0, metrics_1.createWorkerMetrics)();
let metricsUrl;
let closeMetrics;
(0, node_test_1.before)(async () => {
    h = await (0, harness_1.startHarness)({ metrics });
    const served = await (0, metrics_1.serveMetrics)(metrics, { port: 0 });
    metricsUrl = served.url;
    closeMetrics = () => served.server.close();
});
(0, node_test_1.after)(async () => {
    closeMetrics?.();
    await h?.close();
});
const names = (service) => (0, file_target_1.readCalls)(h.dir, service).map((c) => `${c.name}${c.role ? `:${c.role}` : ''}${c.weight !== undefined ? `:${c.weight}` : ''}`);
(0, node_test_1.describe)('strategies', { concurrency: true }, () => {
    (0, node_test_1.test)('blueGreen: preview, checks, manual gate approved by signal, switch, post-promotion check, old kept warm then retired', async () => {
        const service = (0, harness_1.newService)('bg');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', {
            strategy: { kind: 'blueGreen', autoPromote: false, previewChecks: { window: '1s' }, postPromotionChecks: { window: '1s' }, scaleDownDelay: '2s' },
        }));
        await (0, harness_1.waitForStatus)(handle, 'the promotion gate', (s) => s.phase === 'awaiting-approval');
        const st = (0, file_target_1.readState)(h.dir, service, 'test');
        strict_1.default.equal(st.preview?.version, '1.1.0+bbbbbbb');
        strict_1.default.equal(st.stable?.version, '1.0.0+aaaaaaa', 'the old version serves until the switch');
        await handle.signal(definitions_1.approveSignal, 'bob');
        await (0, harness_1.waitForStatus)(handle, 'the scale-down delay', (s) => s.phase === 'promoting' && s.weight === 100);
        const warm = (0, file_target_1.readState)(h.dir, service, 'test');
        strict_1.default.equal(warm.stable?.version, '1.1.0+bbbbbbb');
        strict_1.default.deepEqual(warm.warm.map((r) => r.version), ['1.0.0+aaaaaaa'], 'the old version stays warm during the delay');
        const res = await (0, harness_1.result)(handle);
        strict_1.default.equal(res.outcome, 'promoted');
        strict_1.default.deepEqual(names(service), ['currentRelease', 'deployCandidate:preview', 'promoteCandidate:preview', 'retireRelease', 'pruneReleases']);
        strict_1.default.deepEqual((0, file_target_1.readState)(h.dir, service, 'test').warm, []);
    });
    (0, node_test_1.test)('recreate: stops the old version first, starts and checks the new one', async () => {
        const service = (0, harness_1.newService)('rc');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const res = await (0, harness_1.result)(await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', { strategy: { kind: 'recreate', checks: { window: '1s' } } })));
        strict_1.default.equal(res.outcome, 'promoted');
        strict_1.default.deepEqual(names(service), ['currentRelease', 'retireRelease', 'deployCandidate:canary', 'promoteCandidate:canary', 'retireRelease', 'pruneReleases']);
        strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.1.0+bbbbbbb');
    });
    (0, node_test_1.test)('recreate of a bad release restarts the old version', async () => {
        const service = (0, harness_1.newService)('rcbad');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const res = await (0, harness_1.result)(await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0-bad+bbbbbbb', { strategy: { kind: 'recreate' } })));
        strict_1.default.equal(res.outcome, 'rolled-back');
        strict_1.default.deepEqual(res.compensations, ['remove canary 1.1.0-bad+bbbbbbb', 'restart 1.0.0+aaaaaaa as stable']);
        strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
    });
    (0, node_test_1.test)('first release: no stable yet, so steps are skipped and the release is checked and promoted', async () => {
        const service = (0, harness_1.newService)('first');
        const res = await (0, harness_1.result)(await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '0.1.0+aaaaaaa')));
        strict_1.default.equal(res.outcome, 'promoted');
        strict_1.default.equal(res.previous, null);
        strict_1.default.deepEqual(names(service), ['currentRelease', 'deployCandidate:canary', 'promoteCandidate:canary', 'pruneReleases']);
    });
    (0, node_test_1.test)('the live version again is a no-op', async () => {
        const service = (0, harness_1.newService)('same');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const res = await (0, harness_1.result)(await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.0.0+aaaaaaa')));
        strict_1.default.equal(res.outcome, 'promoted');
        strict_1.default.equal(res.reason, reasons_1.Reason.AlreadyLive);
        strict_1.default.deepEqual(names(service), ['currentRelease']);
    });
    (0, node_test_1.test)('pause holds at the next step boundary until resume', async () => {
        const service = (0, harness_1.newService)('pause');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '1s' } }, { setWeight: 30 }] } }));
        await handle.signal(definitions_1.pauseSignal, 'ops');
        const paused = await (0, harness_1.waitForStatus)(handle, 'paused', (s) => s.phase === 'paused');
        strict_1.default.equal(paused.paused, true);
        await new Promise((r) => setTimeout(r, 1500));
        const still = await handle.query(definitions_1.statusQuery);
        strict_1.default.equal(still.phase, 'paused', 'no progress while paused');
        strict_1.default.ok(!names(service).includes('setTrafficWeight:30'));
        await handle.signal(definitions_1.resumeSignal, 'ops');
        const res = await (0, harness_1.result)(handle);
        strict_1.default.equal(res.outcome, 'promoted');
        strict_1.default.ok((res.phaseDurations.paused ?? 0) >= 1500);
    });
    (0, node_test_1.test)('an approval gate nobody answers rolls back after the approval timeout', async () => {
        const service = (0, harness_1.newService)('timeout');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const res = await (0, harness_1.result)(await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', {
            strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
            approval: { timeout: '1s' },
        })));
        strict_1.default.equal(res.outcome, 'rolled-back');
        strict_1.default.equal(res.reason, reasons_1.Reason.ApprovalTimedOut);
        strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
    });
    (0, node_test_1.test)('approvers are enforced: the signal from someone else is ignored and logged', async () => {
        const service = (0, harness_1.newService)('approver');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', {
            strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
            approval: { approvers: ['alice'] },
        }));
        await (0, harness_1.waitForStatus)(handle, 'the gate', (s) => s.phase === 'awaiting-approval');
        await handle.signal(definitions_1.approveSignal, 'mallory');
        const ignored = await (0, harness_1.waitForStatus)(handle, 'the ignored approval', (s) => s.events.some((e) => e.type === 'approval-ignored'));
        strict_1.default.equal(ignored.phase, 'awaiting-approval');
        strict_1.default.match(ignored.events.find((e) => e.type === 'approval-ignored').message, /mallory may not approve/);
        await handle.signal(definitions_1.approveSignal, 'alice');
        strict_1.default.equal((await (0, harness_1.result)(handle)).outcome, 'promoted');
    });
    (0, node_test_1.test)('a release past its deadline fails after rolling back, and the failure carries the result', async () => {
        const service = (0, harness_1.newService)('deadline');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', {
            strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '30s' } }] },
            deadline: '2s',
        }));
        await strict_1.default.rejects(handle.result(), (err) => {
            strict_1.default.equal(err.cause?.type, errors_1.SluiceErrorType.DeploymentFailed);
            return true;
        });
        const res = await (0, harness_1.result)(handle);
        strict_1.default.equal(res.outcome, 'failed');
        strict_1.default.equal(res.reason, reasons_1.Reason.DeadlineExceeded);
        strict_1.default.deepEqual(res.compensations, ['send all traffic to stable', 'remove canary 1.1.0+bbbbbbb']);
        strict_1.default.equal((0, file_target_1.readState)(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
        const described = await handle.describe();
        strict_1.default.equal(described.status.name, 'FAILED', 'the Temporal UI shows it failed');
    });
});
(0, node_test_1.test)('a non-retryable activity error undoes everything, then fails the workflow with the result attached', async () => {
    const service = (0, harness_1.newService)('broken');
    (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
    const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', {
        target: { kind: 'process', settings: { failPromote: true } },
        strategy: { kind: 'canary', steps: [{ setWeight: 25 }] },
    }));
    const res = await (0, harness_1.result)(handle);
    strict_1.default.equal(res.outcome, 'failed');
    strict_1.default.equal(res.reason, reasons_1.Reason.ActivityFailed);
    strict_1.default.equal(res.errorType, 'TestPromoteRefused');
    strict_1.default.match(res.message, /the router refused the new backend/);
    strict_1.default.deepEqual(res.compensations, ['restore 1.0.0+aaaaaaa as stable', 'send all traffic to stable', 'remove canary 1.1.0+bbbbbbb']);
    const state = (0, file_target_1.readState)(h.dir, service, 'test');
    strict_1.default.equal(state.stable?.version, '1.0.0+aaaaaaa');
    strict_1.default.equal(state.canary, null);
    strict_1.default.equal((await handle.describe()).status.name, 'FAILED');
    strict_1.default.equal((await handle.query(definitions_1.statusQuery)).phase, 'failed');
});
(0, node_test_1.test)('the worker exports activity metrics on /metrics', async () => {
    const res = await fetch(metricsUrl);
    strict_1.default.equal(res.status, 200);
    const body = await res.text();
    strict_1.default.match(body, /sluice_activity_duration_seconds_count\{activity="deployCandidate",outcome="ok"\} [1-9]/);
    strict_1.default.match(body, /sluice_activity_started_total\{activity="promoteCandidate"\} [1-9]/);
    strict_1.default.match(body, /sluice_worker_process_cpu_seconds_total/);
});
//# sourceMappingURL=strategies.test.js.map