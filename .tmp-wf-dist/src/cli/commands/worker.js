"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerWorkerCommand = registerWorkerCommand;
const context_1 = require("../context");
function registerWorkerCommand(program) {
    const cmd = program
        .command('worker')
        .description('run a Sluice worker: the deployment workflows and the build, registry, target and analysis activities')
        .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port> (0 = any free port; default 9464 or $SLUICE_WORKER_METRICS_PORT)')
        .option('--artifact-store <dir>', 'versioned binary store (default: the embedded stack\'s, or $SLUICE_ARTIFACT_STORE)');
    (0, context_1.addConnectionOptions)(cmd);
    cmd.addHelpText('after', '\nExamples:\n  sluice worker\n  sluice worker --task-queue sluice-ci --metrics-port 0\n\nStops cleanly (drains running activities) on SIGINT/SIGTERM.\n');
    cmd.action(async (opts) => {
        const settings = (0, context_1.connectionSettings)(opts);
        if (settings.tls || settings.apiKey) {
            // src/worker/main.ts connects with an address only so far.
            throw new Error('the worker does not support TLS or API keys yet; run it next to a plaintext frontend');
        }
        // Loaded on demand: the worker pulls in the workflow bundler and every activity, which the
        // other commands never need.
        const { runWorker, workerOptionsFrom } = require('../../worker/main');
        const base = workerOptionsFrom([], process.env);
        await runWorker({
            ...base,
            address: settings.address,
            namespace: settings.namespace,
            taskQueue: opts.taskQueue ?? base.taskQueue,
            ...(opts.metricsPort !== undefined ? { metricsPort: Number(opts.metricsPort) } : {}),
            ...(opts.artifactStore ? { artifactStore: opts.artifactStore } : {}),
        });
    });
}
//# sourceMappingURL=worker.js.map