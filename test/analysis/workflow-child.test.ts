/**
 * analysisWorkflow as a child of a release-like parent (test/analysis/fixtures): the decision
 * comes back to the parent, and cancelling the parent (an abort) cancels the child at once
 * instead of waiting out its window.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client, Connection } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { AnalysisTemplate } from '../../src/domain/analysis';
import { defaultKayentaTemplate, defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { analysisWorkflowId, selectTemplates } from '../../src/workflows/analysis-child';
import { runLoad } from '../../src/activities/load';
import type { parentWorkflow } from './fixtures/parent-workflows';
import { eventually, temporalClient, uniqueName } from '../helpers/stack';
import { Fleet, bundleOf, startWorker, type TestWorker } from './support';

let client: Client;
let connection: Connection;
let worker: TestWorker;
const fleet = new Fleet();

before(async () => {
  ({ client, connection } = await temporalClient());
  worker = await startWorker({}, bundleOf(require.resolve('./fixtures/parent-workflows')));
  await fleet.start({ role: 'canary', version: '2.0.0' });
  await fleet.scraped();
});
after(async () => {
  await worker.close();
  await connection.close();
  await fleet.close();
});

test('the parent gets the child analysis result and a one-line summary', async () => {
  const all = [AnalysisTemplate.parse(defaultThresholdTemplate({ interval: '1s', count: 2 })), AnalysisTemplate.parse(defaultKayentaTemplate())];
  const templates = selectTemplates(all, ['default-threshold']);
  assert.deepEqual(
    templates.map((t) => t.name),
    ['default-threshold'],
  );
  const url = fleet.instances[0]!.url;
  // Traffic first, so the first measurement already has data.
  const warm = runLoad({ targets: [`${url}/`], ratePerSecond: 40, durationMs: 12000 });
  await new Promise((r) => setTimeout(r, 5000));
  const parentId = uniqueName('parent');
  const out = await client.workflow.execute<typeof parentWorkflow>('parentWorkflow', {
    taskQueue: worker.taskQueue,
    workflowId: parentId,
    args: [{ label: 'step-1', templates, context: { service: fleet.service, environment: fleet.environment, window: '4s' } }],
  });
  await warm;
  assert.equal(out.result.decision, 'promote', out.summary);
  assert.match(out.summary, /^analysis Successful → promote: .*default-threshold Successful/);
  const children = client.workflow.list({ query: `ParentWorkflowId = "${parentId}"` });
  const ids: string[] = [];
  for await (const w of children) ids.push(w.workflowId);
  assert.equal(ids.length, 1);
  assert.match(ids[0]!, new RegExp(`^${parentId}/analysis/[0-9a-f-]{8}/step-1$`));
});

test('cancelling the parent cancels the analysis child at once, mid-window', async (t) => {
  const templates = [AnalysisTemplate.parse(defaultKayentaTemplate({ interval: '1s', window: '10m' }))];
  const parentId = uniqueName('parent');
  const handle = await client.workflow.start<typeof parentWorkflow>('parentWorkflow', {
    taskQueue: worker.taskQueue,
    workflowId: parentId,
    args: [{ label: 'long', templates, context: { service: fleet.service, environment: fleet.environment } }],
  });
  const { runId } = await handle.describe();
  const childId = analysisWorkflowId(parentId, runId!, 'long');
  await eventually('the child to run', async () => ((await client.workflow.getHandle(childId).describe()).status.name === 'RUNNING' ? true : undefined), 20000);
  const t0 = Date.now();
  await handle.cancel();
  await assert.rejects(handle.result(), WorkflowFailedError);
  // Cancelled by the parent's cancellation, or terminated by the parent close policy: either way it stops now.
  const status = await eventually(
    'the child to stop',
    async () => {
      const name = (await client.workflow.getHandle(childId).describe()).status.name;
      return name === 'CANCELLED' || name === 'TERMINATED' ? name : undefined;
    },
    10000,
    100,
  );
  t.diagnostic(`child ${status} ${Date.now() - t0} ms after the parent was cancelled`);
  assert.ok(Date.now() - t0 < 5000, `child stopped after ${Date.now() - t0} ms`);
});
