import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { temporalUiUrl } from '../../src/dev/config';
import { describeResult, runCli, specDir } from '../cli/helpers';
import { repoRoot, stack, temporalClient, uniqueName } from '../helpers/stack';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium';

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
  const userDataDir = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  let context: BrowserContext;

  before(async () => {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await context?.close();
    rmSync(userDataDir, { recursive: true, force: true });
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
