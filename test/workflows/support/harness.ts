/**
 * Shared set-up for workflow tests: one workflow bundle per file, an in-process worker on a
 * unique task queue with the file-target activities, a client, and spec builders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createApprovalActivities } from '../../../src/activities/approvals';
import { imageTagForVersion, type Release } from '../../../src/domain/release';
import type { ReleaseSpecInput } from '../../../src/domain/spec';
import { validateReleaseSpec } from '../../../src/domain/validate';
import type { DeploymentResult, DeploymentStatus } from '../../../src/domain/status';
import { settleDeployment } from '../../../src/domain/result';
import { statusQuery } from '../../../src/workflows/definitions';
import { deployWorkflowId } from '../../../src/workflows/ids';
import type { deployWorkflow } from '../../../src/workflows';
import type { WorkerMetrics } from '../../../src/worker/metrics';
import { createWorker, workflowsPath } from '../../../src/worker/worker';
import { dataConverterOption, eventually, nativeConnection, stack, temporalClient, uniqueName } from '../../helpers/stack';
import { createFileTargetActivities, FILE_FAKE, fileFakeCatalogue, writeState } from './file-target';
import { startHealthServer } from './health-server';

export interface Harness {
  client: Client;
  connection: Connection;
  taskQueue: string;
  dir: string;
  healthBase: string;
  worker: Worker;
  close(): Promise<void>;
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietLogger });
  return bundlePromise;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

let runtimeInstalled = false;
/** Worker INFO lines would drown the test report; warnings and errors still show. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by another harness in this process.
  }
}

export async function startHarness(options: { buildMs?: number; metrics?: WorkerMetrics; activities?: object } = {}): Promise<Harness> {
  quietRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-wf-'));
  const health = await startHealthServer();
  const { client, connection } = await temporalClient();
  const connectionOfWorker = await nativeConnection();
  const taskQueue = uniqueName('wf');
  const worker = await createWorker({
    connection: connectionOfWorker,
    namespace: stack.temporal.namespace,
    taskQueue,
    // `activities`: more activities beside the file fake's (e.g. real notification delivery).
    // Approvals are checked by the real activity, without approver keys unless a test brings its own.
    activities: { ...createFileTargetActivities({ dir, healthBase: health.base, buildMs: options.buildMs ?? 4000 }), ...createApprovalActivities(), ...options.activities },
    workflowBundle: await workflowBundle(),
    ...dataConverterOption(),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const running = worker.run();
  return {
    client,
    connection,
    taskQueue,
    dir,
    healthBase: health.base,
    worker,
    async close() {
      worker.shutdown();
      await running;
      await connectionOfWorker.close();
      await connection.close();
      await health.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function release(service: string, version: string): Release {
  return { service, version, imageTag: imageTagForVersion(version), commit: version.split('+')[1] ?? '', binaryPath: `/artifacts/${service}/${version}` };
}

/** Puts `version` in place as the live stable release, as a previous deployment would have. */
export function seedStable(h: Harness, service: string, version: string, environment = 'test'): Release {
  const r = release(service, version);
  writeState(h.dir, service, environment, { stable: r, canary: null, preview: null, warm: [] });
  return r;
}

/** A validated spec (the schema is exercised on every test) for the file-fake target. */
export function spec(service: string, version: string, overrides: Partial<ReleaseSpecInput> = {}) {
  return validateReleaseSpec(
    {
      service,
      environment: 'test',
      source: { kind: 'prebuilt', version, binaryPath: `/artifacts/${service}/${version}` },
      target: { kind: FILE_FAKE, settings: {} },
      strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { analysis: { window: '1s' } }] },
      healthCheck: { interval: '200ms', window: '1s', failureThreshold: 2, timeout: '1s' },
      ...overrides,
    } satisfies ReleaseSpecInput,
    fileFakeCatalogue,
  );
}

export function newService(prefix = 'svc'): string {
  return uniqueName(prefix).slice(0, 50);
}

export async function startDeploy(h: Harness, s: ReturnType<typeof spec>): Promise<WorkflowHandle<typeof deployWorkflow>> {
  return h.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: deployWorkflowId(s.service, s.environment),
    args: [s],
  });
}

export function result(handle: WorkflowHandle<typeof deployWorkflow>): Promise<DeploymentResult> {
  return settleDeployment(handle.result());
}

/** Waits until the status query satisfies `pred` (polling; queries are cheap). */
export function waitForStatus(handle: WorkflowHandle<typeof deployWorkflow>, what: string, pred: (s: DeploymentStatus) => boolean, timeoutMs = 30000): Promise<DeploymentStatus> {
  return eventually(
    what,
    async () => {
      const status = await handle.query(statusQuery);
      return pred(status) ? status : undefined;
    },
    timeoutMs,
    100,
  );
}
