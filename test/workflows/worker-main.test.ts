import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, test } from 'node:test';
import { settleDeployment } from '../../src/domain/result';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode } from '../helpers/child';
import { temporalClient, uniqueName } from '../helpers/stack';

const children: ChildProcess[] = [];
after(async () => {
  await Promise.all(children.map(killHard));
});

/** Collects pino JSON lines from the child's stdout until one matches. */
function waitForLog(child: ChildProcess, pred: (line: Record<string, unknown>) => boolean, timeoutMs = 120000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (pred(parsed)) {
            clearTimeout(timer);
            resolve(parsed);
          }
        } catch {
          // not JSON: ignore
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
  });
}

test('the worker entry point wires real clients, logs JSON, serves /metrics and drains on SIGTERM', { timeout: 180000 }, async () => {
  const taskQueue = uniqueName('main');
  const child = spawnNode(require.resolve('../../src/worker/main'), ['--task-queue', taskQueue, '--metrics-port', '0']);
  children.push(child);
  const ready = await waitForLog(child, (l) => l.msg === 'sluice worker ready');
  assert.equal(ready.taskQueue, taskQueue);
  const metricsUrl = String(ready.metrics);
  assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const res = await fetch(metricsUrl);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /sluice_worker_process_cpu_seconds_total/);

  // A release through this worker reaches the (not yet wired) deploy activities and fails with a
  // clear reason instead of retrying forever; the workflow's log lines carry its ids.
  const { client, connection } = await temporalClient();
  try {
    const service = uniqueName('main').slice(0, 50);
    const spec = validateReleaseSpec({
      service,
      environment: 'test',
      source: { kind: 'prebuilt', version: '1.0.0+aaaaaaa', binaryPath: '/nonexistent' },
      target: { kind: 'process' },
      strategy: { kind: 'recreate' },
    });
    const workflowId = deployWorkflowId(service, 'test');
    const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId, args: [spec] });
    const result = await settleDeployment(handle.result());
    if (result.outcome === 'failed' && result.errorType === 'SluiceDeployActivitiesMissing') {
      assert.match(result.message, /src\/activities\/deploy is not wired/);
    } else {
      // Once the deploy activities are wired, a prebuilt release with no binary cannot succeed.
      assert.notEqual(result.outcome, 'promoted', JSON.stringify(result));
    }
  } finally {
    await connection.close();
  }

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a drained worker exits cleanly');
});
