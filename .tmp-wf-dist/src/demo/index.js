"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.runDemo = runDemo;
const node_crypto_1 = require("node:crypto");
const dockerode_1 = __importDefault(require("dockerode"));
const worker_1 = require("@temporalio/worker");
const node_path_1 = require("node:path");
const build_1 = require("../activities/build");
const paths_1 = require("../lib/paths");
const context_1 = require("../cli/context");
const exit_codes_1 = require("../cli/exit-codes");
const format_1 = require("../cli/render/format");
const client_1 = require("../client");
const config_1 = require("../dev/config");
const activities_1 = require("../worker/activities");
const logger_1 = require("../worker/logger");
const worker_2 = require("../worker/worker");
const repo_1 = require("./repo");
const spec_1 = require("./spec");
const summary_1 = require("./summary");
const EXPECTED = { v1: 'promoted', v2: 'promoted', v3: 'rolled-back' };
/**
 * `sluice demo`: three real releases of examples/go-service on the embedded stack.
 *   v1  first release, installed;
 *   v2  a good change, canary with analysis, promoted;
 *   v3  a bad change (FAULT_ERROR_RATE baked in), rolled back automatically by analysis.
 * It runs its own worker in this process on a unique task queue, takes versions from a temporary
 * git repository, and removes what it started at the end (the stack keeps running).
 */
async function runDemo(opts) {
    const out = opts.out ?? process.stdout;
    const say = (line = '') => out.write(`${line}\n`);
    const target = opts.target === 'process' ? 'process' : 'docker';
    const stack = (0, config_1.loadStackConfig)();
    const settings = (0, context_1.connectionSettings)(opts);
    const id = (0, node_crypto_1.randomBytes)(3).toString('hex');
    const service = `go-demo-${id}`;
    const taskQueue = `sluice-demo-${id}`;
    const client = await client_1.SluiceClient.connect(settings, { taskQueue });
    const logger = (0, logger_1.createPinoLogger)({ level: process.env.SLUICE_DEMO_LOG_LEVEL ?? 'warn' });
    try {
        worker_1.Runtime.install({ logger: new worker_1.DefaultLogger('WARN') });
    }
    catch {
        // A runtime is installed already (tests); keep it.
    }
    const connection = await worker_1.NativeConnection.connect({ address: settings.address });
    const docker = new dockerode_1.default({ socketPath: stack.docker.socket });
    const artifactStore = (0, build_1.defaultArtifactStore)(stack.stateDir);
    say(`Sluice demo: service ${service}, environment ${spec_1.DEMO_ENVIRONMENT}, ${target} target behind HAProxy`);
    say(`worker on task queue ${taskQueue}; Temporal ${settings.address}; Web UI ${settings.uiUrl}`);
    say('preparing base images (offline, cached after the first run)…');
    const base = await (0, build_1.ensureBaseImages)({ docker, goModuleDir: (0, node_path_1.join)((0, paths_1.packageRoot)(), 'examples', 'go-service'), logger });
    const activities = {
        ...(0, activities_1.createSluiceActivities)({ docker, artifactStore, prometheusUrl: (0, config_1.prometheusUrl)(stack), prometheusTargetsDir: stack.prometheus.targetsDir, logger }),
        // Image builds use the locally prepared base images: nothing is pulled from a registry.
        ...(0, build_1.createBuildActivities)({ docker, artifactStore, logger, defaultBuildArgs: { BUILDER_IMAGE: base.builderImage, RUNTIME_IMAGE: base.runtimeImage } }),
    };
    const worker = await (0, worker_2.createWorker)({ connection, namespace: settings.namespace, taskQueue, activities });
    const running = worker.run();
    const repo = await (0, repo_1.createDemoRepo)();
    const releases = [];
    let lastSpec;
    try {
        const steps = [
            { label: 'v1', tag: 'v1.0.0', message: 'feat: first release of the demo service' },
            { label: 'v2', tag: 'v2.0.0', message: 'feat: friendlier greeting (good change)', change: (0, repo_1.touchReadme)('v2: friendlier greeting') },
            { label: 'v3', tag: 'v3.0.0', message: 'fix: tune defaults (bad change: 30% of requests fail)', change: (0, repo_1.injectErrors)(0.3) },
        ];
        for (const step of steps) {
            const commit = await repo.release(step.tag, step.message, step.change);
            say();
            say(`── ${step.label}: ${step.tag} (${commit}) ${step.message}`);
            lastSpec = (0, spec_1.demoSpec)({ service, repoDir: repo.dir, imageRepo: `${(0, config_1.registryAddress)(stack)}/${service}`, target });
            const started = await client.deploy(lastSpec);
            say(`   workflow ${started.workflowId}  ${started.link}`);
            let result;
            let events = [];
            const seen = new Set();
            for await (const event of client.watch({ service, environment: spec_1.DEMO_ENVIRONMENT }, { runId: started.runId })) {
                const status = event.status;
                if (status) {
                    events = status.events;
                    for (const e of status.events) {
                        const key = `${e.at}|${e.type}|${e.message}`;
                        if (seen.has(key))
                            continue;
                        seen.add(key);
                        say(`   ${(0, format_1.eventLine)(e, status.startedAt)}`);
                    }
                }
                if (event.kind === 'result')
                    result = event.result;
            }
            if (!result)
                throw new Error(`lost track of ${started.workflowId}`);
            say(`   ${(0, format_1.outcomeLabel)(result)}`);
            releases.push({ label: step.label, result, events, link: started.link });
        }
    }
    catch (err) {
        say(`demo stopped: ${err.message}`);
    }
    finally {
        if (!opts.keep && lastSpec)
            await removeDemoService(activities, lastSpec, releases).catch((err) => say(`cleanup: ${err.message}`));
        worker.shutdown();
        await running.catch(() => undefined);
        await connection.close();
        repo.remove();
    }
    say();
    say((0, summary_1.summaryTable)(releases));
    const ok = releases.length === 3 && releases.every((r) => r.result.outcome === EXPECTED[r.label]);
    const restore = releases.find((r) => r.label === 'v3')?.result.timeToRollbackMs;
    say();
    if (restore !== null && restore !== undefined)
        say(`time to restore ${(0, format_1.formatMs)(restore)} (budget ${(0, format_1.formatMs)(summary_1.RESTORE_BUDGET_MS)})`);
    say(`history: sluice history ${service} ${spec_1.DEMO_ENVIRONMENT}`);
    say(ok ? 'demo OK: v1 installed, v2 promoted, v3 rolled back automatically' : 'demo did not go as expected (see above)');
    await client.close();
    return ok ? exit_codes_1.ExitCode.Ok : exit_codes_1.ExitCode.Failed;
}
/** Stops the demo's containers/processes and router entries; images stay retained in the registry. */
async function removeDemoService(activities, spec, releases) {
    const ref = { service: spec.service, environment: spec.environment, target: spec.target, router: spec.router };
    const seen = new Set();
    for (const r of releases) {
        for (const release of [r.result.release, r.result.previous]) {
            if (!release || seen.has(release.version))
                continue;
            seen.add(release.version);
            await activities.retireRelease({ ...ref, release });
        }
    }
}
//# sourceMappingURL=index.js.map