"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const promises_1 = require("node:fs/promises");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const tar_fs_1 = require("tar-fs");
const config_1 = require("../../src/dev/config");
const probe_1 = require("../../src/dev/probe");
const go_server_1 = require("../helpers/go-server");
const stack_1 = require("../helpers/stack");
const docker = (0, stack_1.dockerClient)();
const cleanups = [];
(0, node_test_1.after)(async () => {
    for (const cleanup of cleanups.reverse())
        await cleanup().catch(() => undefined);
});
async function followProgress(stream) {
    return new Promise((resolve, reject) => docker.modem.followProgress(stream, (err, output) => {
        if (err)
            return reject(err);
        const failed = output.find((o) => o.error);
        return failed ? reject(new Error(String(failed.error))) : resolve(output);
    }));
}
async function runHostNetworked(image, name, port) {
    const container = await docker.createContainer({
        Image: image,
        name,
        Cmd: [`127.0.0.1:${port}`],
        Env: [`NAME=${name}`],
        HostConfig: { NetworkMode: 'host', AutoRemove: false },
    });
    cleanups.push(() => container.remove({ force: true }));
    await container.start();
    return container;
}
(0, node_test_1.test)('dockerd builds a FROM scratch image, runs it with host networking, and the registry round-trips it by digest', async () => {
    const binary = await (0, go_server_1.buildStaticServer)();
    const context = await (0, promises_1.mkdtemp)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-smoke-'));
    cleanups.push(() => (0, promises_1.rm)(context, { recursive: true, force: true }));
    await (0, promises_1.copyFile)(binary, (0, node_path_1.join)(context, 'server'));
    await (0, promises_1.writeFile)((0, node_path_1.join)(context, 'Dockerfile'), 'FROM scratch\nCOPY server /server\nUSER 65534:65534\nENTRYPOINT ["/server"]\n');
    const repo = `${(0, config_1.registryAddress)(stack_1.stack)}/${(0, stack_1.uniqueName)('smoke')}`;
    const tag = `${repo}:v1`;
    const buildStream = await docker.buildImage((0, tar_fs_1.pack)(context), { t: tag });
    await followProgress(buildStream);
    cleanups.push(() => docker.getImage(tag).remove({ force: true }));
    // Runs with the host's network namespace and answers on loopback.
    const port = await (0, stack_1.freePort)();
    await runHostNetworked(tag, (0, stack_1.uniqueName)('smoke-run'), port);
    const answer = await (0, stack_1.eventually)('the container to answer', async () => {
        const a = await (0, probe_1.httpGet)(`http://127.0.0.1:${port}/hello`).catch(() => undefined);
        return a?.status === 200 ? a : undefined;
    });
    strict_1.default.match(answer.body, /\/hello/);
    const inspect = await docker.getImage(tag).inspect();
    strict_1.default.equal(inspect.Config.User, '65534:65534');
    // Push, learn the manifest digest from the registry, drop the local copy, pull by digest.
    // Docker 20.10 insists on an X-Registry-Auth header even for a registry without auth.
    await followProgress(await docker.getImage(tag).push({ authconfig: { serveraddress: (0, config_1.registryAddress)(stack_1.stack) } }));
    const name = repo.slice((0, config_1.registryAddress)(stack_1.stack).length + 1);
    const head = await fetch(`http://${(0, config_1.registryAddress)(stack_1.stack)}/v2/${name}/manifests/v1`, {
        method: 'HEAD',
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
    });
    strict_1.default.equal(head.status, 200);
    const digest = head.headers.get('docker-content-digest');
    strict_1.default.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    for (const container of await docker.listContainers({ all: true, filters: { ancestor: [tag] } })) {
        await docker.getContainer(container.Id).remove({ force: true });
    }
    await docker.getImage(tag).remove({ force: true });
    const byDigest = `${repo}@${digest}`;
    await followProgress(await docker.pull(byDigest));
    cleanups.push(() => docker.getImage(byDigest).remove({ force: true }));
    const pulled = await docker.getImage(byDigest).inspect();
    strict_1.default.ok(pulled.RepoDigests.includes(byDigest), `pulled image carries ${byDigest}`);
    strict_1.default.equal(pulled.Id, inspect.Id, 'the pulled image is the one that was built');
    const port2 = await (0, stack_1.freePort)();
    await runHostNetworked(byDigest, (0, stack_1.uniqueName)('smoke-digest'), port2);
    await (0, stack_1.eventually)('the digest-pinned container to answer', async () => {
        const a = await (0, probe_1.httpGet)(`http://127.0.0.1:${port2}/`).catch(() => undefined);
        return a?.status === 200 ? true : undefined;
    });
});
//# sourceMappingURL=docker-registry.test.js.map