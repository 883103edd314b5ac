"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.exampleDir = exports.REGISTRY = exports.stack = exports.TestRepo = void 0;
exports.repoRoot = repoRoot;
exports.uniqueId = uniqueId;
exports.tempDir = tempDir;
exports.removeDir = removeDir;
exports.freePort = freePort;
exports.dockerClient = dockerClient;
exports.requireStack = requireStack;
exports.baseImages = baseImages;
exports.buildArgsFor = buildArgsFor;
exports.exampleRepo = exampleRepo;
exports.removeImage = removeImage;
exports.waitForHttp = waitForHttp;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_net_1 = require("node:net");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const dockerode_1 = __importDefault(require("dockerode"));
const base_images_1 = require("../../src/activities/build/base-images");
const config_1 = require("../../src/dev/config");
/** The repository root, found by walking up to package.json (works from test/ and dist/test/). */
function repoRoot() {
    let dir = __dirname;
    while (!(0, node_fs_1.existsSync)((0, node_path_1.join)(dir, 'package.json'))) {
        const up = (0, node_path_1.dirname)(dir);
        if (up === dir)
            throw new Error('package.json not found above ' + __dirname);
        dir = up;
    }
    return dir;
}
function uniqueId(prefix) {
    return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
function tempDir(prefix) {
    return (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), `sluice-${prefix}-`));
}
function removeDir(dir) {
    (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
}
/** A scripted git repository: deterministic author and dates, no user config involved. */
class TestRepo {
    dir;
    tick = 0;
    constructor(dir) {
        this.dir = dir;
    }
    static create(prefix = 'repo') {
        const repo = new TestRepo(tempDir(prefix));
        repo.git('init', '--quiet', '--initial-branch=main');
        return repo;
    }
    git(...args) {
        this.tick += 1;
        const date = new Date(Date.UTC(2024, 0, 1) + this.tick * 60_000).toISOString();
        return (0, node_child_process_1.execFileSync)('git', ['-C', this.dir, '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
            encoding: 'utf8',
            env: {
                ...process.env,
                GIT_AUTHOR_NAME: process.env.TEST_AUTHOR ?? 'Ada Lovelace',
                GIT_AUTHOR_EMAIL: 'ada@example.com',
                GIT_COMMITTER_NAME: 'CI',
                GIT_COMMITTER_EMAIL: 'ci@example.com',
                GIT_AUTHOR_DATE: date,
                GIT_COMMITTER_DATE: date,
                GIT_CONFIG_NOSYSTEM: '1',
                HOME: this.dir,
            },
        }).trim();
    }
    write(path, content) {
        (0, node_fs_1.mkdirSync)((0, node_path_1.dirname)((0, node_path_1.join)(this.dir, path)), { recursive: true });
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(this.dir, path), content);
    }
    /** Commits a change to a file named after the subject; returns the full SHA. */
    commit(subject, opts = {}) {
        this.write(`changes/${this.tick}.txt`, subject);
        this.git('add', '-A');
        const args = ['commit', '--quiet', '-m', subject];
        if (opts.body)
            args.push('-m', opts.body);
        if (opts.author)
            args.push(`--author=${opts.author} <${opts.author.toLowerCase().replace(/\W+/g, '.')}@example.com>`);
        this.git(...args);
        return this.git('rev-parse', 'HEAD');
    }
    short(ref = 'HEAD') {
        return this.git('rev-parse', '--short=7', ref);
    }
    remove() {
        removeDir(this.dir);
    }
}
exports.TestRepo = TestRepo;
/** A loopback port nobody listens on (bound, then released). */
async function freePort() {
    return new Promise((resolve, reject) => {
        const srv = (0, node_net_1.createServer)();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const addr = srv.address();
            if (addr === null || typeof addr === 'string')
                return reject(new Error('no port'));
            srv.close(() => resolve(addr.port));
        });
    });
}
exports.stack = (0, config_1.loadStackConfig)();
exports.REGISTRY = (0, config_1.registryAddress)(exports.stack);
function dockerClient() {
    return new dockerode_1.default({ socketPath: exports.stack.docker.socket });
}
/** Fails fast with a clear message when the shared stack is not up (tests never start it). */
async function requireStack(docker) {
    try {
        await docker.ping();
    }
    catch (err) {
        throw new Error(`dockerd is not reachable at ${exports.stack.docker.socket}; run \`npx tsx src/cli/main.ts dev up\` first (${err.message})`);
    }
    const res = await fetch(`http://${exports.REGISTRY}/v2/`).catch((err) => err);
    if (res instanceof Error || !res.ok)
        throw new Error(`registry is not reachable at ${exports.REGISTRY}; run \`npx tsx src/cli/main.ts dev up\` first`);
}
const exampleDir = () => (0, node_path_1.join)(repoRoot(), 'examples', 'go-service');
exports.exampleDir = exampleDir;
/** Base images for the example, created once per Go version + go.sum (idempotent). */
async function baseImages(docker) {
    return (0, base_images_1.ensureBaseImages)({ docker, goModuleDir: (0, exports.exampleDir)() });
}
function buildArgsFor(base) {
    return { BUILDER_IMAGE: base.builderImage, RUNTIME_IMAGE: base.runtimeImage };
}
/** A git repository holding a copy of the example service, committed and optionally tagged. */
function exampleRepo(tag) {
    const repo = TestRepo.create('go-service');
    const src = (0, exports.exampleDir)();
    for (const name of (0, node_fs_1.readdirSync)(src)) {
        if (name === 'bin' || name === 'dist')
            continue;
        (0, node_fs_1.cpSync)((0, node_path_1.join)(src, name), (0, node_path_1.join)(repo.dir, name), { recursive: true });
    }
    repo.git('add', '-A');
    repo.git('commit', '--quiet', '-m', 'feat: import go-service');
    if (tag)
        repo.git('tag', tag);
    return repo;
}
async function removeImage(docker, ref) {
    await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
}
/** GETs url until it answers (any status) or the deadline passes. */
async function waitForHttp(url, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
        try {
            return await fetch(url, { signal: AbortSignal.timeout(1000) });
        }
        catch (err) {
            last = err;
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    throw new Error(`${url} did not answer within ${timeoutMs}ms: ${String(last)}`);
}
//# sourceMappingURL=helpers.js.map