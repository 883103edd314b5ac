"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.RUNTIME_BASE_TAG = exports.BASE_IMAGE_REPO = void 0;
exports.ensureRuntimeBaseImage = ensureRuntimeBaseImage;
exports.builderImageTag = builderImageTag;
exports.ensureGoBuilderImage = ensureGoBuilderImage;
exports.ensureBaseImages = ensureBaseImages;
exports.removeDanglingBuilderImages = removeDanglingBuilderImages;
const node_child_process_1 = require("node:child_process");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const tar = __importStar(require("tar-fs"));
const progress_1 = require("./progress");
const execFileAsync = (0, node_util_1.promisify)(node_child_process_1.execFile);
/**
 * Local stand-ins for `golang:<ver>` and `gcr.io/distroless/static`, for machines that cannot
 * pull: both are `docker import`ed from files already on this host. The builder holds the
 * host's Go toolchain, a POSIX shell (for RUN lines) and a module cache with exactly the
 * modules of one go.sum, with GOPROXY=off, so the Dockerfile's `go mod download` works offline,
 * and a compile cache warmed with those modules (as a CI cache would be).
 * Tags are content keys (Go version + go.sum hash), so ensure* is idempotent and cheap.
 */
exports.BASE_IMAGE_REPO = 'sluice-local';
exports.RUNTIME_BASE_TAG = `${exports.BASE_IMAGE_REPO}/static:1`;
const BASE_LABEL = 'io.sluice.base-image';
/** Bump when the builder recipe below changes, so old builders are not reused. */
const BUILDER_RECIPE = '2';
async function goEnv() {
    const { stdout } = await execFileAsync('go', ['env', '-json', 'GOROOT', 'GOVERSION', 'GOMODCACHE']);
    return JSON.parse(stdout);
}
async function imageExists(docker, ref) {
    try {
        await docker.getImage(ref).inspect();
        return true;
    }
    catch (err) {
        if (err.statusCode === 404)
            return false;
        throw err;
    }
}
/** The shell and the shared libraries it loads, as absolute paths (from ldd). */
async function shellFiles() {
    const shell = (0, node_fs_1.existsSync)('/bin/dash') ? '/bin/dash' : (0, node_fs_1.realpathSync)('/bin/sh');
    const { stdout } = await execFileAsync('ldd', [shell]).catch(() => ({ stdout: '' }));
    const libs = stdout
        .split('\n')
        .map((l) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(l)?.[1])
        .filter((p) => p !== undefined);
    return { shell, libs };
}
/** Streams a staging dir (whose symlinks point at host files) into `docker import`. */
async function importRootfs(docker, staging, ref, changes, skip, logger) {
    const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
    const pack = tar.pack(staging, {
        dereference: true,
        ignore: (name) => skip((0, node_path_1.relative)(staging, name).split(node_path_1.sep).join('/')),
        map: (header) => ({ ...header, uid: 0, gid: 0, uname: 'root', gname: 'root', mode: header.name === 'tmp' ? 0o1777 : header.mode }),
    });
    const res = (await docker.importImage(pack, { repo, tag, changes: [...changes, `LABEL ${BASE_LABEL}=${repo}`] }));
    const events = await (0, progress_1.followDockerStream)(res, () => undefined);
    const error = (0, progress_1.streamError)(events);
    if (error)
        throw new Error(`docker import ${ref}: ${error}`);
    logger?.info({ image: ref }, 'base image imported');
}
function writeIdentityFiles(staging) {
    (0, node_fs_1.mkdirSync)((0, node_path_1.join)(staging, 'etc'), { recursive: true });
    (0, node_fs_1.mkdirSync)((0, node_path_1.join)(staging, 'tmp'), { recursive: true });
    (0, node_fs_1.writeFileSync)((0, node_path_1.join)(staging, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    (0, node_fs_1.writeFileSync)((0, node_path_1.join)(staging, 'etc', 'group'), 'root:x:0:\nnonroot:x:65532:\n');
}
/** Runtime base like distroless/static: passwd/group with `nonroot`, /tmp, CA roots if present. */
async function ensureRuntimeBaseImage(docker, logger) {
    if (await imageExists(docker, exports.RUNTIME_BASE_TAG))
        return exports.RUNTIME_BASE_TAG;
    return withImageLock(exports.RUNTIME_BASE_TAG, async () => {
        if (await imageExists(docker, exports.RUNTIME_BASE_TAG))
            return exports.RUNTIME_BASE_TAG;
        return createRuntimeBaseImage(docker, logger);
    });
}
async function createRuntimeBaseImage(docker, logger) {
    const staging = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-runtime-base-'));
    try {
        writeIdentityFiles(staging);
        const ca = '/etc/ssl/certs/ca-certificates.crt';
        if ((0, node_fs_1.existsSync)(ca)) {
            (0, node_fs_1.mkdirSync)((0, node_path_1.join)(staging, 'etc/ssl/certs'), { recursive: true });
            (0, node_fs_1.symlinkSync)(ca, (0, node_path_1.join)(staging, 'etc/ssl/certs/ca-certificates.crt'));
        }
        await importRootfs(docker, staging, exports.RUNTIME_BASE_TAG, ['USER 65532:65532'], () => false, logger);
        return exports.RUNTIME_BASE_TAG;
    }
    finally {
        (0, node_fs_1.rmSync)(staging, { recursive: true, force: true });
    }
}
/** Tag of the builder for this Go toolchain and this module's go.sum. */
async function builderImageTag(goModuleDir) {
    const env = await goEnv();
    const sum = (0, node_fs_1.existsSync)((0, node_path_1.join)(goModuleDir, 'go.sum')) ? (0, node_fs_1.readFileSync)((0, node_path_1.join)(goModuleDir, 'go.sum')) : Buffer.alloc(0);
    const key = (0, node_crypto_1.createHash)('sha256').update(BUILDER_RECIPE).update((0, node_fs_1.readFileSync)((0, node_path_1.join)(goModuleDir, 'go.mod'))).update(sum).digest('hex').slice(0, 12);
    return `${exports.BASE_IMAGE_REPO}/go-builder:${env.GOVERSION}-${key}`;
}
/**
 * Runs fn while holding a cross-process lock (an atomically created directory holding the
 * owner's pid), so concurrent test files or workers build a base image once, not N times.
 * A lock whose owner died is taken over.
 */
async function withImageLock(ref, fn, timeoutMs = 10 * 60_000) {
    const lock = (0, node_path_1.join)((0, node_os_1.tmpdir)(), `sluice-base-${(0, node_crypto_1.createHash)('sha256').update(ref).digest('hex').slice(0, 16)}.lock`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            (0, node_fs_1.mkdirSync)(lock);
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(lock, 'pid'), String(process.pid));
            break;
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
            const owner = Number(readFileSafe((0, node_path_1.join)(lock, 'pid')));
            if (owner && !processAlive(owner)) {
                (0, node_fs_1.rmSync)(lock, { recursive: true, force: true });
                continue;
            }
            if (Date.now() > deadline)
                throw new Error(`timed out waiting for ${lock} (held by pid ${owner || 'unknown'})`);
            await new Promise((r) => setTimeout(r, 500));
        }
    }
    try {
        return await fn();
    }
    finally {
        (0, node_fs_1.rmSync)(lock, { recursive: true, force: true });
    }
}
function readFileSafe(path) {
    try {
        return (0, node_fs_1.readFileSync)(path, 'utf8');
    }
    catch {
        return '';
    }
}
function processAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        return err.code === 'EPERM';
    }
}
async function ensureGoBuilderImage(input) {
    const ref = await builderImageTag(input.goModuleDir);
    if (await imageExists(input.docker, ref))
        return ref;
    return withImageLock(ref, async () => {
        // Another process may have built it while we waited for the lock.
        if (await imageExists(input.docker, ref))
            return ref;
        return createGoBuilderImage(input, ref);
    });
}
async function createGoBuilderImage(input, ref) {
    const env = await goEnv();
    const staging = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-go-builder-'));
    try {
        // 1. Make sure the host cache has every module (may use the Go module proxy once).
        await execFileAsync('go', ['mod', 'download'], { cwd: input.goModuleDir, env: { ...process.env, GOFLAGS: '-mod=readonly' } });
        // 2. Copy just this module's dependencies into a fresh cache, offline, from the host cache.
        const modcache = (0, node_path_1.join)(staging, 'go', 'pkg', 'mod');
        await execFileAsync('go', ['mod', 'download'], {
            cwd: input.goModuleDir,
            env: {
                ...process.env,
                GOMODCACHE: modcache,
                GOPROXY: `file://${(0, node_path_1.join)(env.GOMODCACHE, 'cache', 'download')}`,
                GOSUMDB: 'off',
                GOFLAGS: '-mod=readonly -modcacherw -buildvcs=false',
            },
        });
        // 3. Warm the compile cache the way the Dockerfile compiles (-trimpath keeps the host
        //    paths out of the cache keys), so an image build only compiles what changed.
        await execFileAsync('go', ['build', '-trimpath', '-o', '/dev/null', './...'], {
            cwd: input.goModuleDir,
            env: { ...process.env, GOMODCACHE: modcache, GOCACHE: (0, node_path_1.join)(staging, 'go', 'cache'), GOPROXY: 'off', GOSUMDB: 'off', GOFLAGS: '-mod=readonly -buildvcs=false', CGO_ENABLED: '0' },
        });
        // 4. Toolchain and shell are symlinks into the host; the tar stream dereferences them.
        writeIdentityFiles(staging);
        (0, node_fs_1.mkdirSync)((0, node_path_1.join)(staging, 'usr', 'local'), { recursive: true });
        (0, node_fs_1.symlinkSync)((0, node_fs_1.realpathSync)(env.GOROOT), (0, node_path_1.join)(staging, 'usr', 'local', 'go'));
        const { shell, libs } = await shellFiles();
        (0, node_fs_1.mkdirSync)((0, node_path_1.join)(staging, 'bin'), { recursive: true });
        (0, node_fs_1.symlinkSync)(shell, (0, node_path_1.join)(staging, 'bin', 'sh'));
        for (const lib of libs) {
            (0, node_fs_1.mkdirSync)((0, node_path_1.join)(staging, (0, node_path_1.dirname)(lib)), { recursive: true });
            if (!(0, node_fs_1.existsSync)((0, node_path_1.join)(staging, lib)))
                (0, node_fs_1.symlinkSync)((0, node_fs_1.realpathSync)(lib), (0, node_path_1.join)(staging, lib));
        }
        (0, node_fs_1.chmodSync)((0, node_path_1.join)(staging, 'tmp'), 0o1777);
        // Tests, docs and API lists of the toolchain are not needed to compile.
        const skip = (rel) => /^usr\/local\/go\/(test|doc|misc|api)(\/|$)/.test(rel);
        await importRootfs(input.docker, staging, ref, [
            'ENV PATH=/usr/local/go/bin:/bin',
            'ENV GOROOT=/usr/local/go',
            'ENV GOPATH=/go',
            'ENV GOMODCACHE=/go/pkg/mod',
            'ENV GOCACHE=/go/cache',
            'ENV HOME=/tmp',
            // Offline: modules come only from the cache baked in above; go.sum still verifies them.
            'ENV GOPROXY=off',
            'ENV GOSUMDB=off',
            'ENV GOTOOLCHAIN=local',
            'ENV CGO_ENABLED=0',
            'WORKDIR /src',
        ], skip, input.logger);
        return ref;
    }
    finally {
        (0, node_fs_1.rmSync)(staging, { recursive: true, force: true });
    }
}
async function ensureBaseImages(input) {
    const runtimeImage = await ensureRuntimeBaseImage(input.docker, input.logger);
    const builderImage = await ensureGoBuilderImage(input);
    return { builderImage, runtimeImage };
}
/**
 * Removes the untagged builder-stage images that the classic builder leaves after each
 * multi-stage build from a local builder (they inherit its label). Safe only when no build is
 * running: a concurrent build may be about to reuse one of those layers as cache.
 */
async function removeDanglingBuilderImages(docker) {
    const images = await docker.listImages({ filters: { dangling: ['true'], label: [`${BASE_LABEL}=${exports.BASE_IMAGE_REPO}/go-builder`] } });
    let removed = 0;
    for (const image of images) {
        await docker.getImage(image.Id).remove().then(() => removed++, () => undefined);
    }
    return removed;
}
//# sourceMappingURL=base-images.js.map