"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Records the histories replayed by test/workflows/replay.test.ts. Run it only when a workflow
 * change is meant to be incompatible with earlier runs (after `patched()` has had its time):
 *   npx tsx test/workflows/support/record-histories.ts
 * It runs each scenario against the dev server and writes test/histories/<name>.json.
 */
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const node_child_process_1 = require("node:child_process");
const config_1 = require("../../../src/dev/config");
const temporal_1 = require("../../../src/dev/components/temporal");
const paths_1 = require("../../../src/lib/paths");
const definitions_1 = require("../../../src/workflows/definitions");
const harness_1 = require("./harness");
const scenarios = {
    // Every canary step kind, an approval via update, and the scale-down timer.
    'canary-promoted': async (h) => {
        const service = (0, harness_1.newService)('rec-canary');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', {
            strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '1s' } }, { analysis: { window: '1s' } }, { setWeight: 50 }, { pause: {} }], scaleDownDelay: '1s' },
        }));
        await (0, harness_1.waitForStatus)(handle, 'gate', (s) => s.phase === 'awaiting-approval');
        await handle.executeUpdate(definitions_1.approveUpdate, { args: ['recorder'] });
        await (0, harness_1.result)(handle);
        return { workflowId: handle.workflowId };
    },
    // A failing health window and the compensations.
    'canary-health-rollback': async (h) => {
        const service = (0, harness_1.newService)('rec-bad');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '2.0.0-bad+ccccccc', { strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '5s' } }] } }));
        await (0, harness_1.result)(handle);
        return { workflowId: handle.workflowId };
    },
    // Blue-green with preview checks, a manual gate and an abort at the gate.
    'blue-green-aborted': async (h) => {
        const service = (0, harness_1.newService)('rec-bg');
        (0, harness_1.seedStable)(h, service, '1.0.0+aaaaaaa');
        const handle = await (0, harness_1.startDeploy)(h, (0, harness_1.spec)(service, '1.1.0+bbbbbbb', { strategy: { kind: 'blueGreen', autoPromote: false, previewChecks: { window: '1s' } } }));
        await (0, harness_1.waitForStatus)(handle, 'gate', (s) => s.phase === 'awaiting-approval');
        await handle.signal('abort', 'recording', 'recorder');
        await (0, harness_1.result)(handle);
        return { workflowId: handle.workflowId };
    },
};
async function main() {
    const h = await (0, harness_1.startHarness)({ buildMs: 0 });
    try {
        for (const [name, run] of Object.entries(scenarios)) {
            const { workflowId } = await run(h);
            // The CLI writes the standard JSON history format (the SDK's historyToJSON trips over two
            // protobufjs copies in node_modules).
            const config = (0, config_1.loadStackConfig)();
            const json = (0, node_child_process_1.execFileSync)((0, temporal_1.temporalBinary)(config), ['workflow', 'show', '--address', (0, config_1.temporalAddress)(config), '--namespace', config.temporal.namespace, '--workflow-id', workflowId, '--output', 'json'], { encoding: 'utf8' });
            const path = (0, node_path_1.join)((0, paths_1.packageRoot)(), 'test', 'histories', `${name}.json`);
            (0, node_fs_1.writeFileSync)(path, json.endsWith('\n') ? json : `${json}\n`);
            console.log(`recorded ${workflowId} → ${path}`);
        }
    }
    finally {
        await h.close();
    }
}
main().catch((err) => {
    console.error(err);
    process.exit(1);
});
//# sourceMappingURL=record-histories.js.map