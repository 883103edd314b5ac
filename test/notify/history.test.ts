/**
 * The recorded history of a release with sinks (test/histories/canary-notified.v3.json, replayed
 * with the others by test/workflows/replay.test.ts) shows the shape this slice promises: the
 * 'notifications' patch marker, one abandoned notifyWorkflow per event with the event id as its
 * workflow id, and no secret. Histories of releases without sinks have none of it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/lib/paths';
import { PATCH_NOTIFICATIONS } from '../../src/workflows/notify';

interface CliEvent {
  eventType: string;
  markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: { data?: string }[] }> };
  startChildWorkflowExecutionInitiatedEventAttributes?: { workflowId: string; workflowType: { name: string }; parentClosePolicy: string };
}

function events(file: string): CliEvent[] {
  return (JSON.parse(readFileSync(join(packageRoot(), 'test', 'histories', file), 'utf8')) as { events: CliEvent[] }).events;
}

function patches(file: string): string[] {
  return events(file)
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .flatMap((e) => Object.values(e.markerRecordedEventAttributes!.details ?? {}).flatMap((d) => d.payloads ?? []))
    .map((p) => (JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8')) as { id: string }).id);
}

function childStarts(file: string) {
  return events(file).flatMap((e) => (e.startChildWorkflowExecutionInitiatedEventAttributes ? [e.startChildWorkflowExecutionInitiatedEventAttributes] : []));
}

test('a release with sinks records the notifications patch and one abandoned notifyWorkflow per event, named by the event id', () => {
  assert.ok(patches('canary-notified.v3.json').includes(PATCH_NOTIFICATIONS));
  const starts = childStarts('canary-notified.v3.json');
  assert.deepEqual(
    starts.map((s) => [s.workflowType.name, s.parentClosePolicy, s.workflowId.replace(/^.*\/notify\/[0-9a-f-]{36}\//, '')]),
    [
      ['notifyWorkflow', 'PARENT_CLOSE_POLICY_ABANDON', '1-started'],
      ['notifyWorkflow', 'PARENT_CLOSE_POLICY_ABANDON', '2-awaiting-approval'],
      ['notifyWorkflow', 'PARENT_CLOSE_POLICY_ABANDON', '3-promoted'],
    ],
  );
  const text = readFileSync(join(packageRoot(), 'test', 'histories', 'canary-notified.v3.json'), 'utf8');
  const decoded = [...text.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');
  assert.ok(decoded.includes('RECORDER_WEBHOOK_SECRET'), 'the spec in the history names the secret by reference');
  assert.ok(!decoded.includes('whsec_') && !decoded.includes('/slack'), 'but holds neither the secret nor the Slack URL');
});

test('releases without sinks add no notification command and no patch marker', () => {
  for (const file of ['canary-promoted.v2.json', 'canary-health-rollback.v2.json', 'blue-green-aborted.v2.json']) {
    assert.ok(!patches(file).includes(PATCH_NOTIFICATIONS), file);
    assert.deepEqual(childStarts(file), [], file);
  }
});
