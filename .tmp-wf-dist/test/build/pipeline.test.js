"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const pino_1 = __importDefault(require("pino"));
const build_1 = require("../../src/activities/build");
const progress_1 = require("../../src/activities/build/progress");
const registry_1 = require("../../src/activities/registry");
const helpers_1 = require("./helpers");
/**
 * The whole pre-deployment path on the shared stack: version from git, image build, push,
 * pull by digest, run with host networking, and the idempotent re-runs.
 */
(0, node_test_1.describe)('build → push → pull by digest → run', { timeout: 600_000 }, () => {
    const service = (0, helpers_1.uniqueId)('gs').toLowerCase();
    const imageRepo = `${helpers_1.REGISTRY}/${service}`;
    let docker;
    let repo;
    let store;
    let build;
    let registry;
    let version;
    let digest = '';
    const containers = [];
    (0, node_test_1.before)(async () => {
        docker = (0, helpers_1.dockerClient)();
        await (0, helpers_1.requireStack)(docker);
        const base = await (0, helpers_1.baseImages)(docker);
        repo = (0, helpers_1.exampleRepo)('v1.4.3');
        store = (0, helpers_1.tempDir)('artifacts');
        const logger = (0, pino_1.default)({ level: 'silent' });
        build = (0, build_1.createBuildActivities)({ docker, artifactStore: store, logger, defaultBuildArgs: (0, helpers_1.buildArgsFor)(base) });
        registry = (0, registry_1.createRegistryActivities)({ docker, artifactStore: store, logger, env: {} });
    });
    (0, node_test_1.after)(async () => {
        for (const c of containers)
            await c.remove({ force: true }).catch(() => undefined);
        if (version) {
            for (const ref of [`${imageRepo}:${version.imageTag}`, `${imageRepo}:sha-${version.shortCommit}`, `${imageRepo}@${digest}`])
                await (0, helpers_1.removeImage)(docker, ref);
        }
        if (digest)
            await new registry_1.RegistryClient({ host: helpers_1.REGISTRY }).deleteManifest(service, digest).catch(() => undefined);
        repo?.remove();
        if (store)
            (0, helpers_1.removeDir)(store);
    });
    (0, node_test_1.it)('resolves the tagged version', async () => {
        version = await build.resolveVersion({ repoDir: repo.dir, service });
        strict_1.default.equal(version.version, `1.4.3+${repo.short()}`);
        strict_1.default.equal(version.imageTag, `v1.4.3-${repo.short()}`);
    });
    (0, node_test_1.it)('builds the image once, with OCI labels and a non-root user, and skips the re-run', async () => {
        const first = await build.buildImage({ contextDir: repo.dir, imageRepo, version });
        strict_1.default.equal(first.skipped, false);
        strict_1.default.equal(first.image, `${imageRepo}:${version.imageTag}`);
        const info = await docker.getImage(first.image).inspect();
        strict_1.default.equal(info.Config.User, '65532:65532');
        strict_1.default.equal(info.Config.Labels['org.opencontainers.image.version'], version.version);
        strict_1.default.equal(info.Config.Labels['org.opencontainers.image.revision'], version.commit);
        strict_1.default.ok(!Number.isNaN(Date.parse(info.Config.Labels['org.opencontainers.image.created'])));
        strict_1.default.ok(first.sizeBytes < 40 * 1024 * 1024, `runtime image should be small, got ${first.sizeBytes}`);
        // A retry after a crash: same tag, same commit → found by its labels, nothing rebuilt.
        const again = await build.buildImage({ contextDir: repo.dir, imageRepo, version });
        strict_1.default.equal(again.skipped, true);
        strict_1.default.equal(again.imageId, first.imageId);
    });
    (0, node_test_1.it)('pushes version and commit tags, returns a verified digest, and skips the re-push', async () => {
        const tags = [version.imageTag, `sha-${version.shortCommit}`];
        const pushed = await registry.pushImage({ imageRepo, tags });
        strict_1.default.equal(pushed.skipped, false);
        strict_1.default.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
        strict_1.default.equal(pushed.imageRef, `${imageRepo}@${pushed.digest}`);
        digest = pushed.digest;
        // Independent check over the registry API with both manifest media types accepted.
        for (const tag of tags) {
            const res = await fetch(`http://${helpers_1.REGISTRY}/v2/${service}/manifests/${tag}`, {
                method: 'HEAD',
                headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
            });
            strict_1.default.equal(res.status, 200);
            strict_1.default.equal(res.headers.get('docker-content-digest'), digest);
        }
        const again = await registry.pushImage({ imageRepo, tags });
        strict_1.default.deepEqual(again, { ...pushed, skipped: true });
    });
    (0, node_test_1.it)('pulls by digest and runs it: stamped /version, no pprof, metrics by code', async () => {
        await (0, helpers_1.removeImage)(docker, `${imageRepo}:${version.imageTag}`);
        await (0, helpers_1.removeImage)(docker, `${imageRepo}:sha-${version.shortCommit}`);
        await strict_1.default.rejects(docker.getImage(`${imageRepo}@${digest}`).inspect(), 'local copy removed before the pull');
        const pull = (await docker.pull(`${imageRepo}@${digest}`));
        strict_1.default.equal((0, progress_1.streamError)(await (0, progress_1.followDockerStream)(pull, () => undefined)), undefined);
        const port = await (0, helpers_1.freePort)();
        const container = await docker.createContainer({
            Image: `${imageRepo}@${digest}`,
            name: `${service}-run`,
            Env: [`ADDR=127.0.0.1:${port}`, 'DRAIN_DELAY=0s'],
            Labels: { 'io.sluice.test': service },
            HostConfig: { NetworkMode: 'host' },
        });
        containers.push(container);
        await container.start();
        const res = await (0, helpers_1.waitForHttp)(`http://127.0.0.1:${port}/version`);
        strict_1.default.deepEqual(await res.json(), { version: version.version, commit: version.commit });
        strict_1.default.equal((await fetch(`http://127.0.0.1:${port}/debug/pprof/`)).status, 404);
        strict_1.default.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
        strict_1.default.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), new RegExp(version.version.replace(/[.+]/g, '\\$&')));
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        strict_1.default.match(metrics, /http_requests_total\{code="200",handler="root"\} 1/);
        strict_1.default.match(metrics, /http_request_duration_seconds_bucket\{code="200",handler="version"/);
        await container.stop({ t: 5 });
        const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
        // JSON logs: every line that carries an object parses and names the version.
        const lines = logs.split('\n').map((l) => l.slice(l.indexOf('{'))).filter((l) => l.startsWith('{'));
        strict_1.default.ok(lines.length >= 2);
        for (const l of lines)
            strict_1.default.equal(JSON.parse(l).version, version.version);
        strict_1.default.ok(lines.some((l) => JSON.parse(l).msg === 'draining'), 'SIGTERM drains before exit');
    });
    (0, node_test_1.it)('builds the versioned binary into the artifact store once, and lists the release', async () => {
        const first = await build.buildBinary({ sourceDir: repo.dir, service, version });
        strict_1.default.equal(first.skipped, false);
        strict_1.default.equal(first.binaryPath, (0, node_path_1.join)(store, service, version.imageTag, service));
        strict_1.default.equal((0, node_fs_1.readFileSync)(`${first.binaryPath}.sha256`, 'utf8'), `${first.sha256}  ${service}\n`);
        const meta = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(store, service, version.imageTag, 'metadata.json'), 'utf8'));
        strict_1.default.equal(meta.commit, version.commit);
        const port = await (0, helpers_1.freePort)();
        const child = (0, node_child_process_1.spawn)(first.binaryPath, ['--addr', `127.0.0.1:${port}`, '--drain-delay', '0s'], { stdio: 'ignore' });
        try {
            const res = await (0, helpers_1.waitForHttp)(`http://127.0.0.1:${port}/version`);
            strict_1.default.deepEqual(await res.json(), { version: version.version, commit: version.commit });
        }
        finally {
            child.kill('SIGTERM');
        }
        const again = await build.buildBinary({ sourceDir: repo.dir, service, version });
        strict_1.default.deepEqual({ ...again, durationMs: 0 }, { ...first, skipped: true, durationMs: 0 });
        const releases = await registry.listReleases({ service, imageRepo });
        strict_1.default.equal(releases.length, 1);
        strict_1.default.equal(releases[0].imageTag, version.imageTag);
        strict_1.default.equal(releases[0].digest, digest);
        strict_1.default.equal(releases[0].binaryPath, first.binaryPath);
        strict_1.default.equal(releases[0].commit, version.commit);
    });
});
//# sourceMappingURL=pipeline.test.js.map