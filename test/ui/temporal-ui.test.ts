import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { temporalUiUrl } from '../../src/dev/config';
import { SluiceClient } from '../../src/client';
import { describeResult, runCli, specDir } from '../cli/helpers';
import { eventually, repoRoot, stack, stackConnectionSettings, temporalClient, uniqueName } from '../helpers/stack';
import { newService, result, seedStable, spec as fakeSpec, startHarness, type Harness } from '../workflows/support/harness';
import { launchChromium, signInToSuiteCodec } from '../helpers/chromium';

/**
 * The Temporal Web UI as the window onto deployments: a release started with `sluice deploy` and
 * aborted with `sluice abort` is found by its search attributes, and its history shows the abort
 * signal. No worker polls the test's task queue, so the run stays where the CLI left it and the
 * page shows exactly what the client sent; the test terminates it afterwards.
 */
describe('Temporal Web UI shows Sluice deployments', () => {
  const service = uniqueName('ui');
  const environment = 'production';
  const workflowId = `deploy/${service}/${environment}`;
  const taskQueue = uniqueName('ui-no-worker');
  const spec = specDir(
    [
      `service: ${service}`,
      `environment: ${environment}`,
      `source: { kind: build, repoDir: ${repoRoot()}/examples/go-service, imageRepo: 127.0.0.1:5000/${service} }`,
      'target: { kind: docker }',
      // No worker runs this release, so the port is never bound.
      'router: { kind: haproxy, settings: { listenPort: 18080 } }',
      'strategy:',
      '  kind: canary',
      '  steps: [ { setWeight: 10 }, { pause: {} }, { setWeight: 100 } ]',
    ].join('\n'),
  );
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;

  before(async () => {
    browser = await launchChromium();
    context = browser.context;
    await signInToSuiteCodec(context);
  });

  after(async () => {
    await browser?.close();
    spec.remove();
    const { client, connection } = await temporalClient();
    await client.workflow
      .getHandle(workflowId)
      .terminate('ui test done')
      .catch(() => undefined);
    await connection.close();
  });

  test('find the release by search attributes, see them and the abort signal in its history', async () => {
    const started = await runCli(['deploy', '-f', spec.file, '--task-queue', taskQueue, '--output', 'json']);
    assert.equal(started.code, 0, describeResult(started));
    const { runId, link } = JSON.parse(started.stdout) as { runId: string; link: string };
    assert.equal(link, `${temporalUiUrl(stack)}/namespaces/${stack.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`);

    const aborted = await runCli(['abort', service, environment, '--reason', 'ui test abort', '--by', 'ui-test']);
    assert.equal(aborted.code, 0, describeResult(aborted));

    const page = await context.newPage();
    // 1. The list, filtered the way the README tells people to filter.
    const query = `WorkflowType = 'deployWorkflow' AND SluiceService = '${service}' AND SluiceEnvironment = '${environment}'`;
    await page.goto(`${temporalUiUrl(stack)}/namespaces/${stack.temporal.namespace}/workflows?query=${encodeURIComponent(query)}`);
    const row = page.getByRole('link', { name: workflowId });
    await row.first().waitFor({ timeout: 30_000 });
    await row.first().click();

    // 2. The workflow page: its type and the abort signal in the event history.
    await page.waitForURL(/\/workflows\/.+\/history/, { timeout: 30_000 });
    await page.getByText('deployWorkflow').first().waitFor({ timeout: 30_000 });
    await page.getByText('Workflow Execution Signaled').first().waitFor({ timeout: 30_000 });
    const body = await page.locator('body').innerText();
    assert.match(body, new RegExp(workflowId.replace(/[/.]/g, '\\$&')));
    assert.match(body, /\babort\b/);

    // 3. The search attributes tab.
    await page
      .getByRole('tab', { name: /Search Attributes/ })
      .or(page.getByText('Search Attributes', { exact: true }))
      .first()
      .click();
    await page.getByText('SluiceService').first().waitFor({ timeout: 15_000 });
    const attrs = await page.locator('body').innerText();
    assert.match(attrs, /SluiceService/);
    assert.match(attrs, new RegExp(service));
    assert.match(attrs, /SluiceEnvironment/);
    assert.match(attrs, /SluicePhase/);

    mkdirSync(join(repoRoot(), 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'temporal-ui-deployment.png'), fullPage: true });

    // 4. The signal's payload (reason and who) is in the event's details.
    await page.goto(link);
    await page.getByText('Workflow Execution Signaled').first().click();
    await page.getByText('ui test abort').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'temporal-ui-abort-signal.png'), fullPage: true });
  });
});

/** The text of the workflow page's markdown panels (Summary, Details, Current Details): the UI renders each in an iframe from `/render?content=`. */
async function renderedPanels(page: Page): Promise<string[]> {
  const sources = await page.locator('iframe[title="output"]').evaluateAll((frames) => frames.map((f) => f.getAttribute('src') ?? ''));
  return sources.map((src) => new URL(src, 'http://ui.invalid').searchParams.get('content') ?? '');
}

/**
 * A promoted and a rolled-back release are both "Completed" in the list (a rollback is an
 * outcome, not a failure). The list tells them apart by the SluicePhase column (added the way a
 * person adds it, through the UI's column settings, kept in the browser's local storage); each
 * release's page shows its summary, details and current details, and its event history reads as
 * steps through its activities' summaries. The releases run to the end on an in-process worker
 * whose target is the file fake (the subject is what the Web UI shows, not a target); the worker
 * stays up while the page is open, since the UI asks it for the current details.
 */
describe('Temporal Web UI tells release outcomes apart', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;
  let h: Harness;
  let sluice: SluiceClient;

  before(async () => {
    h = await startHarness({ buildMs: 0 });
    sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: h.taskQueue });
    browser = await launchChromium({ width: 1600, height: 1000 });
    context = browser.context;
    await signInToSuiteCodec(context);
  });
  after(async () => {
    await browser?.close();
    await sluice?.close();
    await h?.close();
  });

  test('the list shows each outcome, the page each summary and current details, the history activity summaries', async () => {
    const promoted = newService('ui-ok');
    const rolledBack = newService('ui-back');
    seedStable(h, promoted, '1.0.0+aaaaaaa');
    seedStable(h, rolledBack, '1.0.0+aaaaaaa');
    const good = await sluice.deploy(fakeSpec(promoted, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '1s' } }] } }));
    const bad = await sluice.deploy(
      fakeSpec(rolledBack, '1.2.0+ccccccc', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] }, approval: { approvers: [], timeout: '1s' } }),
    );
    assert.equal((await result(h.client.workflow.getHandle(good.workflowId, good.runId))).outcome, 'promoted');
    assert.equal((await result(h.client.workflow.getHandle(bad.workflowId, bad.runId))).outcome, 'rolled-back');

    const page = await context.newPage();
    const ui = temporalUiUrl(stack);
    const ns = stack.temporal.namespace;
    // 1. The list with SluicePhase and SluiceSummary as columns (docs/workflows.md says how to add them).
    await page.goto(`${ui}/namespaces/${ns}/workflows`);
    await page.evaluate(
      ([key, namespace]) => {
        const columns = ['Status', 'Workflow ID', 'SluicePhase', 'SluiceSummary', 'Type', 'Start', 'End'].map((label) => ({ label }));
        // Runs in the page (the test's tsconfig has no DOM types).
        const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage;
        storage.setItem(key!, JSON.stringify({ [namespace!]: columns }));
      },
      ['namespace-workflow-table-columns', ns],
    );
    const query = `WorkflowType = 'deployWorkflow' AND SluiceService IN ('${promoted}', '${rolledBack}')`;
    await page.goto(`${ui}/namespaces/${ns}/workflows?query=${encodeURIComponent(query)}`);
    const goodRow = page.getByRole('row').filter({ hasText: good.workflowId });
    const badRow = page.getByRole('row').filter({ hasText: bad.workflowId });
    await goodRow.first().waitFor({ timeout: 30_000 });
    await badRow.first().waitFor({ timeout: 30_000 });
    const goodText = await goodRow.first().innerText();
    const badText = await badRow.first().innerText();
    assert.match(goodText, /Completed[\s\S]*succeeded/);
    assert.ok(goodText.includes(`${promoted} 1.0.0+aaaaaaa → 1.1.0+bbbbbbb · canary 20% → analysis`), goodText);
    assert.match(badText, /Completed[\s\S]*rolled-back/);
    assert.ok(badText.includes(`${rolledBack} 1.0.0+aaaaaaa → 1.2.0+ccccccc · canary 10% → approval`), badText);
    mkdirSync(join(repoRoot(), 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'temporal-ui-release-outcomes.png'), fullPage: true });

    // 2. The promoted release's history reads as steps.
    await page.goto(good.link);
    await page.getByText('deploy canary 1.1.0+bbbbbbb').first().waitFor({ timeout: 30_000 });
    await page.getByText('promote 1.1.0+bbbbbbb over 1.0.0+aaaaaaa').first().waitFor({ timeout: 30_000 });
    await page.getByText('canary 1.1.0+bbbbbbb at 20%').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'temporal-ui-activity-summaries.png'), fullPage: true });

    // 3. The rolled-back one: its undo steps, and its User Metadata tab says what it was and how it ended.
    await page.goto(bad.link);
    await page.getByText('undo: remove canary 1.2.0+ccccccc').first().waitFor({ timeout: 30_000 });
    await page
      .getByRole('tab', { name: /User Metadata/ })
      .first()
      .click();
    const panels = await eventually('summary, details and current details on the page', async () => {
      const texts = await renderedPanels(page);
      return texts.some((t) => /ROLLED BACK/.test(t)) ? texts : undefined;
    });
    assert.ok(panels.includes(`release ${rolledBack} → test: 1.2.0+ccccccc by canary 10% → approval`), panels.join(' | '));
    assert.ok(
      panels.some((t) => /\*\*strategy\*\* canary 10% → approval/.test(t)),
      panels.join(' | '),
    );
    assert.ok(
      panels.some((t) => /\*\*outcome\*\* rolled-back: ApprovalTimedOut/.test(t)),
      panels.join(' | '),
    );
    await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'temporal-ui-rolled-back.png'), fullPage: true });
  });
});
