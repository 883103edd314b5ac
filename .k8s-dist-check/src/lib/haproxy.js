"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.haproxyCommand = haproxyCommand;
exports.haproxyAction = haproxyAction;
exports.serverStates = serverStates;
exports.backendNames = backendNames;
exports.checkConfig = checkConfig;
exports.reloadAndWait = reloadAndWait;
exports.workerPid = workerPid;
exports.applyFragment = applyFragment;
exports.removeFragment = removeFragment;
const node_child_process_1 = require("node:child_process");
const promises_1 = require("node:fs/promises");
const node_net_1 = require("node:net");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const execFileAsync = (0, node_util_1.promisify)(node_child_process_1.execFile);
/**
 * Talks to HAProxy's runtime API (the `stats socket ... level admin` socket) or its master CLI.
 * In non-interactive mode HAProxy answers one command and closes the connection, so a request is
 * "write the line, read until EOF".
 */
async function haproxyCommand(socketPath, command, timeoutMs = 5000) {
    if (/[\r\n]/.test(command))
        throw new Error(`HAProxy command must be a single line: ${JSON.stringify(command)}`);
    return new Promise((resolvePromise, reject) => {
        const socket = (0, node_net_1.createConnection)(socketPath);
        const chunks = [];
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new Error(`HAProxy socket ${socketPath} did not answer "${command}" within ${timeoutMs} ms`));
        }, timeoutMs);
        // Half-close after the command: the master CLI answers only once it sees the end of input.
        socket.on('connect', () => socket.end(`${command}\n`));
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', (err) => {
            clearTimeout(timer);
            reject(new Error(`HAProxy socket ${socketPath}: ${err.message}`));
        });
        socket.on('close', () => {
            clearTimeout(timer);
            resolvePromise(Buffer.concat(chunks).toString('utf8'));
        });
    });
}
/** Runs a runtime-API command whose success is an empty answer (set server ..., enable ...). */
async function haproxyAction(socketPath, command) {
    const answer = (await haproxyCommand(socketPath, command)).trim();
    // Successful "set" commands answer nothing; some versions echo a short informational line.
    if (answer !== '' && !/^(New|Server|Health|Agent)\b.*(updated|changed|set)/i.test(answer)) {
        throw new Error(`HAProxy refused "${command}": ${answer}`);
    }
}
/** Parses `show servers state <backend>` (format version 1). */
async function serverStates(adminSocket, backend) {
    const text = await haproxyCommand(adminSocket, backend ? `show servers state ${backend}` : 'show servers state');
    const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    const rows = [];
    for (const line of lines) {
        const f = line.trim().split(/\s+/);
        if (f.length < 19 || !/^\d+$/.test(f[0]))
            continue; // the first line is the format version
        rows.push({
            backend: f[1],
            server: f[3],
            address: f[4],
            operState: Number(f[5]),
            adminState: Number(f[6]),
            weight: Number(f[7]),
            port: Number(f[18]),
        });
    }
    return rows;
}
async function backendNames(adminSocket) {
    const text = await haproxyCommand(adminSocket, 'show backend');
    return text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
}
/** Validates the full configuration (main file plus fragments) without touching the running proxy. */
async function checkConfig(files) {
    try {
        await execFileAsync(files.haproxyBinary ?? 'haproxy', ['-c', '-q', '-f', files.mainConfig, '-f', files.confDir]);
    }
    catch (err) {
        const e = err;
        throw new Error(`HAProxy configuration is invalid: ${(e.stderr ?? e.message).trim()}`);
    }
}
/**
 * Asks the master process to reload and waits until the new worker's runtime socket lists the
 * expected backend. A reload in master-worker mode hands listening sockets to the new worker, so
 * established connections finish on the old one and no request is dropped.
 */
async function reloadAndWait(files, expectBackend, timeoutMs = 10000) {
    const before = await workerPid(files.masterSocket);
    await haproxyCommand(files.masterSocket, 'reload');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            const pid = await workerPid(files.masterSocket);
            const ok = pid !== undefined && pid !== before && (!expectBackend || (await backendNames(files.adminSocket)).includes(expectBackend));
            if (ok)
                return;
        }
        catch {
            // the sockets are briefly unavailable while the worker is replaced
        }
        if (Date.now() > deadline)
            throw new Error(`HAProxy did not finish reloading within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
    }
}
/** The pid of the current (newest) worker, from the master CLI's `show proc`. */
async function workerPid(masterSocket) {
    const text = await haproxyCommand(masterSocket, 'show proc');
    // Lines: "<pid> <type> <reloads> <uptime> <version>"; current workers come first after the master.
    for (const line of text.split('\n')) {
        const f = line.trim().split(/\s+/);
        if (f[1] === 'worker' && /^\d+$/.test(f[0] ?? ''))
            return Number(f[0]);
    }
    return undefined;
}
/**
 * Installs (or replaces) one configuration fragment and reloads, so a broken fragment never
 * reaches the running proxy: it is validated first and removed again when validation fails.
 */
async function applyFragment(files, name, content, expectBackend) {
    if (!/^[a-zA-Z0-9_.-]+$/.test(name))
        throw new Error(`invalid HAProxy fragment name ${JSON.stringify(name)}`);
    const target = (0, node_path_1.join)(files.confDir, `${name}.cfg`);
    const staged = (0, node_path_1.join)(files.confDir, `.${name}.cfg.tmp`);
    await (0, promises_1.writeFile)(staged, content);
    const backup = (0, node_path_1.join)(files.confDir, `.${name}.cfg.bak`);
    let hadPrevious = false;
    try {
        await (0, promises_1.rename)(target, backup);
        hadPrevious = true;
    }
    catch {
        // no previous fragment
    }
    await (0, promises_1.rename)(staged, target);
    try {
        await checkConfig(files);
    }
    catch (err) {
        await (0, promises_1.rm)(target, { force: true });
        if (hadPrevious)
            await (0, promises_1.rename)(backup, target);
        throw err;
    }
    if (hadPrevious)
        await (0, promises_1.rm)(backup, { force: true });
    await reloadAndWait(files, expectBackend);
}
async function removeFragment(files, name) {
    await (0, promises_1.rm)((0, node_path_1.join)(files.confDir, `${name}.cfg`), { force: true });
    await reloadAndWait(files);
}
//# sourceMappingURL=haproxy.js.map