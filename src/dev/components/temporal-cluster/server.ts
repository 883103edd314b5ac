import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { logFile, pidFile, type Component } from '../../component';
import { temporalConnectionOptions, type StackConfig } from '../../config';
import { tcpOpen, waitFor } from '../../probe';
import { spawnDaemon } from '../../process';
import { registerSearchAttributes } from '../temporal';
import { loadTemporalClusterConfig, requireClusterBinary, TEMPORAL_SERVER_VERSION, TEMPORAL_SERVICES, type TemporalClusterConfig, type TemporalService } from './config';
import { postgresPassword } from './password';
import { ensureClusterPki } from './pki';
import { postgresReady } from './postgres';
import { ensureSchema } from './schema';
import { METRICS_PORT_ENV, SQL_PASSWORD_ENV, writeServerConfig } from './server-config';

/** Component names: `temporal-worker` would read as a Sluice worker, so Temporal's own is the system worker. */
export function serviceComponentName(service: TemporalService): string {
  return service === 'worker' ? 'temporal-system-worker' : `temporal-${service}`;
}

/** As the stack's own client, with its certificate (loadStackConfig gives a cluster's state dir its mTLS files). */
async function connect(config: StackConfig): Promise<Connection> {
  return Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: 2000 });
}

/**
 * The frontend answers, and it is this cluster's: a dev server on the same port also answers
 * getSystemInfo, but keeps its history in SQLite.
 */
async function frontendHealthy(config: StackConfig): Promise<boolean> {
  if (!(await tcpOpen(config.temporal.host, config.temporal.port))) return false;
  try {
    const connection = await connect(config);
    try {
      const info = await connection.workflowService.getClusterInfo({});
      return info.persistenceStore === 'postgres12';
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** Retention of closed releases' histories in the namespace the cluster registers. */
const RETENTION = '7 days';

async function ensureNamespace(config: StackConfig): Promise<void> {
  const connection = await connect(config);
  try {
    const namespace = config.temporal.namespace;
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== 5) throw err; // NOT_FOUND
    }
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION), description: 'Sluice releases (sluice dev up --temporal cluster)' })
      .catch((err: { code?: number }) => {
        if (err.code !== 6) throw err; // ALREADY_EXISTS: another `dev up` registered it
      });
  } finally {
    await connection.close();
  }
}

/** Retries `step` until it succeeds: a new namespace reaches each service's cache only after a few seconds. */
async function retried(what: string, step: () => Promise<void>, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the Temporal cluster did not ${what} within ${timeoutMs / 1000} s: ${(err as Error).message}`, { cause: err });
    }
    await sleep(500);
  }
}

/**
 * The whole path works, not only the frontend: a workflow is started (history), its first task is
 * queued (matching), and it is terminated and deleted.
 */
async function probeCluster(config: StackConfig): Promise<void> {
  const connection = await connect(config);
  try {
    const workflowId = `sluice-cluster-probe-${Date.now()}`;
    await connection.workflowService.startWorkflowExecution({
      namespace: config.temporal.namespace,
      workflowId,
      workflowType: { name: 'sluice-cluster-probe' },
      taskQueue: { name: 'sluice-cluster-probe' },
      requestId: workflowId,
      identity: 'sluice dev up',
    });
    await connection.workflowService.terminateWorkflowExecution({
      namespace: config.temporal.namespace,
      workflowExecution: { workflowId },
      reason: 'readiness probe of sluice dev up',
      identity: 'sluice dev up',
    });
    // Out of the Web UI's list of releases.
    await connection.workflowService.deleteWorkflowExecution({ namespace: config.temporal.namespace, workflowExecution: { workflowId } });
  } finally {
    await connection.close();
  }
}

function serviceComponent(service: TemporalService): Component {
  const name = serviceComponentName(service);
  return {
    name,
    readyTimeoutMs: 90000,
    url: (config) => {
      const ports = loadTemporalClusterConfig(config).services[service];
      return `grpc://127.0.0.1:${ports.grpc} (membership ${ports.membership}, metrics http://127.0.0.1:${ports.metrics}/metrics)`;
    },
    ports: (config) => {
      const ports = loadTemporalClusterConfig(config).services[service];
      return [ports.grpc, ports.membership, ports.metrics];
    },
    async healthy(config) {
      if (service === 'frontend') return frontendHealthy(config);
      const ports = loadTemporalClusterConfig(config).services[service];
      return (await tcpOpen('127.0.0.1', ports.grpc)) && tcpOpen('127.0.0.1', ports.membership);
    },
    async start(config) {
      const cluster: TemporalClusterConfig = loadTemporalClusterConfig(config);
      const bin = requireClusterBinary(cluster.bins.server, `Temporal server ${TEMPORAL_SERVER_VERSION}`);
      writeServerConfig(cluster, await ensureClusterPki(config));
      // Components start side by side: every service needs the store and its schema first.
      await waitFor('temporal-postgres', () => postgresReady(cluster), 60000, `see ${logFile(config, 'temporal-postgres')}`);
      await ensureSchema(cluster);
      // On a new database the first service to start records the cluster's metadata; several
      // at once race to insert it and the losers exit ("failed to initialize current cluster
      // metadata"). The frontend goes first, the others once it answers.
      if (service !== 'frontend') await waitFor('temporal-frontend', () => frontendHealthy(config), 60000, `see ${logFile(config, 'temporal-frontend')}`);
      spawnDaemon({
        command: bin,
        args: ['--config-file', cluster.serverConfigFile, '--allow-no-auth', 'start', '--service', service],
        env: { ...process.env, [SQL_PASSWORD_ENV]: postgresPassword(cluster), [METRICS_PORT_ENV]: String(cluster.services[service].metrics) },
        logFile: logFile(config, name),
        pidFile: pidFile(config, name),
        cwd: cluster.dir,
      });
    },
    ...(service === 'frontend'
      ? {
          async ensureConfigured(config: StackConfig) {
            await ensureNamespace(config);
            await retried('add the search attributes', () => registerSearchAttributes(config));
            await retried('start a probe workflow', () => probeCluster(config));
          },
        }
      : {}),
  };
}

/** One component per service, in the order `dev down` should stop them last-to-first. */
export const TEMPORAL_SERVICE_COMPONENTS: readonly Component[] = TEMPORAL_SERVICES.map(serviceComponent);
