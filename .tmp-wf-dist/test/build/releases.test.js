"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const pino_1 = __importDefault(require("pino"));
const build_1 = require("../../src/activities/build");
const registry_1 = require("../../src/activities/registry");
const helpers_1 = require("./helpers");
const COMMITS = { '0.9.0': 'a0a0a0a', '1.0.0': 'b1b1b1b', '1.1.0': 'c2c2c2c', '1.2.0': 'd3d3d3d', '1.3.0': 'e4e4e4e' };
const ref = (v) => {
    const version = `${v}+${COMMITS[v]}`;
    return { version, imageTag: (0, build_1.imageTagFor)(version), commit: COMMITS[v].repeat(5).slice(0, 40) };
};
(0, node_test_1.describe)('retained releases: list newest first, prune to N, never the protected', { timeout: 300_000 }, () => {
    const service = (0, helpers_1.uniqueId)('rel').toLowerCase();
    const imageRepo = `${helpers_1.REGISTRY}/${service}`;
    const logger = (0, pino_1.default)({ level: 'silent' });
    let docker;
    let store;
    let ctx;
    let repo;
    let build;
    let registry;
    const digests = new Map();
    (0, node_test_1.before)(async () => {
        docker = (0, helpers_1.dockerClient)();
        await (0, helpers_1.requireStack)(docker);
        const base = await (0, helpers_1.baseImages)(docker);
        store = (0, helpers_1.tempDir)('artifacts-rel');
        // Tiny images (one label each) so every release has its own digest without compiling.
        ctx = (0, helpers_1.tempDir)('tiny');
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(ctx, 'Dockerfile'), 'ARG RUNTIME_IMAGE\nFROM ${RUNTIME_IMAGE}\nARG VERSION\nLABEL io.sluice.test.release=${VERSION}\n');
        repo = (0, helpers_1.exampleRepo)();
        build = (0, build_1.createBuildActivities)({ docker, artifactStore: store, logger, defaultBuildArgs: { RUNTIME_IMAGE: base.runtimeImage } });
        registry = (0, registry_1.createRegistryActivities)({ docker, artifactStore: store, logger, env: {} });
        for (const v of ['1.0.0', '1.1.0', '1.2.0', '1.3.0']) {
            const version = ref(v);
            await build.buildImage({ contextDir: ctx, imageRepo, version });
            const pushed = await registry.pushImage({ imageRepo, tags: [version.imageTag, `sha-${COMMITS[v]}`] });
            digests.set(v, pushed.digest);
        }
        for (const v of ['0.9.0', '1.0.0', '1.3.0'])
            await build.buildBinary({ sourceDir: repo.dir, service, version: ref(v) });
    });
    (0, node_test_1.after)(async () => {
        const client = new registry_1.RegistryClient({ host: helpers_1.REGISTRY });
        for (const [v, digest] of digests) {
            await client.deleteManifest(service, digest).catch(() => undefined);
            for (const tag of [ref(v).imageTag, `sha-${COMMITS[v]}`])
                await (0, helpers_1.removeImage)(docker, `${imageRepo}:${tag}`);
        }
        if (store)
            (0, helpers_1.removeDir)(store);
        if (ctx)
            (0, helpers_1.removeDir)(ctx);
        repo?.remove();
    });
    (0, node_test_1.it)('merges registry and artifact store, newest first by semver', async () => {
        const list = await registry.listReleases({ service, imageRepo });
        strict_1.default.deepEqual(list.map((r) => r.version), ['1.3.0+e4e4e4e', '1.2.0+d3d3d3d', '1.1.0+c2c2c2c', '1.0.0+b1b1b1b', '0.9.0+a0a0a0a']);
        const byV = Object.fromEntries(list.map((r) => [r.version.split('+')[0], r]));
        strict_1.default.equal(byV['1.2.0'].digest, digests.get('1.2.0'));
        strict_1.default.equal(byV['1.2.0'].imageRef, `${imageRepo}@${digests.get('1.2.0')}`);
        strict_1.default.equal(byV['1.2.0'].binaryPath, null);
        strict_1.default.equal(byV['0.9.0'].digest, null);
        strict_1.default.equal(byV['0.9.0'].binaryPath, (0, node_path_1.join)(store, service, 'v0.9.0-a0a0a0a', service));
        strict_1.default.ok(byV['1.3.0'].digest && byV['1.3.0'].binaryPath);
        // The artifact store alone (process target).
        strict_1.default.deepEqual((await registry.listReleases({ service })).map((r) => r.imageTag), ['v1.3.0-e4e4e4e', 'v1.0.0-b1b1b1b', 'v0.9.0-a0a0a0a']);
    });
    (0, node_test_1.it)('prunes to keep=1 plus the protected live and previous releases', async () => {
        const result = await registry.pruneReleases({
            service,
            imageRepo,
            keep: 1,
            // "previous" named by its imageRef, an old pinned one by its version.
            protect: [`${imageRepo}@${digests.get('1.1.0')}`, '0.9.0+a0a0a0a'],
        });
        strict_1.default.deepEqual(result.kept, ['v1.3.0-e4e4e4e', 'v1.1.0-c2c2c2c', 'v0.9.0-a0a0a0a']);
        strict_1.default.deepEqual(result.deleted, [
            { imageTag: 'v1.2.0-d3d3d3d', registry: true, binary: false },
            { imageTag: 'v1.0.0-b1b1b1b', registry: true, binary: true },
        ]);
        const client = new registry_1.RegistryClient({ host: helpers_1.REGISTRY });
        strict_1.default.equal(await client.manifestDigest(service, 'v1.2.0-d3d3d3d'), undefined);
        strict_1.default.equal(await client.manifestDigest(service, 'sha-d3d3d3d'), undefined, 'the commit tag goes with the manifest');
        strict_1.default.equal(await client.manifestDigest(service, 'v1.1.0-c2c2c2c'), digests.get('1.1.0'));
        strict_1.default.equal((0, node_fs_1.existsSync)((0, node_path_1.join)(store, service, 'v1.0.0-b1b1b1b')), false);
        strict_1.default.equal((0, node_fs_1.existsSync)((0, node_path_1.join)(store, service, 'v0.9.0-a0a0a0a', service)), true);
        strict_1.default.deepEqual((await client.listTags(service)).sort(), ['sha-c2c2c2c', 'sha-e4e4e4e', 'v1.1.0-c2c2c2c', 'v1.3.0-e4e4e4e']);
        // Pruning again converges: nothing more to delete.
        const again = await registry.pruneReleases({ service, imageRepo, keep: 1, protect: [`${imageRepo}@${digests.get('1.1.0')}`, '0.9.0+a0a0a0a'] });
        strict_1.default.deepEqual(again.deleted, []);
    });
    (0, node_test_1.it)('refuses keep=0', async () => {
        await strict_1.default.rejects(registry.pruneReleases({ service, imageRepo, keep: 0, protect: [] }), /keep/);
    });
});
//# sourceMappingURL=releases.test.js.map