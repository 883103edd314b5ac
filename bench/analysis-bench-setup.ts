/**
 * Shared setup of the analysis-detection benchmark, the release of the analysis e2e test
 * (test/workflows/support/process-release.ts): a unique service on the process target behind its own
 * HAProxy frontend, an in-process worker on a unique task queue against the shared Temporal dev
 * server, the stable release deployed, and a cleanup that retires every release and removes the
 * router fragment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createDeployActivities } from '../src/activities/deploy';
import type { AnalysisTemplateInput } from '../src/activities/metrics/templates';
import { createRouter } from '../src/activities/routers/registry';
import { prometheusUrl, temporalConnectionOptions } from '../src/dev/config';
import { settleDeployment } from '../src/domain/result';
import type { DeploymentResult } from '../src/domain/status';
import type { deployWorkflow } from '../src/workflows';
import { deployWorkflowId } from '../src/workflows/ids';
import { createSluiceActivities } from '../src/worker/activities';
import { createWorker } from '../src/worker/worker';
import { adapterConfig, freePort, stack, temporalClient, uniqueName } from '../test/helpers/stack';
import { freePortBlock, serviceBinary } from '../test/targets/fixtures';
import { release, workflowBundle } from '../test/workflows/support/harness';
import { haproxyRouter, prebuiltCanarySpec, processTarget, type CanarySteps } from '../test/workflows/support/process-release';

export const STABLE = '1.0.0+aaa1111';
/** The bad release: the stable's sibling binary with 15% of its answers turned into 500s. */
export const BAD = '1.1.0+bbb2222';
const environment = 'bench';

export interface AnalysisRig {
  service: string;
  environment: string;
  client: Client;
  /** The service's HAProxy frontend port. */
  listenPort: number;
  deploy(version: string, steps: CanarySteps, templates: AnalysisTemplateInput[]): Promise<WorkflowHandle<typeof deployWorkflow>>;
  cleanup(): Promise<void>;
}

export async function analysisRig(): Promise<AnalysisRig> {
  // Worker INFO lines would drown the benchmark's table.
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed
  }
  const service = uniqueName('bench-ana').slice(0, 40);
  const taskQueue = uniqueName('bench-ana');
  const listenPort = await freePort();
  const basePort = await freePortBlock(5);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-ana-'));
  const binaries: Record<string, string> = { [STABLE]: await serviceBinary(STABLE), [BAD]: await serviceBinary(BAD) };

  const router = () => haproxyRouter(listenPort);
  const target = () => processTarget(join(dir, 'processes'), basePort, { [BAD]: { FAULT_ERROR_RATE: '0.15' } });
  const specFor = (version: string, steps: CanarySteps, templates: AnalysisTemplateInput[]) =>
    prebuiltCanarySpec({
      service,
      environment,
      version,
      binaryPath: binaries[version]!,
      target: target(),
      router: router(),
      steps,
      analysis: { templates, load: { ratePerSecond: 40, via: 'candidate' }, rateWindow: '15s' },
    });

  const { client, connection } = await temporalClient();
  const native = await NativeConnection.connect(temporalConnectionOptions(stack));
  const activities = createSluiceActivities({
    docker: new Docker({ socketPath: stack.docker.socket }),
    artifactStore: join(dir, 'artifacts'),
    prometheusUrl: prometheusUrl(stack),
    prometheusTargetsDir: stack.prometheus.targetsDir,
    logger: pino({ level: 'warn' }),
  });
  const worker: Worker = await createWorker({ connection: native, namespace: stack.temporal.namespace, taskQueue, activities, workflowBundle: await workflowBundle() });
  const running = worker.run();

  const deploy = (version: string, steps: CanarySteps, templates: AnalysisTemplateInput[]) =>
    client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue,
      workflowId: deployWorkflowId(service, environment),
      args: [specFor(version, steps, templates)],
    });

  const rig: AnalysisRig = {
    service,
    environment,
    client,
    listenPort,
    deploy,
    async cleanup() {
      const deployActivities = createDeployActivities({ config: adapterConfig, logger: pino({ level: 'warn' }), prometheusTargetsDir: stack.prometheus.targetsDir });
      const ref = { service, environment, target: target(), router: router() };
      for (const version of [STABLE, BAD]) await deployActivities.retireRelease({ ...ref, release: release(service, version) }).catch(() => undefined);
      await createRouter('haproxy', router().settings, adapterConfig)
        .remove({ service, environment })
        .catch(() => undefined);
      worker.shutdown();
      await running;
      await native.close();
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const first: DeploymentResult = await settleDeployment((await deploy(STABLE, [{ kind: 'setWeight', weight: 100 }], [])).result());
    if (first.outcome !== 'promoted') throw new Error(`stable ${STABLE} not promoted: ${first.message}`);
  } catch (err) {
    await rig.cleanup();
    throw err;
  }
  return rig;
}
