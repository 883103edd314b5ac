"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.spawnNode = spawnNode;
exports.waitForLine = waitForLine;
exports.killHard = killHard;
const node_child_process_1 = require("node:child_process");
/**
 * Starts a TypeScript or compiled entry point in a child process: under tsx (developing) the
 * resolved path ends in .ts and needs the tsx loader; under dist/ it is plain JS.
 */
function spawnNode(entry, args, env = process.env) {
    const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    return (0, node_child_process_1.spawn)(process.execPath, [...loader, entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}
/** Resolves once the child prints `marker` on stdout; rejects if it exits first. */
function waitForLine(child, marker, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
        let seen = '';
        let errors = '';
        const timer = setTimeout(() => reject(new Error(`child did not print "${marker}" within ${timeoutMs} ms: ${errors}`)), timeoutMs);
        child.stderr?.on('data', (c) => {
            errors = (errors + c.toString()).slice(-4000);
        });
        child.stdout?.on('data', (c) => {
            seen += c.toString();
            if (seen.includes(marker)) {
                clearTimeout(timer);
                resolve();
            }
        });
        child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`child exited with ${code} before printing "${marker}": ${errors}`));
        });
    });
}
async function killHard(child) {
    if (child.exitCode !== null || child.signalCode !== null)
        return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
}
//# sourceMappingURL=child.js.map