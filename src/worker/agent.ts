/**
 * The Sluice agent (`sluice agent --host <name>`): a worker on one host of a fleet that runs that
 * host's own deploy activities (its Docker engine, its processes, its files) on the host's task
 * queue (src/domain/fleet.ts). No workflows: the release workflow on the central worker decides,
 * the agent only acts. It dials out to Temporal, so the host needs no inbound port for Sluice.
 *
 * Every step heartbeats every second while it runs, so the workflow notices an agent that died
 * mid-step within its heartbeat timeout (src/workflows/hosts.ts) and retries the step on the
 * agent that comes back; the steps are idempotent (src/domain/ports.ts).
 */
import { NativeConnection, Worker, type NativeConnectionOptions } from '@temporalio/worker';
import type pino from 'pino';
import type { AdapterConfig } from '../activities/config';
import { createDeployActivities } from '../activities/deploy';
import { hostTaskQueue } from '../domain/fleet-names';
import type { DeployPort, HostInventoryPort } from '../domain/ports';
import { createTarget } from '../activities/targets/registry';
import { heartbeatWhileRunning } from '../activities/targets/activity-context';
import { dataConverterFromEnv } from '../lib/payload-encryption';

export interface AgentOptions {
  host: string;
  address: string;
  namespace: string;
  connection: NativeConnectionOptions;
  /** The host's own Docker socket, state directory (processes, retained binaries) and HAProxy run dir. */
  adapters: AdapterConfig;
  logger: pino.Logger;
}

export function agentActivities(adapters: AdapterConfig, logger: pino.Logger): Omit<DeployPort, 'probeHealth'> & HostInventoryPort {
  const { probeHealth: _unused, ...deploy } = createDeployActivities({ config: adapters, logger });
  void _unused;
  const inventory: HostInventoryPort = {
    async retainedOnHost(ref) {
      const target = createTarget(ref.target.kind, ref.target.settings, adapters);
      return target.retained ? target.retained({ service: ref.service, environment: ref.environment, workflowId: 'inventory' }) : [];
    },
  };
  // The deploy activities heartbeat while they run already (createDeployActivities).
  return { ...deploy, ...heartbeatWhileRunning(inventory) };
}

/** Runs the agent until SIGINT/SIGTERM, then drains running steps and stops. */
export async function runAgent(options: AgentOptions): Promise<void> {
  // The workflow's activity inputs reach the agent encrypted when the worker encrypts them.
  const dataConverter = dataConverterFromEnv(process.env);
  const connection = await NativeConnection.connect(options.connection);
  try {
    const worker = await Worker.create({
      connection,
      namespace: options.namespace,
      taskQueue: hostTaskQueue(options.host),
      activities: agentActivities(options.adapters, options.logger),
      ...(dataConverter ? { dataConverter } : {}),
    });
    const stop = () => worker.shutdown();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    options.logger.info({ host: options.host, address: options.address, taskQueue: hostTaskQueue(options.host) }, 'agent started');
    await worker.run();
    options.logger.info({ host: options.host }, 'agent stopped');
  } finally {
    await connection.close();
  }
}
