import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { SluiceClient } from '../../src/client';
import { Reason } from '../../src/domain/reasons';
import { SluicePhase, SluiceSummary } from '../../src/domain/search-attributes';
import { deployWorkflowId } from '../../src/workflows/ids';
import { eventually, stackConnectionSettings, testDataConverter } from '../helpers/stack';
import { newService, result, seedStable, spec, startHarness, type Harness } from '../workflows/support/harness';

/** The SDK's built-in query behind the Web UI's "current details" (and its list of handlers). */
const WORKFLOW_METADATA_QUERY = '__temporal_workflow_metadata';

/** A user-metadata payload as text, through the suite's codec when payloads are encrypted. */
async function metadataText(payload: Payload | null | undefined): Promise<string | undefined> {
  if (!payload) return undefined;
  let payloads = [payload];
  for (const codec of [...(testDataConverter()?.payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  return defaultPayloadConverter.fromPayload<string>(payloads[0]!);
}

/** Each ActivityTaskScheduled event's activity type and summary (undefined when it has none). */
async function activitySummaries(handle: WorkflowHandle): Promise<{ type: string; summary: string | undefined }[]> {
  const history = await handle.fetchHistory();
  const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
  return Promise.all(
    scheduled.map(async (e) => ({
      type: e.activityTaskScheduledEventAttributes!.activityType?.name ?? '?',
      summary: await metadataText(e.userMetadata?.summary as Payload | undefined),
    })),
  );
}

async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<temporal.api.sdk.v1.IWorkflowMetadata>(WORKFLOW_METADATA_QUERY);
  return metadata.currentDetails ?? '';
}

/**
 * What the Temporal server holds for the Web UI, read through the client API: the static summary
 * and details `SluiceClient.deploy` sets, the current details the workflow keeps up to date (the
 * SDK's metadata query, which the UI calls), and a summary on every scheduled activity. Runs on
 * the shared dev server with an in-process worker whose target is the file fake (the subject is
 * Temporal's metadata, not a target).
 */
describe('release workflows carry summaries and details for the Temporal Web UI', () => {
  let h: Harness;
  let sluice: SluiceClient;

  before(async () => {
    h = await startHarness({ buildMs: 0 });
    // As the stack says to connect: with its client certificate when it runs the cluster.
    sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: h.taskQueue });
  });
  after(async () => {
    await sluice?.close();
    await h?.close();
  });

  test('a promoted release: summary, details, current details while it runs and after, activity summaries', async () => {
    const service = newService('meta-ok');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const s = spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '2s' } }] } });
    const started = await sluice.deploy(s, { by: 'metadata-test' });
    const handle = h.client.workflow.getHandle(started.workflowId, started.runId);

    // While it runs: the details follow the status (weight 20% during the analysis window).
    const running = await eventually('current details at 20%', async () => {
      const details = await currentDetails(handle);
      return /canary weight 20%/.test(details) ? details : undefined;
    });
    assert.match(running, /step 2\/2|step 1\/2/);
    assert.match(running, /\*\*release\*\* 1\.0\.0\+aaaaaaa → 1\.1\.0\+bbbbbbb/);

    const res = await result(handle);
    assert.equal(res.outcome, 'promoted', res.message);

    const description = await handle.describe();
    assert.equal(description.status.name, 'COMPLETED');
    assert.equal(await description.staticSummary(), `release ${service} → test: 1.1.0+bbbbbbb by canary 20% → analysis`);
    assert.equal(description.typedSearchAttributes.get(SluiceSummary), `${service} 1.0.0+aaaaaaa → 1.1.0+bbbbbbb · canary 20% → analysis`, 'the list line');
    const staticDetails = (await description.staticDetails()) ?? '';
    assert.match(staticDetails, new RegExp(`\\*\\*service\\*\\* ${service} in \\*\\*test\\*\\*`));
    assert.match(staticDetails, /\*\*strategy\*\* canary 20% → analysis/);
    assert.match(staticDetails, /\*\*started by\*\* metadata-test/);

    const final = await currentDetails(handle);
    assert.match(final, /^\*\*promoted\*\*/);
    assert.match(final, /\*\*outcome\*\* promoted: /);

    const activities = await activitySummaries(handle);
    assert.ok(activities.length >= 3, `scheduled activities: ${JSON.stringify(activities)}`);
    const missing = activities.filter((a) => !a.summary);
    assert.deepEqual(missing, [], 'every scheduled activity has a summary');
    const summaries = activities.map((a) => a.summary);
    assert.ok(summaries.includes('deploy canary 1.1.0+bbbbbbb'), summaries.join(' | '));
    assert.ok(
      summaries.some((x) => /probe /.test(x ?? '')),
      summaries.join(' | '),
    );
    assert.ok(
      summaries.some((x) => /^promote 1\.1\.0\+bbbbbbb over 1\.0\.0\+aaaaaaa, remove its canary instance, retire 1\.0\.0\+aaaaaaa$/.test(x ?? '')),
      summaries.join(' | '),
    );
  });

  test('a rolled-back release completes (not failed) and says ROLLED BACK in its current details', async () => {
    const service = newService('meta-back');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const s = spec(service, '1.2.0+ccccccc', {
      strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
      approval: { approvers: [], timeout: '1s' },
    });
    const started = await sluice.deploy(s, { by: 'metadata-test' });
    assert.equal(started.workflowId, deployWorkflowId(service, 'test'));
    const handle = h.client.workflow.getHandle(started.workflowId, started.runId);
    const res = await result(handle);
    assert.equal(res.outcome, 'rolled-back', res.message);
    assert.equal(res.reason, Reason.ApprovalTimedOut);

    const description = await handle.describe();
    assert.equal(description.status.name, 'COMPLETED', 'a rollback is an outcome, not a workflow failure');
    assert.deepEqual(description.typedSearchAttributes.get(SluicePhase), 'rolled-back');
    assert.equal(await description.staticSummary(), `release ${service} → test: 1.2.0+ccccccc by canary 10% → approval`);

    const details = await currentDetails(handle);
    assert.match(details, /^\*\*ROLLED BACK\*\*/);
    assert.match(details, /\*\*release\*\* 1\.0\.0\+aaaaaaa → 1\.2\.0\+ccccccc/);
    assert.match(details, new RegExp(`\\*\\*outcome\\*\\* rolled-back: ${Reason.ApprovalTimedOut}`));
    const undo = (await activitySummaries(handle)).map((a) => a.summary);
    assert.ok(undo.includes('undo: remove canary 1.2.0+ccccccc'), undo.join(' | '));
  });
});
