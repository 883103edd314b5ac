/**
 * The release the end-to-end analysis tests and the analysis benchmark run: a prebuilt go-service
 * binary on the process target behind its own HAProxy frontend, a canary with fast health checks
 * and the given analysis. One place, so the tests (and bench/analysis-bench-setup.ts) agree.
 */
import { join } from 'node:path';
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { defaultSequentialTemplate, defaultThresholdTemplate } from '../../../src/activities/metrics/templates';
import type { ReleaseSpecInput } from '../../../src/domain/spec';
import { validateReleaseSpec } from '../../../src/domain/validate';
import { settleDeployment } from '../../../src/domain/result';
import type { deployWorkflow } from '../../../src/workflows';
import { deployWorkflowId } from '../../../src/workflows/ids';
import { catalogue, freePort } from '../../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary } from '../../targets/fixtures';
import { retainBinary, startE2eWorker, type E2eWorker } from './e2e';
import { release as releaseOf } from './harness';

export type CanarySteps = Extract<ReleaseSpecInput['strategy'], { kind: 'canary' }>['steps'];

/** Pid files, logs and retained binaries under `stateDir` (the test's temp dir); `releaseEnv` injects a fault into a version. */
export function processTarget(stateDir: string, basePort: number, releaseEnv: Record<string, Record<string, string>> = {}) {
  return { kind: 'process' as const, settings: { stateDir, basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000, releaseEnv } };
}

export function haproxyRouter(listenPort: number, drainTimeoutMs = 1000) {
  return { kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs } };
}

export interface PrebuiltCanary {
  service: string;
  environment: string;
  version: string;
  binaryPath: string;
  target: ReleaseSpecInput['target'];
  router: ReleaseSpecInput['router'];
  steps: CanarySteps;
  analysis: ReleaseSpecInput['analysis'];
}

export function prebuiltCanarySpec(o: PrebuiltCanary) {
  return validateReleaseSpec(
    {
      service: o.service,
      environment: o.environment,
      source: { kind: 'prebuilt', version: o.version, binaryPath: o.binaryPath },
      target: o.target,
      router: o.router,
      strategy: { kind: 'canary', steps: o.steps, scaleDownDelay: '0s' },
      healthCheck: { interval: '300ms', window: '1s', failureThreshold: 3, timeout: '1s' },
      analysis: o.analysis,
    } satisfies ReleaseSpecInput,
    catalogue,
  );
}

/** The templates the end-to-end analysis tests release with: `errors` (threshold: error rate, p99) and `sequential`, load through the candidate. */
export function errorsAndSequential(o: { intervalMs: number; count: number; initialDelay: string; maxDurationMs: number }): ReleaseSpecInput['analysis'] {
  const interval = `${o.intervalMs}ms`;
  return {
    templates: [
      { ...defaultThresholdTemplate({ interval, count: o.count, initialDelay: o.initialDelay, inconclusivePolicy: 'rollback' }), name: 'errors' },
      { ...defaultSequentialTemplate({ interval, maxDuration: `${o.maxDurationMs}ms`, minRequests: 50, inconclusivePolicy: 'rollback' }), name: 'sequential' },
    ],
    load: { ratePerSecond: 40, via: 'candidate' },
    rateWindow: '10s',
  };
}

export interface ServiceReleases {
  client: Client;
  taskQueue: string;
  binaries: Record<string, string>;
  release: Omit<PrebuiltCanary, 'version' | 'binaryPath' | 'steps'>;
}

/** Starts a canary of `version` (its binary from `binaries`) as deployWorkflow of the service; `base` is read at each start. */
export function canaryStarter(base: () => ServiceReleases): (version: string, steps: CanarySteps) => Promise<WorkflowHandleWithFirstExecutionRunId<typeof deployWorkflow>> {
  return (version, steps) => {
    const b = base();
    return b.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue: b.taskQueue,
      workflowId: deployWorkflowId(b.release.service, b.release.environment),
      args: [prebuiltCanarySpec({ ...b.release, version, binaryPath: b.binaries[version]!, steps })],
    });
  };
}

/** Versions the analysis tests release: v1 installed first, v2 good, v3 = v2's binary answering 15% 500s, v4 good. */
export const ANALYSED_VERSIONS = { v1: '1.0.0+aaa1111', v2: '1.1.0+bbb2222', v3: '1.2.0+ccc3333', v4: '1.3.0+ddd4444' } as const;

export interface AnalysedService {
  e2e: E2eWorker;
  /** The service's HAProxy frontend port. */
  listenPort: number;
  start(version: string, steps: CanarySteps): Promise<WorkflowHandleWithFirstExecutionRunId<typeof deployWorkflow>>;
  /** The validated spec `start` releases `version` with (a drill's spec, say). */
  spec(version: string, steps: CanarySteps): ReturnType<typeof prebuiltCanarySpec>;
  /** Retires every version, removes the router entry, stops the worker. */
  stop(): Promise<void>;
}

/**
 * The analysis tests' service on its own e2e worker, ports and frontend, with ANALYSED_VERSIONS
 * built and v1 promoted (no analysis: the first release of a service skips its steps).
 */
export async function analysedService(o: { prefix: string; service: string; environment: string; analysis: ReleaseSpecInput['analysis'] }): Promise<AnalysedService> {
  const { v1, v2, v3, v4 } = ANALYSED_VERSIONS;
  const listenPort = await freePort();
  const basePort = await freePortBlock(5);
  const e2e = await startE2eWorker(o.prefix);
  const binary = await serviceBinary(v2);
  const built: Record<string, string> = { [v1]: await serviceBinary(v1), [v2]: binary, [v3]: binary, [v4]: await serviceBinary(v4) };
  // Retained in the worker's artifact store, as a build would leave them: rollbacks (and drills) find them there.
  const binaries = Object.fromEntries(Object.entries(built).map(([v, path]) => [v, retainBinary(join(e2e.dir, 'artifacts'), o.service, v, path)]));
  const router = haproxyRouter(listenPort);
  const target = processTarget(join(e2e.dir, 'processes'), basePort, { [v3]: { FAULT_ERROR_RATE: '0.15' } });
  const release = { service: o.service, environment: o.environment, target, router, analysis: o.analysis };
  const start = canaryStarter(() => ({ client: e2e.client, taskQueue: e2e.taskQueue, binaries, release }));
  const rig: AnalysedService = {
    e2e,
    listenPort,
    start,
    spec: (version, steps) => prebuiltCanarySpec({ ...release, version, binaryPath: binaries[version]!, steps }),
    stop: () =>
      e2e.stop(
        () => ({ service: o.service, environment: o.environment, target, router }),
        [v1, v2, v3, v4].map((v) => releaseOf(o.service, v)),
      ),
  };
  try {
    const first = await settleDeployment((await start(v1, [{ kind: 'setWeight', weight: 100 }])).result());
    if (first.outcome !== 'promoted') throw new Error(`the first release of ${o.service} ended ${first.outcome}: ${first.message}`);
  } catch (err) {
    await rig.stop();
    throw err;
  }
  return rig;
}
