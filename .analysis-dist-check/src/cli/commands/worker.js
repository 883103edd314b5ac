"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerWorkerCommand = registerWorkerCommand;
const context_1 = require("../context");
function registerWorkerCommand(program) {
    const cmd = program
        .command('worker')
        .description('run a Sluice worker: the deployment workflows and the build, registry, target and analysis activities')
        .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port> (0 = off)');
    (0, context_1.addConnectionOptions)(cmd);
    cmd.addHelpText('after', '\nExamples:\n  sluice worker\n  sluice worker --task-queue sluice-ci --address temporal.internal:7233 --tls-cert client.pem --tls-key client.key\n');
    cmd.action(async (opts) => {
        const settings = (0, context_1.connectionSettings)(opts);
        // Loaded on demand: the worker pulls in the workflow bundler and every activity, which the
        // other commands never need.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const worker = require('../../worker/main');
        await worker.runWorker({
            address: settings.address,
            namespace: settings.namespace,
            taskQueue: opts.taskQueue ?? 'sluice',
            metricsPort: opts.metricsPort ? Number(opts.metricsPort) : undefined,
            tls: settings.tls,
            apiKey: settings.apiKey,
        });
    });
}
//# sourceMappingURL=worker.js.map