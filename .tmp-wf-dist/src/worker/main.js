"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.workerOptionsFrom = workerOptionsFrom;
exports.runWorker = runWorker;
/**
 * The worker process: `node dist/src/worker/main.js [--task-queue sluice] [--metrics-port 9464]`.
 * Connects to Temporal, builds the real clients (dockerode on the stack's socket, Prometheus URL,
 * artifact store), registers the workflows and activities, serves /metrics on loopback, and
 * drains cleanly on SIGINT/SIGTERM.
 */
const node_util_1 = require("node:util");
const dockerode_1 = __importDefault(require("dockerode"));
const worker_1 = require("@temporalio/worker");
const build_1 = require("../activities/build");
const config_1 = require("../dev/config");
const activities_1 = require("./activities");
const logger_1 = require("./logger");
const metrics_1 = require("./metrics");
const worker_2 = require("./worker");
function workerOptionsFrom(argv, env = process.env) {
    const stack = (0, config_1.loadStackConfig)(env);
    const { values } = (0, node_util_1.parseArgs)({
        args: argv,
        options: {
            address: { type: 'string' },
            namespace: { type: 'string' },
            'task-queue': { type: 'string' },
            'metrics-port': { type: 'string' },
            'docker-socket': { type: 'string' },
            'artifact-store': { type: 'string' },
            'prometheus-url': { type: 'string' },
        },
        strict: true,
    });
    const metricsPort = Number(values['metrics-port'] ?? env.SLUICE_WORKER_METRICS_PORT ?? metrics_1.DEFAULT_METRICS_PORT);
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)
        throw new Error(`--metrics-port must be 0-65535, got ${values['metrics-port']}`);
    return {
        address: values.address ?? env.TEMPORAL_ADDRESS ?? (0, config_1.temporalAddress)(stack),
        namespace: values.namespace ?? env.TEMPORAL_NAMESPACE ?? stack.temporal.namespace,
        taskQueue: values['task-queue'] ?? env.SLUICE_TASK_QUEUE ?? worker_2.DEFAULT_TASK_QUEUE,
        // Loopback only: the endpoint has no authentication.
        metricsHost: '127.0.0.1',
        metricsPort,
        dockerSocket: values['docker-socket'] ?? env.SLUICE_DOCKER_SOCKET ?? stack.docker.socket,
        artifactStore: values['artifact-store'] ?? env.SLUICE_ARTIFACT_STORE ?? (0, build_1.defaultArtifactStore)(stack.stateDir),
        prometheusUrl: values['prometheus-url'] ?? env.SLUICE_PROMETHEUS_URL ?? (0, config_1.prometheusUrl)(stack),
        prometheusTargetsDir: stack.prometheus.targetsDir,
    };
}
async function runWorker(options) {
    const logger = (0, logger_1.createPinoLogger)();
    worker_1.Runtime.install({ logger: (0, logger_1.temporalLogger)(logger) });
    const metrics = (0, metrics_1.createWorkerMetrics)();
    const served = await (0, metrics_1.serveMetrics)(metrics, { host: options.metricsHost, port: options.metricsPort });
    const connection = await worker_1.NativeConnection.connect({ address: options.address });
    const activities = (0, activities_1.createSluiceActivities)({
        docker: new dockerode_1.default({ socketPath: options.dockerSocket }),
        artifactStore: options.artifactStore,
        prometheusUrl: options.prometheusUrl,
        prometheusTargetsDir: options.prometheusTargetsDir,
        logger,
    });
    const worker = await (0, worker_2.createWorker)({ connection, namespace: options.namespace, taskQueue: options.taskQueue, activities, metrics });
    logger.info({ taskQueue: options.taskQueue, address: options.address, namespace: options.namespace, metrics: served.url }, 'sluice worker ready');
    const stop = (signal) => {
        logger.info({ signal }, 'draining: finishing running activities, then exiting');
        worker.shutdown();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    try {
        await worker.run();
    }
    finally {
        served.server.close();
        await connection.close();
    }
}
if (require.main === module) {
    runWorker(workerOptionsFrom(process.argv.slice(2))).catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
//# sourceMappingURL=main.js.map