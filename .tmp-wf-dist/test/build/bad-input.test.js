"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const common_1 = require("@temporalio/common");
const pino_1 = __importDefault(require("pino"));
const build_1 = require("../../src/activities/build");
const registry_1 = require("../../src/activities/registry");
const helpers_1 = require("./helpers");
function isFailure(type, nonRetryable, message) {
    return (err) => {
        strict_1.default.ok(err instanceof common_1.ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
        strict_1.default.equal(err.type, type);
        strict_1.default.equal(err.nonRetryable, nonRetryable);
        strict_1.default.match(err.message, message);
        return true;
    };
}
async function imageExists(docker, ref) {
    return docker.getImage(ref).inspect().then(() => true, () => false);
}
(0, node_test_1.describe)('bad input gives a clear error and leaves nothing behind', { timeout: 300_000 }, () => {
    const service = (0, helpers_1.uniqueId)('bad').toLowerCase();
    const imageRepo = `${helpers_1.REGISTRY}/${service}`;
    const logger = (0, pino_1.default)({ level: 'silent' });
    let docker;
    let repo;
    let store;
    let build;
    let registry;
    let version;
    const images = [];
    (0, node_test_1.before)(async () => {
        docker = (0, helpers_1.dockerClient)();
        await (0, helpers_1.requireStack)(docker);
        const base = await (0, helpers_1.baseImages)(docker);
        repo = (0, helpers_1.exampleRepo)('v0.9.0');
        store = (0, helpers_1.tempDir)('artifacts-bad');
        build = (0, build_1.createBuildActivities)({ docker, artifactStore: store, logger, defaultBuildArgs: (0, helpers_1.buildArgsFor)(base) });
        registry = (0, registry_1.createRegistryActivities)({ docker, artifactStore: store, logger, env: {} });
        version = await build.resolveVersion({ repoDir: repo.dir, service });
    });
    (0, node_test_1.after)(async () => {
        for (const ref of images)
            await (0, helpers_1.removeImage)(docker, ref);
        repo?.remove();
        if (store)
            (0, helpers_1.removeDir)(store);
    });
    (0, node_test_1.it)('missing Dockerfile', async () => {
        const dir = (0, helpers_1.tempDir)('nodockerfile');
        try {
            (0, node_fs_1.writeFileSync)((0, node_path_1.join)(dir, 'main.go'), 'package main\n');
            await strict_1.default.rejects(build.buildImage({ contextDir: dir, imageRepo, version }), isFailure(build_1.BuildErrorType.MissingDockerfile, true, /no Dockerfile at .*Dockerfile/));
            await strict_1.default.rejects(build.buildImage({ contextDir: repo.dir, dockerfile: '../outside/Dockerfile', imageRepo, version }), isFailure(build_1.BuildErrorType.InvalidInput, true, /must be inside the build context/));
            strict_1.default.equal(await imageExists(docker, `${imageRepo}:${version.imageTag}`), false);
        }
        finally {
            (0, helpers_1.removeDir)(dir);
        }
    });
    (0, node_test_1.it)('bad image tag, repository or version', async () => {
        await strict_1.default.rejects(build.buildImage({ contextDir: repo.dir, imageRepo, version: { ...version, imageTag: 'v1.0.0+abc' } }), isFailure(build_1.BuildErrorType.InvalidInput, true, /version\.imageTag: image tag must match/));
        await strict_1.default.rejects(build.buildImage({ contextDir: repo.dir, imageRepo: `${helpers_1.REGISTRY}/UpperCase`, version }), isFailure(build_1.BuildErrorType.InvalidInput, true, /imageRepo: image repository must look like/));
        await strict_1.default.rejects(build.buildImage({ contextDir: repo.dir, imageRepo, version: { ...version, commit: 'not-a-sha' } }), isFailure(build_1.BuildErrorType.InvalidInput, true, /version\.commit/));
        await strict_1.default.rejects(build.resolveVersion({ repoDir: repo.dir, service: 'Not_A_Label' }), isFailure(build_1.BuildErrorType.InvalidInput, true, /service: service must be a DNS label/));
        await strict_1.default.rejects(build.generateChangelog({ repoDir: repo.dir, toRef: '--output=/tmp/x' }), isFailure(build_1.BuildErrorType.InvalidInput, true, /toRef: a ref may not start with -/));
        await strict_1.default.rejects(registry.pushImage({ imageRepo: service, tags: ['v1.0.0-abcdef0'] }), isFailure(build_1.BuildErrorType.InvalidInput, true, /must start with a registry host/));
        await strict_1.default.rejects(registry.pushImage({ imageRepo, tags: [] }), isFailure(build_1.BuildErrorType.InvalidInput, true, /tags/));
    });
    (0, node_test_1.it)('a failing build step is non-retryable, names the step, and tags nothing', async () => {
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(repo.dir, 'broken.go'), 'package main\n\nfunc broken() { undefinedThing() }\n');
        try {
            const v = { ...version, imageTag: `${version.imageTag}-broken`, version: version.version.replace('+', '-broken+') };
            await strict_1.default.rejects(build.buildImage({ contextDir: repo.dir, imageRepo, version: v }), isFailure(build_1.BuildErrorType.ImageBuildFailed, true, /failed at "Step \d+\/\d+ : RUN go build[\s\S]*undefined: undefinedThing/));
            strict_1.default.equal(await imageExists(docker, `${imageRepo}:${v.imageTag}`), false);
            await strict_1.default.rejects(build.buildBinary({ sourceDir: repo.dir, service, version: v }), isFailure(build_1.BuildErrorType.BinaryBuildFailed, true, /undefined: undefinedThing/));
            // Nothing in the store: no release dir, no temp dir left from the failed build.
            strict_1.default.deepEqual((0, node_fs_1.readdirSync)((0, node_path_1.join)(store, service)), []);
        }
        finally {
            (0, node_fs_1.rmSync)((0, node_path_1.join)(repo.dir, 'broken.go'));
        }
    });
    (0, node_test_1.it)('pushing an image that was never built', async () => {
        await strict_1.default.rejects(registry.pushImage({ imageRepo, tags: ['v9.9.9-abcdef0'] }), isFailure(build_1.BuildErrorType.ImageNotFound, true, /no local image .*v9\.9\.9-abcdef0; build it before pushing/));
    });
    (0, node_test_1.it)('unreachable registry: retryable error, no new local tags', async () => {
        const port = await (0, helpers_1.freePort)();
        const deadRepo = `127.0.0.1:${port}/${service}`;
        const tag = version.imageTag;
        // A real local image under the dead registry's name (tagging an existing base is enough).
        await docker.getImage('sluice-local/static:1').tag({ repo: deadRepo, tag });
        images.push(`${deadRepo}:${tag}`, `${deadRepo}:sha-${version.shortCommit}`);
        await strict_1.default.rejects(registry.pushImage({ imageRepo: deadRepo, tags: [tag, `sha-${version.shortCommit}`] }), isFailure(build_1.BuildErrorType.RegistryUnavailable, false, new RegExp(`registry 127\\.0\\.0\\.1:${port} is unreachable \\(GET /v2/\\): ECONNREFUSED`)));
        strict_1.default.equal(await imageExists(docker, `${deadRepo}:sha-${version.shortCommit}`), false, 'no alias tag created before the registry answered');
        await strict_1.default.rejects(registry.listReleases({ service, imageRepo: deadRepo }), isFailure(build_1.BuildErrorType.RegistryUnavailable, false, /unreachable/));
    });
    (0, node_test_1.it)('bad credentials file is refused without echoing its content', async () => {
        const dir = (0, helpers_1.tempDir)('authfile');
        try {
            const file = (0, node_path_1.join)(dir, 'auth.json');
            (0, node_fs_1.writeFileSync)(file, 'not json hunter2');
            const r = (0, registry_1.createRegistryActivities)({ docker, artifactStore: store, logger, env: { SLUICE_REGISTRY_AUTH_FILE: file } });
            await strict_1.default.rejects(r.listReleases({ service, imageRepo }), (err) => {
                strict_1.default.ok(err instanceof common_1.ApplicationFailure);
                strict_1.default.equal(err.type, build_1.BuildErrorType.RegistryAuth);
                strict_1.default.doesNotMatch(err.message, /hunter2/);
                return true;
            });
            strict_1.default.equal((0, node_fs_1.existsSync)(file), true);
        }
        finally {
            (0, helpers_1.removeDir)(dir);
        }
    });
});
//# sourceMappingURL=bad-input.test.js.map