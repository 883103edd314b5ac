"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GitError = void 0;
exports.git = git;
exports.gitMaybe = gitMaybe;
const node_child_process_1 = require("node:child_process");
const node_util_1 = require("node:util");
const execFileAsync = (0, node_util_1.promisify)(node_child_process_1.execFile);
class GitError extends Error {
    args;
    stderr;
    exitCode;
    constructor(args, stderr, exitCode) {
        super(`git ${args.join(' ')} failed${exitCode === undefined ? '' : ` (exit ${exitCode})`}: ${stderr.trim()}`);
        this.args = args;
        this.stderr = stderr;
        this.exitCode = exitCode;
        this.name = 'GitError';
    }
}
exports.GitError = GitError;
/**
 * Runs git with an argument array (never a shell) in repoDir and returns trimmed stdout.
 * The environment pins the output format: no pager, C locale, no prompts for credentials.
 */
async function git(repoDir, args) {
    try {
        const { stdout } = await execFileAsync('git', ['-C', repoDir, ...args], {
            maxBuffer: 64 * 1024 * 1024,
            env: { ...process.env, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
        });
        return stdout.replace(/\s+$/, '');
    }
    catch (err) {
        const e = err;
        throw new GitError(args, e.stderr ?? e.message, typeof e.code === 'number' ? e.code : undefined);
    }
}
/** Like git(), but returns undefined instead of throwing (for "is there a tag?" questions). */
async function gitMaybe(repoDir, args) {
    try {
        return await git(repoDir, args);
    }
    catch (err) {
        if (err instanceof GitError)
            return undefined;
        throw err;
    }
}
//# sourceMappingURL=git.js.map