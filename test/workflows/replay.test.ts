import { PATCH_LOCAL_QUICK_STEPS } from '../../src/workflows/activities';
import { PATCH_CONFIG_ONLY_RELEASE, PATCH_CONFIG_SEARCH_ATTRIBUTE, PATCH_CONFIG_VERSION } from '../../src/workflows/config';
import { PATCH_ROLLBACK_PAIR } from '../../src/workflows/rollback';
import { PATCH_CHANGE_LOCK, PATCH_CHANGE_LOCK_LOCAL } from '../../src/workflows/change-lock';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { packageRoot } from '../../src/lib/paths';
import { workflowBundle } from './support/harness';
import { historyFromCliJson } from './support/history';
import { PATCH_PROMOTE_REMOVES_CANDIDATE, PATCH_PROMOTE_RETIRES_PREVIOUS, PATCH_REMOVE_PROMOTED_CANDIDATE } from '../../src/workflows/strategies/promote';
import { PATCH_BAKE } from '../../src/workflows/bake';
import { PATCH_DRILL_NOTIFICATIONS } from '../../src/workflows/drill-notify';
import { PATCH_SIGNED_APPROVALS } from '../../src/workflows/approvals';

/**
 * Versioning discipline: every recorded history must replay on the current workflow code. A
 * change that alters the commands an existing run produced fails here; such changes go behind
 * `patched()` (src/workflows), and histories are re-recorded with
 * test/workflows/support/record-histories.ts only when the old code path is finally removed.
 */
const dir = join(packageRoot(), 'test', 'histories');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('recorded histories are present', () => {
  assert.ok(files.length >= 3, `expected recorded histories in ${dir}, found ${files.join(', ') || 'none'}`);
  assert.ok(
    files.some((f) => f.endsWith('.v1.json')),
    'histories from before the first patch are kept',
  );
});

test('every recorded history replays on the current workflow code without nondeterminism', async () => {
  // The recorded workflow id where the history has it: workflow code derives child ids from it.
  const histories = files.map((file) => {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: { workflowExecutionStartedEventAttributes?: { workflowId?: string } }[] };
    return { workflowId: json.events[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? file.replace(/\.json$/, ''), history: historyFromCliJson(json) };
  });
  const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories);
  let replayed = 0;
  for await (const result of results) {
    replayed++;
    assert.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
  }
  assert.equal(replayed, files.length);
});

test('a history from different workflow code is detected as nondeterministic', async () => {
  // Guard against a replay test that cannot fail: swap the order of two commands in a recorded
  // history (the first activity becomes the second's type) and expect the replayer to object.
  const original = JSON.parse(readFileSync(join(dir, 'canary-promoted.v1.json'), 'utf8')) as {
    events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
  };
  const scheduled = original.events.filter((e) => e.activityTaskScheduledEventAttributes);
  assert.ok(scheduled.length >= 2);
  scheduled[0]!.activityTaskScheduledEventAttributes!.activityType.name = 'somethingElse';
  await assert.rejects(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromCliJson(original), 'tampered'),
    /[Nn]ondeterminism|DeterminismViolation|does not match/,
  );
});

test('histories recorded after a patch carry its marker, older ones do not', () => {
  const markers = (file: string) =>
    (
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: { markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, unknown> } }[] }
    ).events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length;
  assert.equal(markers('canary-promoted.v1.json'), 0);
  assert.ok(markers('canary-promoted.v2.json') >= 1, `the ${PATCH_REMOVE_PROMOTED_CANDIDATE} patch marker is recorded`);
});

/** The activity types a recorded history scheduled as regular activities, in order. */
function scheduledActivities(file: string): string[] {
  return (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[] }).events.flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType.name] : [],
  );
}

/** The recording generation in a history's file name: canary-promoted.v5.json → 5. */
function generation(file: string): number {
  return Number(/\.v(\d+)\.json$/.exec(file)?.[1]);
}

function patchIds(file: string): string[] {
  return (
    JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      events: { markerRecordedEventAttributes?: { markerName?: string; details?: { 'patch-data'?: { payloads?: { data?: string }[] } } } }[];
    }
  ).events.flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.markerName === 'core_patch' ? e.markerRecordedEventAttributes.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id] : [];
  });
}

test('histories of a bake carry the bake patch marker; histories without postPromotion do not', () => {
  for (const file of ['canary-baked.v3.json', 'canary-bake-alert.v3.json']) assert.ok(patchIds(file).includes(PATCH_BAKE), `${file}: ${patchIds(file).join(', ')}`);
  for (const file of files.filter((f) => !f.includes('bake'))) assert.ok(!patchIds(file).includes(PATCH_BAKE), file);
});

test('drill histories are recorded for both kinds, scheduled and skipped runs; only the one with sinks carries the drill-notifications marker', () => {
  const types = (file: string) =>
    (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[] }).events[0]
      ?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  const drills = files.filter((f) => f.startsWith('drill-'));
  const scheduled = files.filter((f) => f.startsWith('scheduled-drill'));
  assert.ok(drills.some((f) => f.includes('bad-canary')) && drills.some((f) => f.includes('rollback-restore')), drills.join(', '));
  assert.ok(scheduled.some((f) => f.includes('skipped')) && scheduled.some((f) => !f.includes('skipped')), scheduled.join(', '));
  for (const f of drills) assert.equal(types(f), 'drillWorkflow', f);
  for (const f of scheduled) assert.equal(types(f), 'scheduledDrillWorkflow', f);
  for (const f of drills) assert.equal(patchIds(f).includes(PATCH_DRILL_NOTIFICATIONS), f.includes('notified'), `${f}: ${patchIds(f).join(', ')}`);
});

test('releases recorded since the change lock ask for a running rollback first; older histories never did', () => {
  assert.ok(patchIds('canary-promoted.v5.json').includes(PATCH_CHANGE_LOCK), patchIds('canary-promoted.v5.json').join(', '));
  for (const file of files.filter((f) => /\.v[1-4]\.json$/.test(f))) assert.ok(!patchIds(file).includes(PATCH_CHANGE_LOCK), file);
});

test('releases with config: resolve their config version behind its patch; histories without config never call it', () => {
  assert.ok(patchIds('canary-config.v6.json').includes(PATCH_CONFIG_VERSION), patchIds('canary-config.v6.json').join(', '));
  assert.deepEqual(scheduledActivities('canary-config.v6.json').slice(0, 3), ['currentRelease', 'resolveConfigVersion', 'deployCandidate']);
  for (const file of files.filter((f) => !f.includes('config'))) {
    assert.ok(!patchIds(file).includes(PATCH_CONFIG_VERSION), file);
    assert.ok(!scheduledActivities(file).includes('resolveConfigVersion'), file);
  }
});

test('a config-only release takes the strategy behind its patch; a rollback restores the pair behind its own', () => {
  const configOnly = patchIds('canary-config-only.v7.json');
  assert.ok(configOnly.includes(PATCH_CONFIG_ONLY_RELEASE) && configOnly.includes(PATCH_CONFIG_SEARCH_ATTRIBUTE), configOnly.join(', '));
  assert.ok(scheduledActivities('canary-config-only.v7.json').includes('deployCandidate'), 'the live build with a new config is deployed as a candidate');
  assert.ok(patchIds('rollback-config.v7.json').includes(PATCH_ROLLBACK_PAIR), patchIds('rollback-config.v7.json').join(', '));
  assert.deepEqual(scheduledActivities('rollback-config.v7.json'), ['currentRelease', 'listReleases', 'releasedConfig', 'rollbackToRelease']);
  // Recorded before: none of them asks for the new patches or the new activity.
  for (const file of files.filter((f) => generation(f) < 7)) {
    for (const id of [PATCH_CONFIG_ONLY_RELEASE, PATCH_CONFIG_SEARCH_ATTRIBUTE, PATCH_ROLLBACK_PAIR]) assert.ok(!patchIds(file).includes(id), `${file}: ${id}`);
    assert.ok(!scheduledActivities(file).includes('releasedConfig'), file);
  }
});

test('approvals checked by the worker (signed, or refused unsigned) go through verifyApproval behind their patch; older histories never did', () => {
  const signed = 'canary-signed-approval.v8.json';
  assert.ok(patchIds(signed).includes(PATCH_SIGNED_APPROVALS), patchIds(signed).join(', '));
  // The unsigned update and the unsigned signal (both refused), then the signed update.
  assert.equal(scheduledActivities(signed).filter((a) => a === 'verifyApproval').length, 3);
  for (const file of files.filter((f) => !/\.v([8-9]|\d\d+)\.json$/.test(f))) {
    assert.ok(!patchIds(file).includes(PATCH_SIGNED_APPROVALS), file);
    assert.ok(!scheduledActivities(file).includes('verifyApproval'), file);
  }
});

test('runs recorded since the quick steps read the live version, list retained releases and move weights in local activities; older histories scheduled them', () => {
  const quick = ['currentRelease', 'setTrafficWeight', 'listReleases', 'pruneReleases'];
  const v9 = files.filter((f) => f.endsWith('.v9.json'));
  assert.deepEqual(v9, ['canary-health-rollback.v9.json', 'canary-promoted.v9.json', 'rollback-config.v9.json']);
  for (const file of v9) {
    assert.ok(patchIds(file).includes(PATCH_LOCAL_QUICK_STEPS), `${file}: ${patchIds(file).join(', ')}`);
    assert.deepEqual(
      scheduledActivities(file).filter((a) => quick.includes(a)),
      [],
      file,
    );
  }
  assert.deepEqual(scheduledActivities('rollback-config.v9.json'), ['releasedConfig', 'rollbackToRelease']);
  for (const file of files.filter((f) => generation(f) < 9)) assert.ok(!patchIds(file).includes(PATCH_LOCAL_QUICK_STEPS), file);
  assert.ok(scheduledActivities('canary-promoted.v5.json').includes('setTrafficWeight'), 'older runs replay their scheduled weight moves');
});

/** Whether a history asked another workflow something with a signal (the change lock's old question). */
function signalsAnotherWorkflow(file: string): boolean {
  return (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: { signalExternalWorkflowExecutionInitiatedEventAttributes?: unknown }[] }).events.some(
    (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes !== undefined,
  );
}

test('runs recorded since the change lock asks with a local activity send no signal; older ones asked with a signal', () => {
  const v10 = files.filter((f) => f.endsWith('.v10.json'));
  assert.deepEqual(v10, ['canary-health-rollback.v10.json', 'canary-promoted.v10.json', 'rollback-config.v10.json']);
  for (const file of v10) {
    assert.ok(patchIds(file).includes(PATCH_CHANGE_LOCK_LOCAL), `${file}: ${patchIds(file).join(', ')}`);
    assert.ok(!signalsAnotherWorkflow(file), `${file} signals another workflow`);
  }
  for (const file of files.filter((f) => generation(f) < 10)) assert.ok(!patchIds(file).includes(PATCH_CHANGE_LOCK_LOCAL), file);
  for (const file of ['canary-promoted.v9.json', 'rollback-config.v9.json']) assert.ok(signalsAnotherWorkflow(file), `${file} asked the lock with a signal`);
});

test('releases recorded since the promotion removes its candidate schedule one activity for both; older ones scheduled two', () => {
  const v11 = files.filter((f) => f.endsWith('.v11.json'));
  assert.deepEqual(v11, ['canary-promoted.v11.json']);
  assert.ok(patchIds('canary-promoted.v11.json').includes(PATCH_PROMOTE_REMOVES_CANDIDATE), patchIds('canary-promoted.v11.json').join(', '));
  assert.ok(!patchIds('canary-promoted.v11.json').includes(PATCH_REMOVE_PROMOTED_CANDIDATE), 'the older patch is not asked on the new path');
  assert.deepEqual(scheduledActivities('canary-promoted.v11.json'), ['deployCandidate', 'probeHealth', 'probeHealth', 'promoteAndRemoveCandidate', 'retireRelease']);
  for (const file of files.filter((f) => generation(f) < 11)) {
    assert.ok(!patchIds(file).includes(PATCH_PROMOTE_REMOVES_CANDIDATE), file);
    assert.ok(!scheduledActivities(file).includes('promoteAndRemoveCandidate'), file);
  }
  assert.deepEqual(
    scheduledActivities('canary-promoted.v10.json').filter((a) => a.endsWith('Candidate')),
    ['deployCandidate', 'promoteCandidate', 'removeCandidate'],
    'older runs replay their two promotion activities',
  );
});

test('a canary recorded since the promotion retires the previous version schedules one activity for the three; older runs retire in their own', () => {
  const v12 = files.filter((f) => f.endsWith('.v12.json'));
  assert.deepEqual(v12, ['canary-retired-with-promotion.v12.json']);
  assert.ok(patchIds(v12[0]!).includes(PATCH_PROMOTE_RETIRES_PREVIOUS), patchIds(v12[0]!).join(', '));
  assert.deepEqual(scheduledActivities(v12[0]!), ['deployCandidate', 'promoteAndRetirePrevious']);
  for (const file of files.filter((f) => generation(f) < 12)) {
    assert.ok(!patchIds(file).includes(PATCH_PROMOTE_RETIRES_PREVIOUS), file);
    assert.ok(!scheduledActivities(file).includes('promoteAndRetirePrevious'), file);
  }
  assert.deepEqual(scheduledActivities('canary-promoted.v11.json').slice(-2), ['promoteAndRemoveCandidate', 'retireRelease'], 'a scale-down delay keeps the retirement apart');
});

test('the workflow bundle leaves zod out: schemas are checked at the edges, and the worker evaluates every module of the bundle again for each workflow it creates', async () => {
  const { code } = await workflowBundle();
  assert.match(code, /node_modules\/@temporalio\/workflow\//, 'the bundle names the modules it holds by their paths');
  const zodModules = code.match(/node_modules\/zod\/[^\s"'`]+/g) ?? [];
  assert.deepEqual(
    [...new Set(zodModules)].slice(0, 3),
    [],
    'a workflow imports a value from a domain module that defines zod schemas; move what it needs to a module without schemas',
  );
});
