"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_stream_1 = require("node:stream");
const node_test_1 = require("node:test");
const activity_1 = require("@temporalio/activity");
const client_1 = require("@temporalio/client");
const worker_1 = require("@temporalio/worker");
const pino_1 = __importDefault(require("pino"));
const build_1 = require("../../src/activities/build");
const registry_1 = require("../../src/activities/registry");
const credentials_1 = require("../../src/activities/registry/credentials");
const config_1 = require("../../src/dev/config");
const helpers_1 = require("./helpers");
/** Every string and every byte payload in a history, decoded, so a secret cannot hide in base64. */
function historyText(value, out = []) {
    if (typeof value === 'string')
        out.push(value);
    else if (value instanceof Uint8Array)
        out.push(Buffer.from(value).toString('utf8'));
    else if (Array.isArray(value))
        value.forEach((v) => historyText(v, out));
    else if (value && typeof value === 'object')
        Object.values(value).forEach((v) => historyText(v, out));
    return out;
}
(0, node_test_1.describe)('build + push as Temporal activities', { timeout: 600_000 }, () => {
    const id = (0, helpers_1.uniqueId)('wf-build').toLowerCase();
    const service = id;
    const imageRepo = `${helpers_1.REGISTRY}/${service}`;
    const secret = `s3cret-${Math.random().toString(36).slice(2)}-pw`;
    const logLines = [];
    let docker;
    let repo;
    let result;
    (0, node_test_1.before)(async () => {
        docker = (0, helpers_1.dockerClient)();
        await (0, helpers_1.requireStack)(docker);
        repo = (0, helpers_1.exampleRepo)('v2.0.0');
        repo.commit('fix: tolerate empty config');
    });
    (0, node_test_1.after)(async () => {
        if (result) {
            await new registry_1.RegistryClient({ host: helpers_1.REGISTRY }).deleteManifest(service, result.push.digest).catch(() => undefined);
            for (const tag of [result.version.imageTag, `sha-${result.version.shortCommit}`])
                await (0, helpers_1.removeImage)(docker, `${imageRepo}:${tag}`);
        }
        repo?.remove();
    });
    (0, node_test_1.it)('runs on the dev server, survives a crash after each side effect without redoing it, and keeps the password out of history', async () => {
        const env = { SLUICE_REGISTRY_USERNAME: 'sluice-ci', SLUICE_REGISTRY_PASSWORD: secret };
        // The worker really holds the credential (and would send it on a registry challenge).
        strict_1.default.equal((0, credentials_1.loadRegistryCredentials)(helpers_1.REGISTRY, env)?.password, secret);
        const logger = (0, pino_1.default)({ level: 'debug' }, new node_stream_1.Writable({ write(chunk, _enc, cb) { logLines.push(chunk.toString()); cb(); } }));
        const base = await (0, helpers_1.baseImages)(docker);
        const build = (0, build_1.createBuildActivities)({ docker, artifactStore: `${helpers_1.stack.stateDir}/unused-${id}`, logger, defaultBuildArgs: (0, helpers_1.buildArgsFor)(base) });
        const registry = (0, registry_1.createRegistryActivities)({ docker, artifactStore: `${helpers_1.stack.stateDir}/unused-${id}`, logger, env });
        const attempts = { build: [], push: [] };
        const crashOnce = {
            async buildImageCrashOnce(input) {
                const res = await build.buildImage(input);
                attempts.build.push(res.skipped);
                if (activity_1.Context.current().info.attempt === 1)
                    throw new Error('simulated worker crash after the image was built');
                return res;
            },
            async pushImageCrashOnce(input) {
                const res = await registry.pushImage(input);
                attempts.push.push(res.skipped);
                if (activity_1.Context.current().info.attempt === 1)
                    throw new Error('simulated worker crash after the push');
                return res;
            },
        };
        const address = (0, config_1.temporalAddress)(helpers_1.stack);
        const taskQueue = `tq-${id}`;
        const worker = await worker_1.Worker.create({
            connection: await worker_1.NativeConnection.connect({ address }),
            namespace: helpers_1.stack.temporal.namespace,
            taskQueue,
            workflowsPath: require.resolve('./workflows'),
            activities: { resolveVersion: build.resolveVersion, generateChangelog: build.generateChangelog, ...crashOnce },
        });
        const connection = await client_1.Connection.connect({ address });
        const client = new client_1.Client({ connection, namespace: helpers_1.stack.temporal.namespace });
        try {
            const handle = await client.workflow.start('buildAndPushWorkflow', {
                taskQueue,
                workflowId: id,
                args: [{ repoDir: repo.dir, service, imageRepo }],
                workflowExecutionTimeout: '10m',
            });
            result = (await worker.runUntil(handle.result()));
            strict_1.default.equal(result.version.version, `2.0.1-dev.1+${repo.short()}`);
            strict_1.default.equal(result.changelog.bump, 'patch');
            strict_1.default.equal(result.changelog.nextVersion, '2.0.1');
            strict_1.default.match(result.push.imageRef, new RegExp(`^${imageRepo.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
            // First attempt did the work and "crashed"; the retry found it and did nothing twice.
            strict_1.default.deepEqual(attempts, { build: [false, true], push: [false, true] });
            strict_1.default.equal(result.build.skipped, true);
            strict_1.default.equal(result.push.skipped, true);
            const text = historyText(await handle.fetchHistory()).join('\n');
            strict_1.default.ok(text.includes(result.push.imageRef), 'history payloads are decoded (positive control)');
            strict_1.default.ok(text.includes('simulated worker crash after the push'), 'failures are in the scanned text too');
            strict_1.default.ok(!text.includes(secret), 'registry password leaked into workflow history');
            strict_1.default.ok(!text.includes(Buffer.from(secret).toString('base64')), 'base64 registry password leaked into workflow history');
            const logs = logLines.join('');
            strict_1.default.ok(logs.includes('"msg":"pushed"'), 'activity logs captured (positive control)');
            strict_1.default.ok(logs.includes(`"workflowId":"${id}"`), 'activity logs carry the workflow id');
            strict_1.default.ok(!logs.includes(secret), 'registry password leaked into logs');
        }
        finally {
            await connection.close();
        }
    });
});
//# sourceMappingURL=workflow.test.js.map