/**
 * The release the end-to-end analysis tests and the analysis benchmark run: a prebuilt go-service
 * binary on the process target behind its own HAProxy frontend, a canary with fast health checks
 * and the given analysis. One place, so the tests (and bench/analysis-bench-setup.ts) agree.
 */
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { defaultSequentialTemplate, defaultThresholdTemplate } from '../../../src/activities/metrics/templates';
import type { ReleaseSpecInput } from '../../../src/domain/spec';
import { validateReleaseSpec } from '../../../src/domain/validate';
import { catalogue } from '../../helpers/stack';
import { FAST_STOP_ENV } from '../../targets/fixtures';
import type { deployWorkflow } from '../../../src/workflows';
import { deployWorkflowId } from '../../../src/workflows/ids';

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
