"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.spawnDaemon = spawnDaemon;
exports.isAlive = isAlive;
exports.livePid = livePid;
exports.stopDaemon = stopDaemon;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const promises_1 = require("node:timers/promises");
/** Starts a long-running daemon detached from this process, logging to one file, pid in another. */
function spawnDaemon(opts) {
    (0, node_fs_1.mkdirSync)((0, node_path_1.dirname)(opts.logFile), { recursive: true });
    (0, node_fs_1.mkdirSync)((0, node_path_1.dirname)(opts.pidFile), { recursive: true });
    const log = (0, node_fs_1.openSync)(opts.logFile, 'a');
    try {
        const child = (0, node_child_process_1.spawn)(opts.command, opts.args, {
            cwd: opts.cwd,
            env: opts.env ?? process.env,
            detached: true,
            stdio: ['ignore', log, log],
        });
        if (child.pid === undefined)
            throw new Error(`could not start ${opts.command}`);
        child.unref();
        (0, node_fs_1.writeFileSync)(opts.pidFile, `${child.pid}\n`);
        return child.pid;
    }
    finally {
        (0, node_fs_1.closeSync)(log);
    }
}
function isAlive(pid) {
    try {
        process.kill(pid, 0);
        // A zombie still answers signal 0; treat it as dead.
        const stat = (0, node_fs_1.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        return !/^\d+ \(.*\) Z/.test(stat);
    }
    catch {
        return false;
    }
}
/** The pid recorded in a pid file, or undefined when the file is missing or the process is gone. */
function livePid(pidFile) {
    if (!(0, node_fs_1.existsSync)(pidFile))
        return undefined;
    const pid = Number((0, node_fs_1.readFileSync)(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid))
        return undefined;
    return pid;
}
/** SIGTERM, wait up to graceMs, then SIGKILL; removes the pid file. Returns true if it was running. */
async function stopDaemon(pidFile, graceMs = 15000) {
    const pid = livePid(pidFile);
    if (pid === undefined) {
        (0, node_fs_1.rmSync)(pidFile, { force: true });
        return false;
    }
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline)
        await (0, promises_1.setTimeout)(100);
    if (isAlive(pid)) {
        process.kill(pid, 'SIGKILL');
        while (isAlive(pid))
            await (0, promises_1.setTimeout)(50);
    }
    (0, node_fs_1.rmSync)(pidFile, { force: true });
    return true;
}
//# sourceMappingURL=process.js.map