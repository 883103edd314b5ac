"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const promises_1 = require("node:fs/promises");
const node_http_1 = require("node:http");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const child_1 = require("../helpers/child");
const stack_1 = require("../helpers/stack");
const cli = require.resolve('../../src/cli/main');
const cleanups = [];
(0, node_test_1.after)(async () => {
    for (const c of cleanups)
        await c();
});
function runCli(args, env = {}) {
    const child = (0, child_1.spawnNode)(cli, args, { ...process.env, ...env });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => (stdout += c.toString()));
    child.stderr?.on('data', (c) => (stderr += c.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
async function scratchStateDir() {
    const dir = await (0, promises_1.mkdtemp)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-state-'));
    cleanups.push(() => (0, promises_1.rm)(dir, { recursive: true, force: true }));
    return dir;
}
(0, node_test_1.test)('dev status lists every component healthy with its URL', async () => {
    const { code, stdout } = await runCli(['dev', 'status', '--output', 'json']);
    const rows = JSON.parse(stdout);
    strict_1.default.deepEqual(rows.map((r) => r.name), ['temporal', 'dockerd', 'registry', 'prometheus', 'haproxy']);
    for (const row of rows)
        strict_1.default.ok(row.healthy, `${row.name} is healthy`);
    strict_1.default.match(rows[0].url, new RegExp(`127\\.0\\.0\\.1:${stack_1.stack.temporal.uiPort}`));
    strict_1.default.equal(code, 0);
});
(0, node_test_1.test)('dev up on a running stack reuses every component instead of starting a second copy', async () => {
    const { code, stdout } = await runCli(['dev', 'up', '--output', 'json']);
    strict_1.default.equal(code, 0);
    const result = JSON.parse(stdout);
    for (const [name, how] of Object.entries(result))
        strict_1.default.match(how, /^reused/, `${name} was reused`);
});
(0, node_test_1.test)('a port held by something else is reported, never started over', async () => {
    const port = await (0, stack_1.freePort)();
    const squatter = (0, node_http_1.createServer)((_req, res) => res.end('not prometheus'));
    await new Promise((r) => squatter.listen(port, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => squatter.close(r)));
    const { code, stderr } = await runCli(['dev', 'up', '--only', 'prometheus'], {
        SLUICE_STATE_DIR: await scratchStateDir(),
        SLUICE_PROMETHEUS_PORT: String(port),
    });
    strict_1.default.equal(code, 1);
    strict_1.default.match(stderr, new RegExp(`port 127\\.0\\.0\\.1:${port} is already taken`));
});
(0, node_test_1.test)('a missing binary is named together with the command that installs it', async () => {
    const { code, stderr } = await runCli(['dev', 'up', '--only', 'temporal'], {
        SLUICE_STATE_DIR: await scratchStateDir(),
        SLUICE_TEMPORAL_PORT: String(await (0, stack_1.freePort)()),
        SLUICE_TEMPORAL_UI_PORT: String(await (0, stack_1.freePort)()),
        SLUICE_TEMPORAL_BIN: '/nonexistent/temporal',
    });
    strict_1.default.equal(code, 1);
    strict_1.default.match(stderr, /Temporal CLI v1\.5\.1 \(\/nonexistent\/temporal\) is missing: run `npm run bootstrap`/);
});
(0, node_test_1.test)('a bad port setting is refused with the variable name', async () => {
    const { code, stderr } = await runCli(['dev', 'status'], { SLUICE_REGISTRY_PORT: 'abc' });
    strict_1.default.equal(code, 1);
    strict_1.default.match(stderr, /SLUICE_REGISTRY_PORT must be a TCP port/);
});
//# sourceMappingURL=stack-manager.test.js.map