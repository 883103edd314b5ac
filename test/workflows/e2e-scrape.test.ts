/**
 * Continuous scraping, end to end on the real stack: releases of the example service through the
 * process target and HAProxy (a worker wired like production), and the stack's real Prometheus
 * (scraping every second through file service discovery). What Prometheus scrapes for the service
 * is read back as `up` series, so every assertion is about what Prometheus really saw.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { z } from 'zod';
import { createDeployActivities } from '../../src/activities/deploy';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { createTarget } from '../../src/activities/targets/registry';
import { prometheusUrl } from '../../src/dev/config';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { abortSignal, approveUpdate } from '../../src/workflows/definitions';
import { adapterConfig, eventually, stack } from '../helpers/stack';
import { startE2eWorker, type E2eWorker } from './support/e2e';
import { ProcessService } from './support/process-service';
import { waitForStatus } from './support/harness';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const V3 = '1.2.0+ccc3333';

let e2e: E2eWorker;
let svc: ProcessService;

function deploy(version: string, strategy: ReleaseSpecInput['strategy']) {
  return svc.deploy(version, {
    strategy,
    analysis: {
      templates: [{ ...defaultThresholdTemplate({ interval: '1s', count: 3, initialDelay: '2s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
      load: { ratePerSecond: 20, via: 'candidate' },
      rateWindow: '5s',
    },
  });
}

const QueryResponse = z.object({
  status: z.literal('success'),
  data: z.object({ result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })) }),
});

/** What Prometheus scrapes of the service now: sorted "role version=up" strings, from its `up` series. */
async function scraped(): Promise<string[]> {
  const query = `up{job="sluice",service="${svc.service}",environment="${svc.environment}"}`;
  const res = await fetch(`${prometheusUrl(stack)}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(5000) });
  const body = QueryResponse.parse(await res.json());
  return body.data.result.map((r) => `${r.metric.role} ${r.metric.version}=${r.value[1]}`).sort();
}

/** Waits until Prometheus scrapes exactly `expected` (each up), with a deadline. */
async function untilScraped(what: string, expected: string[], timeoutMs = 30000): Promise<void> {
  const want = expected.map((e) => `${e}=1`).sort();
  let last: string[] = [];
  await eventually(
    `${what}: Prometheus scrapes ${JSON.stringify(want)}`,
    async () => {
      last = await scraped();
      return JSON.stringify(last) === JSON.stringify(want) ? true : undefined;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last seen ${JSON.stringify(last)})`);
  });
}

before(async () => {
  e2e = await startE2eWorker('scrape');
  // V3 is V2's binary under another version: an aborted canary.
  svc = await ProcessService.create(e2e, { prefix: 'scrape', versions: [V1, V2, V3], sameBinaryAs: { [V3]: V2 } });
});

after(async () => {
  await e2e?.stop(() => svc.ref(), svc?.releases() ?? []);
});

test('every live instance is scraped with its role and version, through promotion, abort, rollback and retirement', { timeout: 300000 }, async () => {
  const first = await settleDeployment((await deploy(V1, { kind: 'canary', steps: [{ setWeight: 100 }] })).result());
  assert.equal(first.outcome, 'promoted', first.message);
  // Registered by the deploy activities, with no analysis anywhere in this release.
  await untilScraped('after the first release', [`stable ${V1}`]);

  // A canary at 50%, analysed, then waiting for approval: stable and canary both scraped, each with
  // its version, once each. The analysis measured the canary through its continuous registration
  // (a rollback here would miss the approval gate) and left it registered when it ended.
  const canary = await deploy(V2, {
    kind: 'canary',
    steps: [{ setWeight: 50 }, { analysis: { templates: ['errors'] } }, { pause: {} }],
    scaleDownDelay: '20s',
  });
  await waitForStatus(canary, 'the approval gate after the analysis', (s) => s.phase === 'awaiting-approval', 120000);
  await untilScraped('during the canary, after its analysis', [`stable ${V1}`, `canary ${V2}`]);

  // Promoted: V2 is the stable; V1 still runs warm (scale-down delay) but is no longer scraped as stable.
  await canary.executeUpdate(approveUpdate, { args: ['e2e'] });
  await untilScraped('after the promotion', [`stable ${V2}`], 15000);
  const processes = createTarget('process', svc.target().settings, adapterConfig);
  const warm = (await processes.instances({ service: svc.service, environment: svc.environment, workflowId: 'test' })).filter((i) => i.release.version === V1 && i.running);
  assert.equal(warm.length, 1, 'V1 is still running warm while it is no longer scraped as the stable');
  const promoted = await settleDeployment(canary.result());
  assert.equal(promoted.outcome, 'promoted', promoted.message);
  await untilScraped('after the previous release was retired', [`stable ${V2}`]);

  // An aborted canary: it was scraped while it ran, and is gone after the rollback.
  const aborted = await deploy(V3, { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '120s' } }] });
  await waitForStatus(aborted, 'the 10% pause', (s) => s.phase === 'canary' && s.weight === 10, 120000);
  await untilScraped('during the second canary', [`stable ${V2}`, `canary ${V3}`]);
  await aborted.signal(abortSignal, 'e2e abort', 'tester');
  assert.equal((await settleDeployment(aborted.result())).outcome, 'aborted');
  await untilScraped('after the abort', [`stable ${V2}`]);

  // A rollback to a retained release, through the deploy activities the worker runs.
  const acts = createDeployActivities({ config: adapterConfig, logger: pino({ level: 'warn' }), prometheusTargetsDir: stack.prometheus.targetsDir });
  await acts.rollbackToRelease({ ...svc.ref(), release: svc.release(V1), from: svc.release(V2) });
  await untilScraped('after the rollback to V1', [`stable ${V1}`]);

  // Retired: nothing of the service is scraped any more.
  await acts.retireRelease({ ...svc.ref(), release: svc.release(V1) });
  await untilScraped('after retiring V1', []);
});
