import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Reason } from '../../src/domain/reasons';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import type { Phase } from '../../src/domain/status';
import { abortSignal, statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import type { deployWorkflow } from '../../src/workflows';
import { eventually } from '../helpers/stack';
import { FILE_FAKE, FILE_FAKE_IMAGE, readCalls, readState } from './support/file-target';
import { newService, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from './support/harness';

let h: Harness;
before(async () => {
  h = await startHarness({ buildMs: 8000 });
});
after(async () => {
  await h?.close();
});

const OLD = '1.0.0+aaaaaaa';
const NEW = '2.0.0+bbbbbbb';

interface AbortCase {
  name: string;
  overrides: (service: string) => Partial<ReleaseSpecInput>;
  /** When to send the abort. */
  ready: (phase: Phase, weight: number, calls: string[]) => boolean;
  compensations: string[];
  /** Undo calls, in order, after the abort. */
  undoCalls: string[];
}

const slowCanary: ReleaseSpecInput['strategy'] = { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '30s' } }] };

const cases: AbortCase[] = [
  {
    name: 'building',
    overrides: (service) => ({
      source: { kind: 'build', repoDir: '/nonexistent', imageRepo: `127.0.0.1:5000/${service}` },
      target: { kind: FILE_FAKE_IMAGE, settings: {} },
      strategy: slowCanary,
    }),
    ready: (phase, _w, calls) => phase === 'building' && calls.includes('buildImage:start'),
    compensations: [],
    undoCalls: [],
  },
  {
    name: 'deploying (activity in flight)',
    overrides: () => ({ target: { kind: FILE_FAKE, settings: { deployMs: 3000 } }, strategy: slowCanary }),
    ready: (phase) => phase === 'deploying',
    compensations: [`remove canary ${NEW}`],
    // The deploy call finishes first (a change is never cancelled halfway), then it is undone.
    undoCalls: ['deployCandidate', 'removeCandidate'],
  },
  {
    name: 'canary at 10%',
    overrides: () => ({ strategy: slowCanary }),
    ready: (phase, weight) => phase === 'canary' && weight === 10,
    compensations: ['send all traffic to stable', `remove canary ${NEW}`],
    undoCalls: ['setTrafficWeight:0', 'removeCandidate'],
  },
  {
    name: 'awaiting approval',
    overrides: () => ({ strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { setWeight: 50 }, { pause: {} }] } }),
    ready: (phase) => phase === 'awaiting-approval',
    compensations: ['send all traffic to stable', `remove canary ${NEW}`],
    undoCalls: ['setTrafficWeight:0', 'removeCandidate'],
  },
  {
    name: 'promoting (scale-down delay, old version still warm)',
    overrides: () => ({ strategy: { kind: 'canary', steps: [{ setWeight: 50 }], scaleDownDelay: '30s' } }),
    // In the scale-down delay: promoted, the candidate slot cleaned up, the old version warm.
    ready: (phase, _w, calls) => phase === 'promoting' && calls.includes('promoteCandidate') && calls.includes('removeCandidate'),
    compensations: [`restore ${OLD} as stable`, 'send all traffic to stable', `remove canary ${NEW}`],
    undoCalls: ['rollbackToRelease', 'setTrafficWeight:0', 'removeCandidate'],
  },
];

const callNames = (service: string) => readCalls(h.dir, service).map((c) => `${c.name}${c.weight !== undefined ? `:${c.weight}` : ''}`);

describe('an abort in any phase restores the old version and undoes in reverse order', { concurrency: true }, () => {
  for (const c of cases) {
    test(`abort while ${c.name}`, async () => {
      const service = newService('abort');
      seedStable(h, service, OLD);
      const handle = await startDeploy(h, spec(service, NEW, c.overrides(service)));
      await waitForStatus(handle, c.name, (st) => c.ready(st.phase, st.weight, callNames(service)), 60000);
      const before = callNames(service).length;
      await handle.signal(abortSignal, `test: abort while ${c.name}`, 'tester');

      const res = await result(handle);
      assert.equal(res.outcome, 'aborted');
      assert.equal(res.reason, Reason.AbortedBySignal);
      assert.match(res.message, /aborted by tester/);
      assert.deepEqual(res.compensations, c.compensations);
      assert.ok(res.timeToRollbackMs !== null && res.timeToRollbackMs < 10000, `time to rollback ${res.timeToRollbackMs} ms`);

      const after = callNames(service)
        .slice(before)
        .filter((n) => !n.startsWith('buildImage'));
      assert.deepEqual(after, c.undoCalls);
      const state = readState(h.dir, service, 'test');
      assert.equal(state.stable?.version, OLD, 'the old version serves');
      assert.equal(state.canary, null, 'no canary left');
      assert.equal(state.preview, null);
      assert.deepEqual(state.warm, []);
      if (c.name === 'building') {
        assert.ok(!callNames(service).includes('deployCandidate'), 'nothing was deployed');
        // The build hears of the cancellation on its next heartbeat (throttled to 2s by the worker).
        await eventually('the build activity to be cancelled', async () => (callNames(service).includes('buildImage:cancelled') ? true : undefined), 10000);
      }
      const status = await handle.query(statusQuery);
      assert.equal(status.phase, 'aborted');
      assert.equal(status.abortRequested?.by, 'tester');
    });
  }
});

test('an abort sent with the start is honoured before any work', async () => {
  const service = newService('early');
  seedStable(h, service, OLD);
  const s = spec(service, NEW, { strategy: slowCanary });
  const handle = await h.client.workflow.signalWithStart<typeof deployWorkflow, [string, string]>('deployWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: deployWorkflowId(service, 'test'),
    args: [s],
    signal: abortSignal,
    signalArgs: ['changed my mind', 'ci'],
  });
  const res = await result(handle);
  assert.equal(res.outcome, 'aborted');
  assert.equal(res.reason, Reason.AbortedBySignal);
  assert.deepEqual(res.compensations, []);
  assert.deepEqual(readCalls(h.dir, service), [], 'no activity ran');
  assert.equal(readState(h.dir, service, 'test').stable?.version, OLD);
});

test('a release whose /healthz fails is rolled back on its own', async () => {
  const service = newService('unhealthy');
  seedStable(h, service, OLD);
  const s = spec(service, '2.0.0-bad+ccccccc', {
    strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '10s' } }, { setWeight: 100 }] },
    healthCheck: { interval: '200ms', failureThreshold: 3, timeout: '1s' },
  });
  const handle = await startDeploy(h, s);
  const res = await result(handle);
  assert.equal(res.outcome, 'rolled-back');
  assert.equal(res.reason, Reason.HealthCheckFailed);
  assert.match(res.message, /3 failed health probes in a row/);
  assert.match(res.message, /\/healthz 503/);
  assert.deepEqual(res.compensations, ['send all traffic to stable', 'remove canary 2.0.0-bad+ccccccc']);
  assert.ok((res.phaseDurations.analysing ?? 0) < 5000, 'rolled back long before the 10s window ended');
  const state = readState(h.dir, service, 'test');
  assert.equal(state.stable?.version, OLD);
  assert.equal(state.canary, null);
  const status = await handle.query(statusQuery);
  assert.equal(status.phase, 'rolled-back');
  assert.equal(status.lastCheck?.ok, false);
  assert.equal(status.lastCheck?.consecutiveFailures, 3);
  assert.ok(!callNames(service).includes('setTrafficWeight:100'), 'the later steps never ran');
});

test('a Temporal cancel request is treated as an abort: undone, then reported', async () => {
  const service = newService('cancel');
  seedStable(h, service, OLD);
  const handle = await startDeploy(h, spec(service, NEW, { strategy: slowCanary }));
  await waitForStatus(handle, 'the canary pause', (st) => st.phase === 'canary' && st.weight === 10);
  await handle.cancel();
  const res = await result(handle);
  assert.equal(res.outcome, 'aborted');
  assert.equal(res.reason, Reason.WorkflowCancelled);
  assert.deepEqual(res.compensations, ['send all traffic to stable', `remove canary ${NEW}`]);
  const state = readState(h.dir, service, 'test');
  assert.equal(state.stable?.version, OLD);
  assert.equal(state.canary, null);
});
