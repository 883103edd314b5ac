"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.artifactMetadataSchema = void 0;
exports.releaseDir = releaseDir;
exports.sha256File = sha256File;
exports.readArtifactMetadata = readArtifactMetadata;
exports.buildBinary = buildBinary;
const node_child_process_1 = require("node:child_process");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const zod_1 = require("zod");
const errors_1 = require("./errors");
const image_1 = require("./image");
const progress_1 = require("./progress");
const schema_1 = require("./schema");
/**
 * The versioned artifact store for the process target:
 *   <store>/<service>/<imageTag>/<service>            the binary
 *   <store>/<service>/<imageTag>/<service>.sha256     "<hex>  <service>" (sha256sum format)
 *   <store>/<service>/<imageTag>/metadata.json        ArtifactMetadata
 * A release directory appears only complete: it is built in a temp dir beside it and renamed.
 */
exports.artifactMetadataSchema = zod_1.z.object({
    service: zod_1.z.string(),
    version: zod_1.z.string(),
    imageTag: zod_1.z.string(),
    commit: zod_1.z.string(),
    sha256: zod_1.z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: zod_1.z.number().int().nonnegative(),
    goVersion: zod_1.z.string(),
    builtAt: zod_1.z.string(),
});
function releaseDir(store, service, imageTag) {
    return (0, node_path_1.join)(store, service, imageTag);
}
async function sha256File(path) {
    const hash = (0, node_crypto_1.createHash)('sha256');
    for await (const chunk of (0, node_fs_1.createReadStream)(path))
        hash.update(chunk);
    return hash.digest('hex');
}
function readArtifactMetadata(dir) {
    try {
        return exports.artifactMetadataSchema.parse(JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(dir, 'metadata.json'), 'utf8')));
    }
    catch {
        return undefined;
    }
}
/** Runs `go <args>` without a shell, heartbeating while it compiles; rejects with its stderr. */
function runGo(args, cwd, env) {
    return new Promise((resolvePromise, reject) => {
        const child = (0, node_child_process_1.spawn)('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal: (0, progress_1.cancellationSignal)() });
        let out = '';
        child.stdout.on('data', (d) => (out += d.toString()));
        child.stderr.on('data', (d) => (out += d.toString()));
        const beat = setInterval(() => (0, progress_1.currentActivity)()?.heartbeat({ step: `go ${args[0]}` }), 2000);
        child.once('error', (err) => {
            clearInterval(beat);
            reject(err);
        });
        child.once('close', (code) => {
            clearInterval(beat);
            if (code === 0)
                resolvePromise(out);
            else
                reject(Object.assign(new Error(out.trim() || `go ${args[0]} exited ${code}`), { exitCode: code }));
        });
    });
}
async function buildBinary(deps, raw) {
    const input = (0, image_1.parseInput)(schema_1.buildBinaryInputSchema, raw, 'buildBinary');
    const { version, service } = input;
    const started = Date.now();
    const sourceDir = (0, node_path_1.resolve)(input.sourceDir);
    const dir = releaseDir(deps.artifactStore, service, version.imageTag);
    const binaryPath = (0, node_path_1.join)(dir, service);
    const log = (0, progress_1.activityLogger)(deps.logger, { service, version: version.version, binaryPath });
    const existing = readArtifactMetadata(dir);
    if (existing && existing.commit === version.commit && existing.version === version.version && (0, node_fs_1.existsSync)(binaryPath)) {
        if ((await sha256File(binaryPath)) === existing.sha256) {
            log.info('binary already in the artifact store; skipping');
            return { binaryPath, sha256: existing.sha256, sizeBytes: existing.sizeBytes, skipped: true, durationMs: Date.now() - started };
        }
        log.warn('artifact checksum mismatch; rebuilding');
    }
    if (!(0, node_fs_1.existsSync)((0, node_path_1.join)(sourceDir, 'go.mod'))) {
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.InvalidInput, `${sourceDir} is not a Go module (no go.mod)`);
    }
    const env = { ...(deps.goEnv ?? process.env), CGO_ENABLED: '0' };
    const goVersion = (await runGo(['env', 'GOVERSION'], sourceDir, env)).trim();
    (0, node_fs_1.mkdirSync)((0, node_path_1.join)(deps.artifactStore, service), { recursive: true });
    const tmp = (0, node_path_1.join)(deps.artifactStore, service, `.tmp-${version.imageTag}-${(0, node_crypto_1.randomBytes)(4).toString('hex')}`);
    (0, node_fs_1.mkdirSync)(tmp);
    try {
        const ldflags = `-s -w -X main.version=${version.version} -X main.commit=${version.commit}`;
        log.info({ goVersion }, 'binary build started');
        try {
            await runGo(['build', '-trimpath', '-ldflags', ldflags, '-o', (0, node_path_1.join)(tmp, service), input.pkg], sourceDir, env);
        }
        catch (err) {
            const e = err;
            // A compile error is deterministic; a missing `go` or a kill is not the code's fault.
            if (typeof e.exitCode === 'number')
                throw (0, errors_1.badInput)(errors_1.BuildErrorType.BinaryBuildFailed, `go build of ${service} ${version.version} failed:\n${e.message}`);
            throw (0, errors_1.transient)(errors_1.BuildErrorType.BinaryBuildFailed, `go build could not run: ${e.message}`, e);
        }
        const sha256 = await sha256File((0, node_path_1.join)(tmp, service));
        const sizeBytes = (0, node_fs_1.statSync)((0, node_path_1.join)(tmp, service)).size;
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(tmp, `${service}.sha256`), `${sha256}  ${service}\n`);
        const metadata = { service, version: version.version, imageTag: version.imageTag, commit: version.commit, sha256, sizeBytes, goVersion, builtAt: new Date().toISOString() };
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(tmp, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
        // A stale or half-written release dir (checksum mismatch above) is replaced whole.
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        (0, node_fs_1.renameSync)(tmp, dir);
        const durationMs = Date.now() - started;
        log.info({ sha256, sizeBytes, durationMs }, 'binary built');
        return { binaryPath, sha256, sizeBytes, skipped: false, durationMs };
    }
    finally {
        (0, node_fs_1.rmSync)(tmp, { recursive: true, force: true });
    }
}
//# sourceMappingURL=binary.js.map