/**
 * Shared set-up of the workflow-level benchmarks (workflow-rollback, orchestration-overhead):
 * a real worker wired like production (createSluiceActivities) on a unique task queue, the
 * process target (versioned go-service binaries) behind the stack's HAProxy, spec builders, and
 * a cleanup that retires every version it deployed and removes the HAProxy frontend. The same
 * pattern as test/workflows/e2e-process.test.ts.
 */
import { join } from 'node:path';
import pino from 'pino';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createDeployActivities } from '../src/activities/deploy';
import type { DeployPort, TargetRef } from '../src/domain/ports';
import type { Release } from '../src/domain/release';
import type { ReleaseSpecInput } from '../src/domain/spec';
import { validateReleaseSpec } from '../src/domain/validate';
import type { deployWorkflow } from '../src/workflows';
import { deployWorkflowId } from '../src/workflows/ids';
import { catalogue, freePort, stack, uniqueName } from '../test/helpers/stack';
import { adapterConfigFromStack } from '../src/worker/adapters';
import { FAST_STOP_ENV, freePortBlock, release, serviceBinary } from '../test/targets/fixtures';
import { startE2eWorker } from '../test/workflows/support/e2e';

export const ENVIRONMENT = 'bench';

export interface WorkflowRig {
  service: string;
  listenPort: number;
  proxyUrl: string;
  ref: TargetRef;
  client: Client;
  /** The deploy activities called directly (no Temporal), with the worker's deps. */
  acts: DeployPort;
  releaseOf(version: string): Release;
  spec(version: string, strategy: ReleaseSpecInput['strategy']): ReturnType<typeof validateReleaseSpec>;
  start(version: string, strategy: ReleaseSpecInput['strategy']): Promise<WorkflowHandle<typeof deployWorkflow>>;
  cleanup(): Promise<void>;
}

let runtimeInstalled = false;
/** Worker INFO lines would drown the benchmark output; warnings and errors still show. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function workflowRig(name: string, versions: string[]): Promise<WorkflowRig> {
  quietRuntime();
  const service = uniqueName(name).slice(0, 40);
  const listenPort = await freePort();
  const basePort = await freePortBlock(5);
  const e2e = await startE2eWorker(name);
  const binaries: Record<string, string> = {};
  for (const v of versions) binaries[v] = await serviceBinary(v);
  const logger = pino({ level: process.env.SLUICE_LOG_LEVEL ?? 'warn' });

  const router = { kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 2000 } };
  const target = {
    kind: 'process' as const,
    settings: { stateDir: join(e2e.dir, 'processes'), basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000 },
  };
  const ref: TargetRef = { service, environment: ENVIRONMENT, target, router };

  const { client, docker } = e2e;
  // What the worker's deploy activities do (createSluiceActivities), scrape registrations and
  // pair records included, so a comparison with the workflow times the same work.
  const acts = createDeployActivities({
    config: adapterConfigFromStack(stack, { docker }),
    logger,
    prometheusTargetsDir: stack.prometheus.targetsDir,
    pairStore: e2e.artifactStore,
  });

  const spec = (version: string, strategy: ReleaseSpecInput['strategy']) =>
    validateReleaseSpec(
      {
        service,
        environment: ENVIRONMENT,
        source: { kind: 'prebuilt', version, binaryPath: binaries[version]! },
        target,
        router,
        strategy,
        healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
      } satisfies ReleaseSpecInput,
      catalogue,
    );

  return {
    service,
    listenPort,
    proxyUrl: `http://127.0.0.1:${listenPort}/`,
    ref,
    client,
    acts,
    releaseOf: (version) => release(service, version, { binaryPath: binaries[version]! }),
    spec,
    start: (version, strategy) =>
      client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
        taskQueue: e2e.taskQueue,
        workflowId: deployWorkflowId(service, ENVIRONMENT),
        args: [spec(version, strategy)],
      }),
    async cleanup() {
      // Leave nothing behind: every process of every version, then the HAProxy frontend.
      await e2e.stop(
        () => ref,
        versions.map((v) => release(service, v, { binaryPath: binaries[v]! })),
      );
    },
  };
}
