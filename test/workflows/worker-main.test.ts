import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { after, test } from 'node:test';
import { settleDeployment } from '../../src/domain/result';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode } from '../helpers/child';
import { catalogue, eventually, stack, temporalClient, uniqueName } from '../helpers/stack';
import { temporalAddress, temporalConnectionOptions } from '../../src/dev/config';
import { missingSearchAttributes, workerOptionsFrom } from '../../src/worker/main';

const children: ChildProcess[] = [];
/** File-SD entries of the workers started here: a worker killed by a failed test leaves its own. */
const registrations: string[] = [];
after(async () => {
  await Promise.all(children.map(killHard));
  for (const path of registrations) rmSync(path, { force: true });
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

test(
  'the worker entry point wires real clients, logs JSON, serves /metrics (with Core metrics), registers with Prometheus and drains on SIGTERM, unregistering',
  { timeout: 180000 },
  async () => {
    const taskQueue = uniqueName('main');
    const child = spawnNode(require.resolve('../../src/worker/main'), ['--task-queue', taskQueue, '--metrics-port', '0']);
    children.push(child);
    const ready = await waitForLog(child, (l) => l.msg === 'sluice worker ready');
    if (typeof ready.registration === 'string') registrations.push(ready.registration);
    assert.equal(ready.taskQueue, taskQueue);
    const metricsUrl = String(ready.metrics);
    assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /sluice_worker_process_cpu_seconds_total/);
    assert.match(page, /^# TYPE sluice_releases_total counter$/m, 'the release metrics are registered');
    await eventually(
      'Temporal Core metrics on the same page',
      async () => (/^temporal_num_pollers\{/m.test(await (await fetch(metricsUrl)).text()) ? true : undefined),
      30000,
      200,
    );
    // The embedded Prometheus's job sluice-worker finds this worker through its file-SD entry.
    const registration = String(ready.registration);
    assert.ok(registration.startsWith(stack.prometheus.workersDir) && existsSync(registration), registration);
    assert.deepEqual(JSON.parse(readFileSync(registration, 'utf8')), [{ targets: [new URL(metricsUrl).host], labels: { worker_task_queue: taskQueue } }]);

    // A release through this worker reaches the real deploy activities: a process-target release
    // whose binary does not exist cannot start, so it ends failed (after the undo), never promoted.
    const { client, connection } = await temporalClient();
    try {
      const service = uniqueName('main').slice(0, 50);
      const spec = validateReleaseSpec(
        {
          service,
          environment: 'test',
          source: { kind: 'prebuilt', version: '1.0.0+aaaaaaa', binaryPath: '/nonexistent/sluice-test-binary' },
          target: { kind: 'process' },
          strategy: { kind: 'recreate' },
        },
        catalogue,
      );
      const workflowId = deployWorkflowId(service, 'test');
      const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId, args: [spec] });
      const result = await settleDeployment(handle.result());
      assert.equal(result.outcome, 'failed', JSON.stringify(result));
      assert.equal(result.reason, 'ActivityFailed');
      assert.ok(result.errorType, 'the root cause type is reported');
    } finally {
      await connection.close();
    }

    // With the stack's client certificate when it runs the cluster.
    const { tls } = temporalConnectionOptions(stack);
    const asTheStackSays = tls ? { tls } : {};
    assert.deepEqual(await missingSearchAttributes(temporalAddress(stack), stack.temporal.namespace, asTheStackSays), [], 'the stack registers every Sluice search attribute');
    assert.deepEqual(
      await missingSearchAttributes(temporalAddress(stack), 'no-such-namespace', asTheStackSays).catch(() => ['error']),
      ['error'],
      'an unknown namespace is an error, not "all present"',
    );

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'a drained worker exits cleanly');
    assert.equal(existsSync(registration), false, 'and removes its file-SD entry');
  },
);

test('worker connection settings follow Temporal conventions: flags over TEMPORAL_* environment over the stack', () => {
  const env = { TEMPORAL_ADDRESS: '127.0.0.1:17233', TEMPORAL_NAMESPACE: 'staging', TEMPORAL_API_KEY: 'k-123', SLUICE_TASK_QUEUE: 'releases' };
  const fromEnv = workerOptionsFrom([], env);
  assert.equal(fromEnv.address, '127.0.0.1:17233');
  assert.equal(fromEnv.namespace, 'staging');
  assert.equal(fromEnv.taskQueue, 'releases');
  assert.equal(fromEnv.connection.apiKey, 'k-123');
  const fromFlags = workerOptionsFrom(['--address', '127.0.0.1:27233', '--namespace', 'prod', '--task-queue', 'q', '--metrics-port', '0'], env);
  assert.deepEqual([fromFlags.address, fromFlags.namespace, fromFlags.taskQueue, fromFlags.metricsPort], ['127.0.0.1:27233', 'prod', 'q', 0]);
  const defaults = workerOptionsFrom([], {});
  assert.equal(defaults.address, temporalAddress(stack));
  assert.equal(defaults.taskQueue, 'sluice');
  assert.throws(() => workerOptionsFrom(['--metrics-port', '70000'], {}), /--metrics-port must be 0-65535/);
});
