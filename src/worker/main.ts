/**
 * The worker process: `node dist/src/worker/main.js [--task-queue sluice] [--metrics-port 9464]`.
 * Connects to Temporal, builds the real clients (dockerode on the stack's socket, Prometheus URL,
 * artifact store), registers the workflows and activities, serves /metrics on loopback (its own
 * metrics, the release state from visibility and Temporal Core's), registers that endpoint with
 * the embedded Prometheus (job sluice-worker), and drains cleanly on SIGINT/SIGTERM, unregistering.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime, type NativeConnectionOptions } from '@temporalio/worker';
import { APPROVER_KEYS_ENV, readApproverKeys } from '../activities/approvals';
import { defaultArtifactStore } from '../activities/build';
import { dataConverterFromEnv } from '../lib/payload-encryption';
import { loadStackConfig, prometheusUrl, SEARCH_ATTRIBUTE_TYPES, SEARCH_ATTRIBUTES, temporalAddress, temporalConnectionOptions } from '../dev/config';
import type { DockerEngine } from '../activities/config';
import { createSluiceActivities } from './activities';
import { dockerEngineFromEnv } from './adapters';
import { createPinoLogger, temporalLogger, type PinoLogger } from './logger';
import { coreMetricsEndpoint, coreTelemetryOptions } from './core-metrics';
import { DEFAULT_METRICS_PORT } from './metrics';
import { startWorkerTelemetry } from './telemetry';
import { createWorker, DEFAULT_TASK_QUEUE } from './worker';

export interface WorkerMainOptions {
  address: string;
  namespace: string;
  /** TLS / mTLS, API key, gRPC metadata: Temporal's own config file + TEMPORAL_* environment. */
  connection: NativeConnectionOptions;
  taskQueue: string;
  metricsHost: string;
  /** 0 = pick a free port. */
  metricsPort: number;
  dockerSocket: string;
  /**
   * The docker target's engine from Docker's own variables (DOCKER_HOST, DOCKER_TLS_VERIFY,
   * DOCKER_CERT_PATH), when neither --docker-socket nor SLUICE_DOCKER_SOCKET names a socket.
   * Builds and pushes stay on `dockerSocket`.
   */
  dockerEngine: DockerEngine | undefined;
  artifactStore: string;
  prometheusUrl: string;
  prometheusTargetsDir: string;
  /** The embedded Prometheus's file-SD directory for workers; undefined = register nowhere. */
  workerTargetsDir: string | undefined;
}

export function workerOptionsFrom(argv: string[], env: NodeJS.ProcessEnv = process.env): WorkerMainOptions {
  const stack = loadStackConfig(env);
  const { values } = parseArgs({
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
  // Temporal's standard client configuration (temporal.toml profile, TEMPORAL_ADDRESS,
  // TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*), the same the CLI and client read.
  const connect = loadClientConnectConfig({ overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) });
  const metricsPort = Number(values['metrics-port'] ?? env.SLUICE_WORKER_METRICS_PORT ?? DEFAULT_METRICS_PORT);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) throw new Error(`--metrics-port must be 0-65535, got ${values['metrics-port']}`);
  const address = values.address ?? connect.connectionOptions.address ?? temporalAddress(stack);
  // The embedded cluster's client certificate for its own address, when nothing else names TLS (as the CLI does).
  const stackTls = address === temporalAddress(stack) && connect.connectionOptions.tls === undefined ? temporalConnectionOptions(stack).tls : undefined;
  return {
    address,
    namespace: values.namespace ?? connect.namespace ?? stack.temporal.namespace,
    connection: { ...connect.connectionOptions, ...(stackTls ? { tls: stackTls } : {}) },
    taskQueue: values['task-queue'] ?? env.SLUICE_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    // Loopback only: the endpoint has no authentication.
    metricsHost: '127.0.0.1',
    metricsPort,
    dockerSocket: values['docker-socket'] ?? env.SLUICE_DOCKER_SOCKET ?? stack.docker.socket,
    dockerEngine: values['docker-socket'] === undefined && env.SLUICE_DOCKER_SOCKET === undefined ? dockerEngineFromEnv(env) : undefined,
    artifactStore: values['artifact-store'] ?? env.SLUICE_ARTIFACT_STORE ?? defaultArtifactStore(stack.stateDir),
    prometheusUrl: values['prometheus-url'] ?? env.SLUICE_PROMETHEUS_URL ?? prometheusUrl(stack),
    prometheusTargetsDir: stack.prometheus.targetsDir,
    // Only where an embedded stack's Prometheus lives; elsewhere the operator configures scraping.
    workerTargetsDir: env.SLUICE_WORKER_TARGETS_DIR ?? (existsSync(dirname(stack.prometheus.workersDir)) ? stack.prometheus.workersDir : undefined),
  };
}

/**
 * Every deployment upserts the Sluice search attributes; on a namespace without them its first
 * workflow task fails. Say so at start, with the command that fixes it (the embedded stack
 * registers them itself).
 */
export async function missingSearchAttributes(address: string, namespace: string, options: NativeConnectionOptions = {}): Promise<string[]> {
  const connection = await clientConnection(address, options);
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return SEARCH_ATTRIBUTES.filter((name) => !(name in (customAttributes ?? {})));
  } finally {
    await connection.close();
  }
}

/** A client connection with the worker's settings (visibility reads, the operator API). */
function clientConnection(address: string, options: NativeConnectionOptions): Promise<Connection> {
  const tls = options.tls ?? undefined;
  return Connection.connect({
    address,
    ...(tls ? { tls } : {}),
    ...(typeof options.apiKey === 'string' ? { apiKey: options.apiKey } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}

async function warnAboutSearchAttributes(options: WorkerMainOptions, logger: PinoLogger): Promise<void> {
  try {
    const missing = await missingSearchAttributes(options.address, options.namespace, options.connection);
    if (missing.length > 0) {
      const fix = missing
        .map(
          (n) =>
            `temporal operator search-attribute create --namespace ${options.namespace} --name ${n} --type ${SEARCH_ATTRIBUTE_TYPES[n as keyof typeof SEARCH_ATTRIBUTE_TYPES] ?? 'Keyword'}`,
        )
        .join(' && ');
      logger.error({ missing, fix }, `namespace ${options.namespace} lacks the search attributes ${missing.join(', ')}: deployments will fail until they are created`);
    }
  } catch (err) {
    // Some hosted namespaces refuse the operator API to workers; the check is advice, not a gate.
    logger.warn({ err: (err as Error).message }, 'could not list search attributes');
  }
}

export async function runWorker(options: WorkerMainOptions): Promise<void> {
  const logger = createPinoLogger();
  const core = await coreMetricsEndpoint(options.metricsHost);
  Runtime.install({ logger: temporalLogger(logger), telemetryOptions: coreTelemetryOptions(core) });
  // Read before connecting: a bad keys file stops the worker at once, by name.
  const dataConverter = dataConverterFromEnv(process.env);
  // Likewise a broken approver keys directory: refused now, not at the first approval.
  const approverKeysDir = process.env[APPROVER_KEYS_ENV];
  const approverKeys = approverKeysDir ? readApproverKeys(approverKeysDir).size : undefined;
  const visibility = await clientConnection(options.address, options.connection);
  const visibilityClient = new Client({ connection: visibility, namespace: options.namespace, ...(dataConverter ? { dataConverter } : {}) });
  const telemetry = await startWorkerTelemetry({
    host: options.metricsHost,
    port: options.metricsPort,
    core,
    visibility: { client: visibilityClient, taskQueue: options.taskQueue },
    ...(options.workerTargetsDir ? { registrationDir: options.workerTargetsDir } : {}),
    labels: { worker_task_queue: options.taskQueue },
    onError: (err, what) => logger.warn({ err: err.message }, what),
  });
  try {
    const connection = await NativeConnection.connect({ ...options.connection, address: options.address });
    try {
      await warnAboutSearchAttributes(options, logger);
      const activities = createSluiceActivities({
        docker: new Docker({ socketPath: options.dockerSocket }),
        dockerSocket: options.dockerSocket,
        ...(options.dockerEngine ? { dockerEngine: options.dockerEngine } : {}),
        artifactStore: options.artifactStore,
        prometheusUrl: options.prometheusUrl,
        prometheusTargetsDir: options.prometheusTargetsDir,
        logger,
        metricsRegistry: telemetry.metrics.registry,
      });
      const worker = await createWorker({ connection, namespace: options.namespace, taskQueue: options.taskQueue, activities, metrics: telemetry.metrics, dataConverter });
      logger.info(
        {
          taskQueue: options.taskQueue,
          address: options.address,
          namespace: options.namespace,
          metrics: telemetry.url,
          registration: telemetry.registration?.path,
          // Where the docker target deploys by default: the address only, never key material.
          dockerEngine: options.dockerEngine?.host ?? `unix://${options.dockerSocket}`,
          payloadEncryption: dataConverter ? 'on' : 'off',
          // How approvals are checked (docs/workflows.md "Who may approve"): a count, not the names.
          approvals: approverKeys === undefined ? 'by name (unverified)' : `signed (${approverKeys} approver keys in ${approverKeysDir})`,
        },
        'sluice worker ready',
      );
      const stop = (signal: string) => {
        logger.info({ signal }, 'draining: finishing running activities, then exiting');
        worker.shutdown();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      await worker.run();
    } finally {
      await connection.close();
    }
  } finally {
    // A clean stop only: a crashed worker never gets here and stays registered, so Prometheus
    // sees it down and SluiceWorkerDown fires.
    await telemetry.close();
    await visibility.close();
  }
}

if (require.main === module) {
  runWorker(workerOptionsFrom(process.argv.slice(2))).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
