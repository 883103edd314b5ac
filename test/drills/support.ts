/**
 * A worker for the fake drill workflow (fixtures/fake-drill-workflow.ts) on its own task queue,
 * with the activities that script it and record when each drill ran. When the real drillWorkflow
 * lands on main, a test switches by starting the real worker (src/worker) on this queue instead.
 */
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { DrillRequest } from '../../src/domain/drill';
import { dataConverterOption, nativeConnection, stack, uniqueName } from '../helpers/stack';
import type { FakeDrillActivities, FakeDrillScript } from './fixtures/fake-drill-workflow';

export interface FakeDrillRun {
  workflowId: string;
  requestedBy: string;
  service: string;
  beganAt: number;
  endedAt?: number;
}

export interface FakeDrillWorker {
  taskQueue: string;
  runs: FakeDrillRun[];
  close(): Promise<void>;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export async function startFakeDrillWorker(script: (request: DrillRequest) => FakeDrillScript): Promise<FakeDrillWorker> {
  try {
    // Worker INFO lines would drown the test report; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed (another worker in this process).
  }
  const runs: FakeDrillRun[] = [];
  const activities: FakeDrillActivities = {
    async fakeDrillBegin(request, workflowId) {
      runs.push({ workflowId, requestedBy: request.requestedBy, service: request.spec.service, beganAt: Date.now() });
      return script(request);
    },
    async fakeDrillEnd(workflowId) {
      const run = runs.find((r) => r.workflowId === workflowId && r.endedAt === undefined);
      if (run) run.endedAt = Date.now();
    },
  };
  const connection = await nativeConnection();
  const taskQueue = uniqueName('fake-drill');
  const worker = await Worker.create({
    connection,
    namespace: stack.temporal.namespace,
    taskQueue,
    activities,
    ...dataConverterOption(),
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/fake-drill-workflow'), logger: quietLogger }),
  });
  const running = worker.run();
  return {
    taskQueue,
    runs,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
