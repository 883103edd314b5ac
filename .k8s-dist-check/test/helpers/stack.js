"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.repoRoot = exports.stack = void 0;
exports.dockerClient = dockerClient;
exports.temporalClient = temporalClient;
exports.uniqueName = uniqueName;
exports.freePort = freePort;
exports.eventually = eventually;
const node_net_1 = require("node:net");
const dockerode_1 = __importDefault(require("dockerode"));
const client_1 = require("@temporalio/client");
const paths_1 = require("../../src/lib/paths");
const config_1 = require("../../src/dev/config");
/** The shared embedded stack every end-to-end test talks to (started by scripts/test.sh). */
exports.stack = (0, config_1.loadStackConfig)();
/** The repository root, found from both test/ (tsx) and dist/test/ (compiled). */
exports.repoRoot = paths_1.packageRoot;
function dockerClient() {
    return new dockerode_1.default({ socketPath: exports.stack.docker.socket });
}
async function temporalClient() {
    const connection = await client_1.Connection.connect({ address: (0, config_1.temporalAddress)(exports.stack) });
    return { client: new client_1.Client({ connection, namespace: exports.stack.temporal.namespace }), connection };
}
/** A name no other test (or earlier run) uses: lowercase, safe for Docker, HAProxy and Temporal ids. */
function uniqueName(prefix) {
    return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
/** A loopback TCP port that is free right now (the OS picks it, so concurrent tests don't collide). */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = (0, node_net_1.createServer)();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}
async function eventually(what, fn, timeoutMs = 30000, everyMs = 250) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    for (;;) {
        try {
            const value = await fn();
            if (value !== undefined)
                return value;
        }
        catch (err) {
            lastError = err;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
        }
        await new Promise((r) => setTimeout(r, everyMs));
    }
}
//# sourceMappingURL=stack.js.map