/**
 * End to end with analysis: the release workflow registers the canary (and, for the sequential
 * judge, a fresh baseline of the stable) with the real Prometheus, drives loopback load at them,
 * and the analysisWorkflow child decides.
 * - Threshold template: a good release is promoted with its measurements in the status; a release
 *   with 15% injected errors is rolled back within two intervals of the first measurement.
 * - Sequential (anytime-valid) judge: the 15% release is rolled back before a fixed window of
 *   the same length would have closed; a good release passes at the maximum duration.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import pino from 'pino';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import { createDeployActivities } from '../../src/activities/deploy';
import { defaultSequentialTemplate, defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { createRouter } from '../../src/activities/routers/registry';
import { prometheusUrl, temporalAddress } from '../../src/dev/config';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { createSluiceActivities } from '../../src/worker/activities';
import { createWorker } from '../../src/worker/worker';
import { freePort, stack, temporalClient, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary } from '../targets/fixtures';
import { release, workflowBundle } from './support/harness';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const V3 = '1.2.0+ccc3333';
const V4 = '1.3.0+ddd4444';
/** The sequential judge's maximum duration: what a fixed-window judge would wait for. */
const SEQUENTIAL_WINDOW_MS = 20000;
const INTERVAL_MS = 1000;

const service = uniqueName('ana').slice(0, 40);
const environment = 'e2e';
const taskQueue = uniqueName('ana');
let listenPort: number;
let basePort: number;
let binaries: Record<string, string>;
let dir: string;
let client: Client;
let connection: Connection;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;

const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 1000 } });
const target = () => ({
  kind: 'process' as const,
  settings: {
    stateDir: join(dir, 'processes'),
    basePort,
    env: FAST_STOP_ENV,
    stopTimeoutMs: 5000,
    readyTimeoutMs: 20000,
    // v3 is the bad release: the same binary, 15% of its answers are 500s.
    releaseEnv: { [V3]: { FAULT_ERROR_RATE: '0.15' } },
  },
});

function specFor(version: string, steps: ReleaseSpecInput['strategy'] extends infer S ? (S extends { kind: 'canary'; steps: infer T } ? T : never) : never) {
  return validateReleaseSpec({
    service,
    environment,
    source: { kind: 'prebuilt', version, binaryPath: binaries[version]! },
    target: target(),
    router: router(),
    strategy: { kind: 'canary', steps, scaleDownDelay: '0s' },
    healthCheck: { interval: '300ms', window: '1s', failureThreshold: 3, timeout: '1s' },
    analysis: {
      templates: [
        { ...defaultThresholdTemplate({ interval: `${INTERVAL_MS}ms`, count: 6, initialDelay: '5s', inconclusivePolicy: 'rollback' }), name: 'errors' },
        { ...defaultSequentialTemplate({ interval: `${INTERVAL_MS}ms`, maxDuration: `${SEQUENTIAL_WINDOW_MS}ms`, minRequests: 50, inconclusivePolicy: 'rollback' }), name: 'sequential' },
      ],
      load: { ratePerSecond: 40, via: 'candidate' },
      rateWindow: '10s',
    },
  } satisfies ReleaseSpecInput);
}

async function deploy(version: string, steps: Parameters<typeof specFor>[1]) {
  return client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, environment), args: [specFor(version, steps)] });
}

async function versionsThroughRouter(n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetch(`http://127.0.0.1:${listenPort}/version`, { signal: AbortSignal.timeout(2000) });
    const v = res.ok ? ((await res.json()) as { version: string }).version : `HTTP ${res.status}`;
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

before(async () => {
  listenPort = await freePort();
  basePort = await freePortBlock(5);
  dir = mkdtempSync(join(tmpdir(), 'sluice-ana-'));
  const binary = await serviceBinary(V2);
  binaries = { [V1]: await serviceBinary(V1), [V2]: binary, [V3]: binary, [V4]: await serviceBinary(V4) };
  ({ client, connection } = await temporalClient());
  native = await NativeConnection.connect({ address: temporalAddress(stack) });
  const activities = createSluiceActivities({
    docker: new Docker({ socketPath: stack.docker.socket }),
    artifactStore: join(dir, 'artifacts'),
    prometheusUrl: prometheusUrl(stack),
    prometheusTargetsDir: stack.prometheus.targetsDir,
    logger: pino({ level: 'warn' }),
  });
  worker = await createWorker({ connection: native, namespace: stack.temporal.namespace, taskQueue, activities, workflowBundle: await workflowBundle() });
  running = worker.run();
  const first = await settleDeployment((await deploy(V1, [{ kind: 'setWeight', weight: 100 }])).result());
  assert.equal(first.outcome, 'promoted', first.message);
});

after(async () => {
  const deployActivities = createDeployActivities({ logger: pino({ level: 'warn' }) });
  const ref = { service, environment, target: target(), router: router() };
  for (const version of [V1, V2, V3, V4]) await deployActivities.retireRelease({ ...ref, release: release(service, version) }).catch(() => undefined);
  await createRouter('haproxy', router().settings).remove({ service, environment }).catch(() => undefined);
  worker?.shutdown();
  await running;
  await native?.close();
  await connection?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a good release passes Prometheus analysis and is promoted', { timeout: 300000 }, async () => {
  const handle = await deploy(V2, [{ kind: 'setWeight', weight: 20 }, { kind: 'analysis', templates: ['errors'] }, { kind: 'setWeight', weight: 100 }]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  const status = await handle.query(statusQuery);
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.ok(analysis, 'the analysis result is in the event log');
  assert.match(analysis.message, /analysis Successful → promote/);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 });
});

test('a release with 15% errors is rolled back by analysis within two intervals of the first measurement', { timeout: 300000 }, async () => {
  const handle = await deploy(V3, [{ kind: 'setWeight', weight: 20 }, { kind: 'analysis', templates: ['errors'] }, { kind: 'setWeight', weight: 100 }]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AnalysisFailed);
  const status = await handle.query(statusQuery);
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.ok(analysis?.data, 'the analysis event carries its timings');
  const first = Date.parse(String(analysis.data.firstMeasurementAt));
  const decided = Date.parse(String(analysis.data.decidedAt));
  assert.ok(decided - first <= 2 * INTERVAL_MS, `decided ${decided - first} ms after the first measurement`);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 }, 'the stable keeps all traffic');
});

test('the sequential judge rolls back the 15% release before a fixed window would have closed', { timeout: 300000 }, async () => {
  const handle = await deploy(V3, [{ kind: 'setWeight', weight: 20 }, { kind: 'analysis', templates: ['sequential'] }, { kind: 'setWeight', weight: 100 }]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AnalysisFailed);
  const status = await handle.query(statusQuery);
  assert.ok(status.events.some((e) => e.type === 'info' && /baseline 1\.1\.0/.test(e.message)), 'a fresh baseline of the stable ran beside the canary');
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.ok(analysis?.data);
  const elapsed = Date.parse(String(analysis.data.decidedAt)) - Date.parse(String(analysis.data.firstMeasurementAt));
  assert.ok(elapsed < SEQUENTIAL_WINDOW_MS / 2, `evidence crossed alpha ${elapsed} ms after the first look`);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 }, 'the stable keeps all traffic');
});

test('the sequential judge passes a good release at its maximum duration', { timeout: 300000 }, async () => {
  const handle = await deploy(V4, [{ kind: 'setWeight', weight: 20 }, { kind: 'analysis', templates: ['sequential'] }, { kind: 'setWeight', weight: 100 }]);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  const status = await handle.query(statusQuery);
  const analysis = status.events.find((e) => e.type === 'analysis');
  assert.match(analysis?.message ?? '', /Successful → promote/);
  assert.deepEqual(await versionsThroughRouter(10), { [V4]: 10 });
});
