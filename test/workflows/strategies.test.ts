import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Reason } from '../../src/domain/reasons';
import { approveSignal, pauseSignal, resumeSignal, statusQuery } from '../../src/workflows/definitions';
import { createWorkerMetrics, serveMetrics } from '../../src/worker/metrics';
import { FILE_FAKE, readCalls, readState } from './support/file-target';
import { newService, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from './support/harness';
import { ErrorType } from '../../src/domain/errors';

let h: Harness;
const metrics = createWorkerMetrics();
let metricsUrl: string;
let closeMetrics: () => void;
before(async () => {
  h = await startHarness({ metrics });
  const served = await serveMetrics(metrics, { port: 0 });
  metricsUrl = served.url;
  closeMetrics = () => served.server.close();
});
after(async () => {
  closeMetrics?.();
  await h?.close();
});

const names = (service: string) => readCalls(h.dir, service).map((c) => `${c.name}${c.role ? `:${c.role}` : ''}${c.weight !== undefined ? `:${c.weight}` : ''}`);

describe('strategies', { concurrency: true }, () => {
  test('blueGreen: preview, checks, manual gate approved by signal, switch, post-promotion check, old kept warm then retired', async () => {
    const service = newService('bg');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', {
        strategy: { kind: 'blueGreen', autoPromote: false, previewChecks: { window: '1s' }, postPromotionChecks: { window: '1s' }, scaleDownDelay: '2s' },
      }),
    );
    await waitForStatus(handle, 'the promotion gate', (s) => s.phase === 'awaiting-approval');
    const st = readState(h.dir, service, 'test');
    assert.equal(st.preview?.version, '1.1.0+bbbbbbb');
    assert.equal(st.stable?.version, '1.0.0+aaaaaaa', 'the old version serves until the switch');
    await handle.signal(approveSignal, 'bob');
    await waitForStatus(handle, 'the scale-down delay', (s) => s.phase === 'promoting' && s.weight === 100);
    const warm = readState(h.dir, service, 'test');
    assert.equal(warm.stable?.version, '1.1.0+bbbbbbb');
    assert.deepEqual(
      warm.warm.map((r) => r.version),
      ['1.0.0+aaaaaaa'],
      'the old version stays warm during the delay',
    );
    const res = await result(handle);
    assert.equal(res.outcome, 'promoted');
    assert.deepEqual(names(service), ['currentRelease', 'deployCandidate:preview', 'promoteCandidate:preview', 'removeCandidate:preview', 'retireRelease', 'pruneReleases']);
    assert.deepEqual(readState(h.dir, service, 'test').warm, []);
  });

  test('recreate: stops the old version first, starts and checks the new one', async () => {
    const service = newService('rc');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const res = await result(await startDeploy(h, spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'recreate', checks: { window: '1s' } } })));
    assert.equal(res.outcome, 'promoted');
    assert.deepEqual(names(service), [
      'currentRelease',
      'retireRelease',
      'deployCandidate:canary',
      'promoteCandidate:canary',
      'removeCandidate:canary',
      'retireRelease',
      'pruneReleases',
    ]);
    assert.equal(readState(h.dir, service, 'test').stable?.version, '1.1.0+bbbbbbb');
  });

  test('recreate of a bad release restarts the old version', async () => {
    const service = newService('rcbad');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const res = await result(await startDeploy(h, spec(service, '1.1.0-bad+bbbbbbb', { strategy: { kind: 'recreate' } })));
    assert.equal(res.outcome, 'rolled-back');
    assert.deepEqual(res.compensations, ['remove canary 1.1.0-bad+bbbbbbb', 'restart 1.0.0+aaaaaaa as stable']);
    assert.equal(readState(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
  });

  test('first release: no stable yet, so steps are skipped and the release is checked and promoted', async () => {
    const service = newService('first');
    const res = await result(await startDeploy(h, spec(service, '0.1.0+aaaaaaa')));
    assert.equal(res.outcome, 'promoted');
    assert.equal(res.previous, null);
    assert.deepEqual(names(service), ['currentRelease', 'deployCandidate:canary', 'promoteCandidate:canary', 'removeCandidate:canary', 'pruneReleases']);
  });

  test('the live version again is a no-op', async () => {
    const service = newService('same');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(h, spec(service, '1.0.0+aaaaaaa'));
    const res = await result(handle);
    assert.equal(res.outcome, 'promoted');
    assert.equal(res.reason, Reason.AlreadyLive);
    assert.deepEqual(names(service), ['currentRelease']);
    // What `sluice status` shows afterwards: the live release with all the traffic.
    const status = await handle.query(statusQuery);
    assert.equal(status.release?.version, '1.0.0+aaaaaaa');
    assert.equal(status.weight, 100);
  });

  test('pause holds at the next step boundary until resume', async () => {
    const service = newService('pause');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '1s' } }, { setWeight: 30 }] } }),
    );
    await handle.signal(pauseSignal, 'ops');
    const paused = await waitForStatus(handle, 'paused', (s) => s.phase === 'paused');
    assert.equal(paused.paused, true);
    await new Promise((r) => setTimeout(r, 1500));
    const still = await handle.query(statusQuery);
    assert.equal(still.phase, 'paused', 'no progress while paused');
    assert.ok(!names(service).includes('setTrafficWeight:30'));
    await handle.signal(resumeSignal, 'ops');
    const res = await result(handle);
    assert.equal(res.outcome, 'promoted');
    assert.ok((res.phaseDurations.paused ?? 0) >= 1500);
  });

  test('an approval gate nobody answers rolls back after the approval timeout', async () => {
    const service = newService('timeout');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const res = await result(
      await startDeploy(
        h,
        spec(service, '1.1.0+bbbbbbb', {
          strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
          approval: { timeout: '1s' },
        }),
      ),
    );
    assert.equal(res.outcome, 'rolled-back');
    assert.equal(res.reason, Reason.ApprovalTimedOut);
    assert.equal(readState(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
  });

  test('approvers are enforced: the signal from someone else is ignored and logged', async () => {
    const service = newService('approver');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', {
        strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
        approval: { approvers: ['alice'] },
      }),
    );
    await waitForStatus(handle, 'the gate', (s) => s.phase === 'awaiting-approval');
    await handle.signal(approveSignal, 'mallory');
    const ignored = await waitForStatus(handle, 'the ignored approval', (s) => s.events.some((e) => e.type === 'approval-ignored'));
    assert.equal(ignored.phase, 'awaiting-approval');
    assert.match(ignored.events.find((e) => e.type === 'approval-ignored')!.message, /mallory may not approve/);
    await handle.signal(approveSignal, 'alice');
    assert.equal((await result(handle)).outcome, 'promoted');
  });

  test('a release past its deadline fails after rolling back, and the failure carries the result', async () => {
    const service = newService('deadline');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', {
        strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '60s' } }] },
        // Long enough for the canary at 10% to be in place on a loaded 2-core CI machine (a 2 s
        // deadline sometimes hit first, and then there was no canary to compensate).
        deadline: '8s',
      }),
    );
    await assert.rejects(handle.result(), (err: Error & { cause?: { type?: string } }) => {
      assert.equal(err.cause?.type, ErrorType.DeploymentFailed);
      return true;
    });
    const res = await result(handle);
    assert.equal(res.outcome, 'failed');
    assert.equal(res.reason, Reason.DeadlineExceeded);
    assert.deepEqual(res.compensations, ['send all traffic to stable', 'remove canary 1.1.0+bbbbbbb']);
    assert.equal(readState(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa');
    const described = await handle.describe();
    assert.equal(described.status.name, 'FAILED', 'the Temporal UI shows it failed');
  });
});

test('a non-retryable activity error undoes everything, then fails the workflow with the result attached', async () => {
  const service = newService('broken');
  seedStable(h, service, '1.0.0+aaaaaaa');
  const handle = await startDeploy(
    h,
    spec(service, '1.1.0+bbbbbbb', {
      target: { kind: FILE_FAKE, settings: { failPromote: true } },
      strategy: { kind: 'canary', steps: [{ setWeight: 25 }] },
    }),
  );
  const res = await result(handle);
  assert.equal(res.outcome, 'failed');
  assert.equal(res.reason, Reason.ActivityFailed);
  assert.equal(res.errorType, 'TestPromoteRefused');
  assert.match(res.message, /the router refused the new backend/);
  assert.deepEqual(res.compensations, ['restore 1.0.0+aaaaaaa as stable', 'send all traffic to stable', 'remove canary 1.1.0+bbbbbbb']);
  const state = readState(h.dir, service, 'test');
  assert.equal(state.stable?.version, '1.0.0+aaaaaaa');
  assert.equal(state.canary, null);
  assert.equal((await handle.describe()).status.name, 'FAILED');
  assert.equal((await handle.query(statusQuery)).phase, 'failed');
});

test('a promotion whose candidate removal fails is retried whole: promoted again, candidate gone, the old version warm', async () => {
  const service = newService('rmretry');
  seedStable(h, service, '1.0.0+aaaaaaa');
  const handle = await startDeploy(
    h,
    spec(service, '1.1.0+bbbbbbb', {
      target: { kind: FILE_FAKE, settings: { failRemoveFirstAttempt: true } },
      strategy: { kind: 'canary', steps: [{ setWeight: 50 }], scaleDownDelay: '30s' },
    }),
  );
  await waitForStatus(handle, 'the scale-down delay', (s) => s.phase === 'promoting' && s.weight === 100);
  const state = readState(h.dir, service, 'test');
  assert.equal(state.stable?.version, '1.1.0+bbbbbbb');
  assert.equal(state.canary, null);
  assert.deepEqual(
    state.warm.map((r) => r.version),
    ['1.0.0+aaaaaaa'],
    'the repeated promotion kept the previous release warm, once',
  );
  assert.deepEqual(names(service).slice(3), ['promoteCandidate:canary', 'removeCandidate:failed:canary', 'promoteCandidate:canary', 'removeCandidate:canary']);
  const history = await handle.fetchHistory();
  const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []));
  assert.ok(attempts.includes(2), `one activity retried (attempts ${attempts.join(', ')})`);
  await handle.cancel();
  const res = await result(handle);
  assert.equal(res.outcome, 'aborted');
  assert.equal(readState(h.dir, service, 'test').stable?.version, '1.0.0+aaaaaaa', 'the undo still restores the previous release');
});

test('with no scale-down delay one activity promotes, removes the candidate and retires the old version; a failed retirement repeats all three', async () => {
  const service = newService('retire1');
  seedStable(h, service, '1.0.0+aaaaaaa');
  const handle = await startDeploy(
    h,
    spec(service, '1.1.0+bbbbbbb', {
      target: { kind: FILE_FAKE, settings: { failRetireFirstAttempt: true } },
      strategy: { kind: 'canary', steps: [{ setWeight: 50 }], scaleDownDelay: '0s' },
    }),
  );
  const res = await result(handle);
  assert.equal(res.outcome, 'promoted', res.message);
  const state = readState(h.dir, service, 'test');
  assert.equal(state.stable?.version, '1.1.0+bbbbbbb');
  assert.equal(state.canary, null);
  assert.deepEqual(state.warm, [], 'the old version is gone');
  const calls = names(service);
  assert.deepEqual(calls.slice(calls.indexOf('promoteCandidate:canary')), [
    'promoteCandidate:canary',
    'removeCandidate:canary',
    'retireRelease:failed',
    'promoteCandidate:canary',
    'removeCandidate:canary',
    'retireRelease',
    'pruneReleases',
  ]);
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
  assert.deepEqual(scheduled.slice(scheduled.indexOf('deployCandidate')), ['deployCandidate', 'promoteAndRetirePrevious'], scheduled.join(', '));
  const attempts = events.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []));
  assert.ok(attempts.includes(2), `one activity retried (attempts ${attempts.join(', ')})`);
});

test('the worker exports activity metrics on /metrics', async () => {
  const res = await fetch(metricsUrl);
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.match(body, /sluice_activity_duration_seconds_count\{activity="deployCandidate",outcome="ok"\} [1-9]/);
  assert.match(body, /sluice_activity_started_total\{activity="promoteAndRemoveCandidate"\} [1-9]/);
  assert.match(body, /sluice_activity_started_total\{activity="promoteAndRetirePrevious"\} [1-9]/);
  assert.match(body, /sluice_worker_process_cpu_seconds_total/);
});
