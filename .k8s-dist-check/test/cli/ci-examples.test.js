"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.sluiceLines = sluiceLines;
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_url_1 = require("node:url");
const node_test_1 = require("node:test");
const yaml_1 = require("yaml");
const config_1 = require("../../src/dev/config");
const stack_1 = require("../helpers/stack");
const helpers_1 = require("./helpers");
const worker_fixture_1 = require("./worker-fixture");
/** Every shell line of a CI file that calls `sluice`, exactly as written (multi-line `run: |` split by line). */
function sluiceLines(file) {
    const doc = (0, yaml_1.parse)((0, node_fs_1.readFileSync)(file, 'utf8'));
    const scripts = [];
    const visit = (node, key) => {
        if (typeof node === 'string') {
            if (key === 'run' || key === 'script' || key === 'after_script' || key === 'before_script')
                scripts.push(node);
            return;
        }
        if (Array.isArray(node)) {
            for (const item of node) {
                if (typeof item === 'string' && (key === 'script' || key === 'after_script' || key === 'before_script'))
                    scripts.push(item);
                else
                    visit(item, key);
            }
            return;
        }
        if (node && typeof node === 'object')
            for (const [k, v] of Object.entries(node))
                visit(v, k);
    };
    visit(doc);
    return scripts.flatMap((s) => s.split('\n')).map((l) => l.trim()).filter((l) => /^sluice\s/.test(l));
}
/**
 * Runs the example pipelines' `sluice` calls as the CI runner would: each line through bash (the
 * runner's shell: the lines use $GITHUB_STEP_SUMMARY), in a checkout holding sluice.yaml, with
 * `sluice` on PATH and Temporal's usual variables set.
 */
(0, node_test_1.describe)('CI examples: the documented sluice calls work as written', { timeout: 600_000 }, () => {
    let w;
    const tmp = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-ci-'));
    const bin = (0, node_path_1.join)(tmp, 'bin');
    (0, node_test_1.before)(async () => {
        w = await (0, worker_fixture_1.startCliWorker)();
        // A `sluice` on PATH, like the package's bin after `npm install -g`.
        const loader = helpers_1.cliEntry.endsWith('.ts') ? `--import ${(0, node_url_1.pathToFileURL)((0, node_path_1.join)((0, stack_1.repoRoot)(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href} ` : '';
        (0, node_fs_1.mkdirSync)(bin);
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(bin, 'sluice'), `#!/bin/sh\nexec "${process.execPath}" ${loader}"${helpers_1.cliEntry}" "$@"\n`);
        (0, node_fs_1.chmodSync)((0, node_path_1.join)(bin, 'sluice'), 0o755);
    });
    (0, node_test_1.after)(async () => {
        await w?.close();
        (0, node_fs_1.rmSync)(tmp, { recursive: true, force: true });
    });
    function runLine(line, cwd, extraEnv) {
        return new Promise((resolve) => {
            const child = (0, node_child_process_1.spawn)('bash', ['-eo', 'pipefail', '-c', line], {
                cwd,
                env: { ...process.env, ...w.env, ...extraEnv, PATH: `${bin}${node_path_1.delimiter}${process.env.PATH}`, TEMPORAL_ADDRESS: (0, config_1.temporalAddress)(stack_1.stack), TEMPORAL_NAMESPACE: stack_1.stack.temporal.namespace },
                stdio: ['ignore', 'pipe', 'pipe'],
            });
            let out = '';
            child.stdout.on('data', (c) => (out += c.toString()));
            child.stderr.on('data', (c) => (out += c.toString()));
            child.on('close', (code) => resolve({ code, out }));
        });
    }
    for (const [name, file, summaryEnv] of [
        ['GitHub Actions', 'github-actions.yml', 'GITHUB_STEP_SUMMARY'],
        ['GitLab CI', 'gitlab-ci.yml', undefined],
    ]) {
        (0, node_test_1.test)(`${name}: deploy --wait passes on promotion, fails the job on rollback, writes the summary`, async () => {
            const lines = sluiceLines((0, node_path_1.join)((0, stack_1.repoRoot)(), 'examples', 'ci', file));
            strict_1.default.ok(lines.some((l) => l.startsWith('sluice deploy ') && l.includes('--wait')), `no sluice deploy --wait in ${file}: ${lines.join(' | ')}`);
            for (const [version, expected] of [
                [worker_fixture_1.VERSIONS.v2, 0],
                [worker_fixture_1.VERSIONS.bad, 3],
            ]) {
                const service = (0, stack_1.uniqueName)('ci');
                w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
                const checkout = (0, helpers_1.specDir)((0, worker_fixture_1.fixtureSpec)(w, service, version, '[ { setWeight: 50 }, { analysis: { window: 2s } }, { setWeight: 100 } ]'));
                const summary = (0, node_path_1.join)(checkout.dir, 'job-summary.md');
                const env = summaryEnv ? { [summaryEnv]: summary } : {};
                try {
                    for (const line of lines) {
                        const r = await runLine(line, checkout.dir, env);
                        if (line.startsWith('sluice deploy ')) {
                            strict_1.default.equal(r.code, expected, `${file}: ${line}\n${r.out}`);
                            const written = (0, node_fs_1.readFileSync)(summaryEnv ? summary : (0, node_path_1.join)(checkout.dir, 'sluice-summary.md'), 'utf8');
                            strict_1.default.match(written, expected === 0 ? /: promoted/ : /: rolled-back/);
                            strict_1.default.match(written, /### Changelog/);
                            strict_1.default.match(written, /\[Temporal Web UI\]\(http:\/\/127\.0\.0\.1:\d+\/namespaces\//);
                        }
                        else {
                            strict_1.default.equal(r.code, 0, `${file}: ${line}\n${r.out}`);
                            strict_1.default.match(r.out, new RegExp(`deploy\\s+${version.replace(/[.+]/g, '\\$&')}`), `${line}\n${r.out}`);
                        }
                    }
                }
                finally {
                    checkout.remove();
                }
            }
        });
    }
});
//# sourceMappingURL=ci-examples.test.js.map