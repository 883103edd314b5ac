"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createDemoRepo = createDemoRepo;
exports.touchReadme = touchReadme;
exports.injectErrors = injectErrors;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const paths_1 = require("../lib/paths");
const execFileAsync = (0, node_util_1.promisify)(node_child_process_1.execFile);
async function git(dir, args) {
    const { stdout } = await execFileAsync('git', args, {
        cwd: dir,
        env: {
            ...process.env,
            GIT_AUTHOR_NAME: 'Sluice Demo',
            GIT_AUTHOR_EMAIL: 'demo@sluice.invalid',
            GIT_COMMITTER_NAME: 'Sluice Demo',
            GIT_COMMITTER_EMAIL: 'demo@sluice.invalid',
        },
    });
    return stdout.trim();
}
async function createDemoRepo() {
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-demo-repo-'));
    (0, node_fs_1.cpSync)((0, node_path_1.join)((0, paths_1.packageRoot)(), 'examples', 'go-service'), dir, { recursive: true });
    await git(dir, ['init', '--quiet', '--initial-branch=main']);
    return {
        dir,
        async release(tag, message, change) {
            change?.(dir);
            await git(dir, ['add', '--all']);
            await git(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
            await git(dir, ['tag', '-a', tag, '-m', message]);
            return git(dir, ['rev-parse', '--short=7', 'HEAD']);
        },
        remove() {
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        },
    };
}
/** v2's change: a harmless code-adjacent edit, so the changelog has something to say. */
function touchReadme(line) {
    return (dir) => {
        const path = (0, node_path_1.join)(dir, 'README.md');
        let text = '';
        try {
            text = (0, node_fs_1.readFileSync)(path, 'utf8');
        }
        catch {
            // The example may ship without a README.
        }
        (0, node_fs_1.writeFileSync)(path, `${text}\n${line}\n`);
    };
}
/**
 * v3's change: the "bad release". A config default baked into the image makes a share of
 * requests fail with 500, the way a wrong setting shipped with the code would; /healthz stays
 * green, so only the metrics can catch it.
 */
function injectErrors(rate) {
    return (dir) => {
        const path = (0, node_path_1.join)(dir, 'Dockerfile');
        const text = (0, node_fs_1.readFileSync)(path, 'utf8');
        (0, node_fs_1.writeFileSync)(path, text.replace(/^ENTRYPOINT /m, `ENV FAULT_ERROR_RATE=${rate}\nENTRYPOINT `));
    };
}
//# sourceMappingURL=repo.js.map