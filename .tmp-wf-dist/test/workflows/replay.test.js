"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const worker_1 = require("@temporalio/worker");
const paths_1 = require("../../src/lib/paths");
const harness_1 = require("./support/harness");
const history_1 = require("./support/history");
/**
 * Versioning discipline: every recorded history must replay on the current workflow code. A
 * change that alters the commands an existing run produced fails here; such changes go behind
 * `patched()` (src/workflows), and histories are re-recorded with
 * test/workflows/support/record-histories.ts only when the old code path is finally removed.
 */
const dir = (0, node_path_1.join)((0, paths_1.packageRoot)(), 'test', 'histories');
const files = (0, node_fs_1.readdirSync)(dir).filter((f) => f.endsWith('.json')).sort();
(0, node_test_1.test)('recorded histories are present', () => {
    strict_1.default.ok(files.length >= 3, `expected recorded histories in ${dir}, found ${files.join(', ') || 'none'}`);
});
(0, node_test_1.test)('every recorded history replays on the current workflow code without nondeterminism', async () => {
    const histories = files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: (0, history_1.historyFromCliJson)(JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(dir, file), 'utf8'))) }));
    const results = worker_1.Worker.runReplayHistories({ workflowBundle: await (0, harness_1.workflowBundle)() }, histories);
    let replayed = 0;
    for await (const result of results) {
        replayed++;
        strict_1.default.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
    }
    strict_1.default.equal(replayed, files.length);
});
(0, node_test_1.test)('a history from different workflow code is detected as nondeterministic', async () => {
    // Guard against a replay test that cannot fail: swap the order of two commands in a recorded
    // history (the first activity becomes the second's type) and expect the replayer to object.
    const original = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(dir, 'canary-promoted.json'), 'utf8'));
    const scheduled = original.events.filter((e) => e.activityTaskScheduledEventAttributes);
    strict_1.default.ok(scheduled.length >= 2);
    scheduled[0].activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    await strict_1.default.rejects(worker_1.Worker.runReplayHistory({ workflowBundle: await (0, harness_1.workflowBundle)() }, (0, history_1.historyFromCliJson)(original), 'tampered'), /[Nn]ondeterminism|DeterminismViolation|does not match/);
});
//# sourceMappingURL=replay.test.js.map