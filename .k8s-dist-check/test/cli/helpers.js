"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.cliEntry = void 0;
exports.startCli = startCli;
exports.runCli = runCli;
exports.waitForOutput = waitForOutput;
exports.specDir = specDir;
exports.describeResult = describeResult;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_url_1 = require("node:url");
const stack_1 = require("../helpers/stack");
/** The CLI entry: src/cli/main.ts under tsx, dist/src/cli/main.js when compiled. */
exports.cliEntry = require.resolve('../../src/cli/main');
/** tsx's loader by absolute URL, so the CLI can run from any cwd (a temp dir holding sluice.yaml). */
function loaderArgs() {
    return exports.cliEntry.endsWith('.ts') ? ['--import', (0, node_url_1.pathToFileURL)((0, node_path_1.join)((0, stack_1.repoRoot)(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href] : [];
}
/** Starts `sluice <args>` as a child process (stdout/stderr piped, no TTY). */
function startCli(args, options = {}) {
    const child = (0, node_child_process_1.spawn)(process.execPath, [...loaderArgs(), exports.cliEntry, ...args], {
        cwd: options.cwd ?? (0, stack_1.repoRoot)(),
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c.toString()));
    child.stderr.on('data', (c) => (stderr += c.toString()));
    const timeout = options.timeoutMs ?? 300_000;
    const done = new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
        child.once('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
    return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }), done });
}
function runCli(args, options = {}) {
    return startCli(args, options).done;
}
/** Resolves once the child's stdout contains `text` (or rejects when it exits first). */
function waitForOutput(child, text, timeoutMs = 120_000) {
    const matches = () => (typeof text === 'string' ? child.output().stdout.includes(text) : text.test(child.output().stdout));
    return new Promise((resolve, reject) => {
        if (matches())
            return resolve();
        const timer = setTimeout(() => {
            cleanup();
            reject(new Error(`no ${String(text)} in CLI output within ${timeoutMs} ms:\n${child.output().stdout}\n${child.output().stderr}`));
        }, timeoutMs);
        const onData = () => {
            if (matches()) {
                cleanup();
                resolve();
            }
        };
        const onClose = () => {
            cleanup();
            if (matches())
                resolve();
            else
                reject(new Error(`CLI exited before printing ${String(text)}:\n${child.output().stdout}\n${child.output().stderr}`));
        };
        const cleanup = () => {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            child.off('close', onClose);
        };
        child.stdout?.on('data', onData);
        child.once('close', onClose);
    });
}
/** A temp dir with a sluice.yaml; returns its path and a remover. */
function specDir(yaml) {
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-cli-'));
    const file = (0, node_path_1.join)(dir, 'sluice.yaml');
    (0, node_fs_1.writeFileSync)(file, yaml);
    return { dir, file, remove: () => (0, node_fs_1.rmSync)(dir, { recursive: true, force: true }) };
}
function describeResult(r) {
    return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
//# sourceMappingURL=helpers.js.map