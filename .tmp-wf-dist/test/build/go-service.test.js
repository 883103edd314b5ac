"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_test_1 = require("node:test");
const node_util_1 = require("node:util");
const helpers_1 = require("./helpers");
const run = (0, node_util_1.promisify)(node_child_process_1.execFile);
/** The example's own Go checks, run by the node runner so one `npm test` covers them. */
(0, node_test_1.describe)('examples/go-service (go vet + go test)', { timeout: 300_000 }, () => {
    // The user's GOFLAGS/GOMODCACHE are honoured; only the toolchain is pinned to the local one.
    const env = { ...process.env, GOFLAGS: process.env.GOFLAGS || '-mod=readonly', GOTOOLCHAIN: 'local' };
    (0, node_test_1.it)('go vet is clean', async () => {
        await run('go', ['vet', './...'], { cwd: (0, helpers_1.exampleDir)(), env });
    });
    (0, node_test_1.it)('gofmt has nothing to say', async () => {
        const { stdout } = await run('gofmt', ['-l', '.'], { cwd: (0, helpers_1.exampleDir)(), env });
        strict_1.default.equal(stdout, '');
    });
    (0, node_test_1.it)('go test passes', async () => {
        const { stdout } = await run('go', ['test', '-count=1', './...'], { cwd: (0, helpers_1.exampleDir)(), env });
        strict_1.default.match(stdout, /^ok\s+\S+/m);
    });
});
//# sourceMappingURL=go-service.test.js.map