"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Supervisor = exports.PidRecord = void 0;
exports.isSameProcess = isSameProcess;
const node_child_process_1 = require("node:child_process");
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const zod_1 = require("zod");
const activity_context_1 = require("./activity-context");
/**
 * A small process supervisor whose only memory is its state directory: one pid file (JSON) per
 * slot, one log per version and slot. A pid file is believed only when /proc says that pid is
 * still the same program started at the same time, so a reused pid is never signalled.
 */
exports.PidRecord = zod_1.z.object({
    pid: zod_1.z.number().int().positive(),
    /** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
    startTime: zod_1.z.string(),
    binary: zod_1.z.string(),
    slot: zod_1.z.string(),
    version: zod_1.z.string(),
    port: zod_1.z.number().int(),
    generation: zod_1.z.number(),
    configHash: zod_1.z.string(),
    workflowId: zod_1.z.string(),
    log: zod_1.z.string(),
});
class Supervisor {
    dir;
    constructor(dir) {
        this.dir = dir;
    }
    pidFile(slot) {
        return (0, node_path_1.join)(this.dir, 'run', `${slot}.json`);
    }
    async list() {
        let names;
        try {
            names = await (0, promises_1.readdir)((0, node_path_1.join)(this.dir, 'run'));
        }
        catch {
            return [];
        }
        const out = [];
        for (const name of names.filter((n) => n.endsWith('.json'))) {
            try {
                const record = exports.PidRecord.parse(JSON.parse(await (0, promises_1.readFile)((0, node_path_1.join)(this.dir, 'run', name), 'utf8')));
                out.push({ record, alive: await isSameProcess(record) });
            }
            catch {
                // a torn or foreign file: not a process of ours
            }
        }
        return out;
    }
    /** Starts `binary` detached (it outlives this worker), records it, returns the record. */
    async start(input) {
        await (0, promises_1.mkdir)((0, node_path_1.join)(this.dir, 'run'), { recursive: true });
        await (0, promises_1.mkdir)((0, node_path_1.join)(this.dir, 'logs'), { recursive: true });
        const log = (0, node_path_1.join)(this.dir, 'logs', `${input.version.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${input.slot}.log`);
        const fh = await (0, promises_1.open)(log, 'a');
        try {
            const child = (0, node_child_process_1.spawn)(input.binary, [], {
                detached: true,
                stdio: ['ignore', fh.fd, fh.fd],
                env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...input.env },
            });
            await new Promise((resolve, reject) => {
                child.once('spawn', resolve);
                child.once('error', reject);
            });
            child.unref();
            const pid = child.pid;
            const record = { ...input, pid, startTime: (await procStartTime(pid)) ?? '', log };
            const file = this.pidFile(input.slot);
            await (0, promises_1.writeFile)(`${file}.tmp`, JSON.stringify(record));
            await (0, promises_1.rename)(`${file}.tmp`, file);
            return record;
        }
        finally {
            await fh.close();
        }
    }
    /** SIGTERM to the process group, SIGKILL after `timeoutMs`; then forgets the pid file. */
    async stop(record, timeoutMs) {
        if (await isSameProcess(record)) {
            signalGroup(record.pid, 'SIGTERM');
            const deadline = Date.now() + timeoutMs;
            while ((await isSameProcess(record)) && Date.now() < deadline)
                await (0, activity_context_1.sleepMs)(50);
            if (await isSameProcess(record)) {
                signalGroup(record.pid, 'SIGKILL');
                while (await isSameProcess(record))
                    await (0, activity_context_1.sleepMs)(20);
            }
        }
        await this.forget(record);
    }
    async forget(record) {
        // Only remove the pid file if it still names this process (a newer start may have replaced it).
        try {
            const current = exports.PidRecord.parse(JSON.parse(await (0, promises_1.readFile)(this.pidFile(record.slot), 'utf8')));
            if (current.pid !== record.pid || current.startTime !== record.startTime)
                return;
        }
        catch {
            return;
        }
        await (0, promises_1.rm)(this.pidFile(record.slot), { force: true });
    }
}
exports.Supervisor = Supervisor;
function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    }
    catch {
        try {
            process.kill(pid, signal);
        }
        catch {
            // already gone
        }
    }
}
async function procStartTime(pid) {
    try {
        const stat = await (0, promises_1.readFile)(`/proc/${pid}/stat`, 'utf8');
        // The command name (field 2) may contain spaces; fields after the last ')' are fixed.
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (rest[0] === 'Z')
            return undefined; // a zombie has exited
        return rest[19];
    }
    catch {
        return undefined;
    }
}
/** The pid is alive, not a zombie, started when recorded and runs the recorded binary. */
async function isSameProcess(record) {
    const start = await procStartTime(record.pid);
    if (start === undefined || (record.startTime !== '' && start !== record.startTime))
        return false;
    try {
        const argv0 = (await (0, promises_1.readFile)(`/proc/${record.pid}/cmdline`, 'utf8')).split('\0')[0];
        return argv0 === record.binary;
    }
    catch {
        return false;
    }
}
//# sourceMappingURL=supervisor.js.map