import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import { settleDeployment } from '../../src/domain/result';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { eventually, temporalClient, uniqueName } from '../helpers/stack';
import { readCalls, readState, writeState } from './support/file-target';
import { release, spec } from './support/harness';
import { startHealthServer } from './support/health-server';

let client: Client;
let connection: Connection;
let health: Awaited<ReturnType<typeof startHealthServer>>;
let dir: string;
const children: ChildProcess[] = [];

before(async () => {
  ({ client, connection } = await temporalClient());
  health = await startHealthServer();
  dir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
});
after(async () => {
  await Promise.all(children.map(killHard));
  await connection?.close();
  await health?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a worker SIGKILLed during a health window is replaced and the release finishes correctly', { timeout: 180000 }, async () => {
  const taskQueue = uniqueName('crash');
  const service = uniqueName('crash').slice(0, 50);
  writeState(dir, service, 'test', { stable: release(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
  const entry = require.resolve('./support/worker-process');
  const first = spawnNode(entry, [taskQueue, dir, health.base]);
  children.push(first);
  await waitForLine(first, 'ready', 120000);

  const s = spec(service, '2.0.0+bbbbbbb', {
    strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '8s' } }, { setWeight: 60 }], scaleDownDelay: '1s' },
    healthCheck: { interval: '300ms', failureThreshold: 3, timeout: '1s' },
  });
  const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, 'test'), args: [s] });
  await eventually(
    'the health window to be running',
    async () => {
      const st = await handle.query(statusQuery);
      return st.phase === 'analysing' && st.lastCheck?.ok ? st : undefined;
    },
    60000,
    100,
  );
  const hitsBefore = health.hits();
  await killHard(first);

  // Nobody runs the workflow for a moment; its timers keep running in the server.
  await new Promise((r) => setTimeout(r, 1500));
  const second = spawnNode(entry, [taskQueue, dir, health.base]);
  children.push(second);
  await waitForLine(second, 'ready', 120000);

  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.ok((res.phaseDurations.analysing ?? 0) >= 8000, `the whole 8s window ran (${res.phaseDurations.analysing} ms)`);
  assert.ok(health.hits() > hitsBefore, 'the replacement worker kept probing');

  const state = readState(dir, service, 'test');
  assert.equal(state.stable?.version, '2.0.0+bbbbbbb');
  assert.equal(state.canary, null);
  assert.deepEqual(state.warm, []);
  const weights = readCalls(dir, service)
    .filter((c) => c.name === 'setTrafficWeight')
    .map((c) => c.weight);
  assert.deepEqual(weights, [20, 60], 'each step ran exactly once across both workers');

  const history = await handle.fetchHistory();
  const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
  assert.equal(identities[0], `wf-worker-${first.pid}`);
  assert.equal(identities.at(-1), `wf-worker-${second.pid}`);
});
