/**
 * The Grafana dashboard (deploy/grafana/sluice.json). Grafana cannot be installed here, so the
 * test checks what Grafana would do with it: after real releases (one promoted through a canary
 * with an approval and analysis, one rolled back by analysis) through the process target and
 * HAProxy, with a worker Prometheus scrapes, every panel's query parses in the live Prometheus
 * and returns series over the test's time range.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { dashboardJson, DASHBOARD_FILE } from '../../src/dashboards/write';
import { dashboardQueries } from '../../src/dashboards/sluice';
import { prometheusUrl } from '../../src/dev/config';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { approveSignal, statusQuery } from '../../src/workflows/definitions';
import { eventually, repoRoot, stack } from '../helpers/stack';
import { startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { ProcessService } from '../workflows/support/process-service';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const V3 = '1.2.0+ccc3333';

let e2e: E2eWorker;
let svc: ProcessService;
const startedAtS = Math.floor(Date.now() / 1000);

type Steps = Extract<ReleaseSpecInput['strategy'], { kind: 'canary' }>['steps'];

function deploy(version: string, steps: Steps) {
  return svc.deploy(version, {
    strategy: { kind: 'canary', steps, scaleDownDelay: '0s' },
    analysis: {
      templates: [{ ...defaultThresholdTemplate({ interval: '1s', count: 5, initialDelay: '3s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
      // Through the router, so the stable and the canary both serve (and report) requests.
      load: { ratePerSecond: 40, via: 'router' },
      rateWindow: '10s',
    },
  });
}

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/** Grafana's variables as Grafana would fill them for this test's service and time range. */
function interpolate(expr: string, rangeS: number): string {
  return expr.replaceAll('$__rate_interval', '15s').replaceAll('$__range', `${rangeS}s`).replaceAll('$service', svc.service).replaceAll('$environment', svc.environment);
}

async function queryRange(expr: string, startS: number, endS: number): Promise<QueryAnswer> {
  const url = new URL('/api/v1/query_range', prometheusUrl(stack));
  url.search = new URLSearchParams({ query: expr, start: String(startS), end: String(endS), step: '1' }).toString();
  const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
  return (await res.json()) as QueryAnswer;
}

before(async () => {
  e2e = await startE2eWorker('dash', { telemetry: true });
  // v3 is the bad release: v2's binary with 30% of its answers 500s.
  svc = await ProcessService.create(e2e, { prefix: 'dash', versions: [V1, V2, V3], sameBinaryAs: { [V3]: V2 }, releaseEnv: { [V3]: { FAULT_ERROR_RATE: '0.3' } } });
  const first = await settleDeployment((await deploy(V1, [{ kind: 'setWeight', weight: 100 }])).result());
  assert.equal(first.outcome, 'promoted', first.message);
});

after(async () => {
  await e2e?.stop(() => svc.ref(), svc?.releases() ?? []);
});

test('deploy/grafana/sluice.json is what src/dashboards/sluice.ts generates (npm run dashboard)', () => {
  assert.equal(readFileSync(join(repoRoot(), DASHBOARD_FILE), 'utf8'), dashboardJson());
});

test('every panel query parses and returns series after real releases', { timeout: 300000 }, async () => {
  // A canary promoted after an approval and a passing analysis...
  const good = await deploy(V2, [{ kind: 'setWeight', weight: 30 }, { kind: 'pause' }, { kind: 'analysis', templates: ['errors'] }, { kind: 'setWeight', weight: 100 }]);
  await eventually('the approval gate', async () => ((await good.query(statusQuery)).awaitingApproval ? true : undefined), 60000);
  // increase() needs a sample before the approval's observation: wait until Prometheus has scraped
  // the approval-wait series at 0 (zeroed when the first release started). Otherwise, when the
  // worker's first good scrape comes after the approval, the panel's increase() is 0 and its
  // quantile NaN: no data, although a long-running worker in production always has that sample.
  await eventually(
    'the zeroed approval-wait series in Prometheus',
    async () => {
      const endS = Math.ceil(Date.now() / 1000);
      const answer = await queryRange(`sluice_approval_wait_seconds_count{service="${svc.service}"} == 0`, endS - 2, endS);
      return (answer.data?.result ?? []).some((s) => s.values.length > 0) ? true : undefined;
    },
    60000,
    500,
  );
  await good.signal(approveSignal, 'dashboard-test');
  const promoted = await settleDeployment(good.result());
  assert.equal(promoted.outcome, 'promoted', promoted.message);
  // ...and one rolled back by analysis.
  const bad = await settleDeployment(
    (
      await deploy(V3, [
        { kind: 'setWeight', weight: 30 },
        { kind: 'analysis', templates: ['errors'] },
      ])
    ).result(),
  );
  assert.equal(bad.outcome, 'rolled-back', bad.message);

  // The worker's counters reach Prometheus on its next scrapes (they start at 0 with the first release).
  await eventually(
    'the release outcomes in Prometheus',
    async () => {
      const endS = Math.ceil(Date.now() / 1000);
      const answer = await queryRange(`sluice_releases_total{service="${svc.service}"} >= 1`, endS - 2, endS);
      const outcomes = new Set(answer.data?.result.filter((s) => s.values.length > 0).map((s) => s.metric.outcome));
      return outcomes.has('promoted') && outcomes.has('rolled-back') ? true : undefined;
    },
    60000,
    500,
  );

  const endS = Math.ceil(Date.now() / 1000);
  const rangeS = endS - startedAtS + 60;
  const queries = dashboardQueries();
  assert.ok(queries.length >= 12, `the dashboard has ${queries.length} queries`);
  const empty: string[] = [];
  for (const { panel, target } of queries) {
    const expr = interpolate(target.expr, rangeS);
    assert.doesNotMatch(expr, /\$\w/, `${panel}: every variable is filled in`);
    const answer = await queryRange(expr, startedAtS, endS);
    assert.equal(answer.status, 'success', `${panel} (${target.refId}): ${answer.error ?? ''} in ${expr}`);
    const points = (answer.data?.result ?? []).flatMap((s) => s.values).filter(([, v]) => v !== 'NaN');
    if (points.length === 0) empty.push(`${panel} (${target.refId}): ${expr}`);
  }
  assert.deepEqual(empty, [], 'panels without data');
});
