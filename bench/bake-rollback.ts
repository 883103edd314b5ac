/**
 * From the error spike during a bake to 100% of traffic on the previous version, on the real
 * stack: process target (go-service with FAULT_CONTROL) behind HAProxy, 20 req/s of load through
 * the router, Prometheus scraping every `scrapeInterval` (1 s on the dev stack).
 *
 * Per run: v1 is live; v2 is promoted with `postPromotion: { bake: 3m }`; once it bakes, its
 * error rate is switched to 100% at run time (PUT /debug/fault). Two paths:
 * - alert: a rule of the benchmark (5xx share > 20% over 4 s, evaluated every 1 s, `for: 0s`,
 *   critical) → Prometheus → Alertmanager (route group_wait 0s) → receiver → alert signal;
 * - analysis: bake analysis with defaultThresholdTemplate (interval 1 s, rateWindow 4 s,
 *   failureLimit 0) against the promoted instance, alerts off.
 *
 * Timestamps (one host, one clock):
 *   fault      the PUT /debug/fault answered
 *   scraped    the first scrape of v2 whose 500 counter rose (raw samples of http_requests_total)
 *   active     the alert's activeAt (Prometheus /api/v1/alerts, polled)          [alert path]
 *   am         the alert's updatedAt in Alertmanager (/api/v2/alerts, polled)    [alert path]
 *   received   the receiver's receivedAt in the AlertNotice                       [alert path]
 *   decided    the analysis event's decidedAt                                     [analysis path]
 *   signalled  the workflow's `alert` event (signal handled) / the stop decision
 *   flipped    HAProxy's runtime state sends everything to v1 (admin socket, polled ~2 ms)
 *   answered   the first request of the load answered by v1 after the fault
 *
 *   npx tsx bench/bake-rollback.ts [runs=1] [paths=alert,analysis]
 */
import { join } from 'node:path';
import { defaultThresholdTemplate } from '../src/activities/metrics/templates';
import { proxyInstance, proxyName } from '../src/activities/routers/haproxy/config';
import { createDeployActivities } from '../src/activities/deploy';
import { createRouter } from '../src/activities/routers/registry';
import { alertmanagerUrl, prometheusUrl } from '../src/dev/config';
import { settleDeployment } from '../src/domain/result';
import type { ReleaseSpecInput } from '../src/domain/spec';
import type { DeploymentEvent, DeploymentResult } from '../src/domain/status';
import { validateReleaseSpec } from '../src/domain/validate';
import type { deployWorkflow } from '../src/workflows';
import { statusQuery } from '../src/workflows/definitions';
import { deployWorkflowId } from '../src/workflows/ids';
import { adapterConfig, catalogue, eventually, stack, uniqueName } from '../test/helpers/stack';
import { FAST_STOP_ENV, freePortBlock, quiet, serviceBinary } from '../test/targets/fixtures';
import { BAKE_ALERT, ensureAlertPath, installAlertRule, setFault, startLoad } from '../test/workflows/support/bake';
import { startE2eWorker, type E2eWorker } from '../test/workflows/support/e2e';
import { release } from '../test/workflows/support/harness';
import { serverStates } from '../src/lib/haproxy';
import { median } from './measure';

const RUNS = Number(process.argv[2] ?? 1);
const PATHS = (process.argv[3] ?? 'alert,analysis').split(',') as ('alert' | 'analysis')[];
const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const environment = 'bench';
const prefix = uniqueName('bkb').slice(0, 24);

type Path = 'alert' | 'analysis';
interface Times {
  fault: number;
  scraped?: number;
  active?: number;
  am?: number;
  received?: number;
  decided?: number;
  signalled?: number;
  flipped?: number;
  answered?: number;
  result: DeploymentResult;
}

let e2e: E2eWorker;
let binaries: Record<string, string>;
const cleanups: Array<() => Promise<unknown>> = [];
const services: { service: string; listenPort: number; basePort: number }[] = [];

const router = (s: { listenPort: number }) => ({ kind: 'haproxy' as const, settings: { listenPort: s.listenPort, drainTimeoutMs: 1000 } });
const target = (s: { service: string; basePort: number }) => ({
  kind: 'process' as const,
  settings: { stateDir: join(e2e.dir, 'processes', s.service), basePort: s.basePort, env: { ...FAST_STOP_ENV, FAULT_CONTROL: 'true' }, stopTimeoutMs: 5000, readyTimeoutMs: 20000 },
});

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

/**
 * The moment HAProxy's runtime state sends everything to the `stable` server on `port` (polled
 * every ~2 ms on the admin socket; a socket error, e.g. during a reload, is retried).
 */
let lastStates = '';
function watchFlip(adminSocket: string, backend: string, port: number): { stop(): Promise<number | undefined> } {
  return pollFirst(async () => {
    const servers = await serverStates(adminSocket, backend);
    lastStates = JSON.stringify(servers.map((x) => [x.server, x.port, x.weight]));
    const stable = servers.find((x) => x.server === 'stable');
    const all = stable && stable.weight > 0 && stable.port === port && servers.every((x) => x.server === 'stable' || x.weight === 0);
    return all ? Date.now() : undefined;
  }, 2);
}

/** Polls `fn` every `everyMs` until stopped; keeps the first defined value. */
function pollFirst<T>(fn: () => Promise<T | undefined>, everyMs = 50): { stop(): Promise<T | undefined> } {
  let value: T | undefined;
  let done = false;
  const loop = (async () => {
    while (!done && value === undefined) {
      value = await fn().catch(() => undefined);
      if (value === undefined) await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      done = true;
      await loop;
      return value;
    },
  };
}

/** The scrape time of the first raw sample after `since` whose 500 counter is above the one before it. */
async function firstErrorSample(service: string, since: number): Promise<number | undefined> {
  const q = encodeURIComponent(`http_requests_total{service="${service}",environment="${environment}",code="500",handler="root"}[3m]`);
  const answer = await getJson<{ data: { result: { values: [number, string][] }[] } }>(`${prometheusUrl(stack)}/api/v1/query?query=${q}`);
  let first: number | undefined;
  for (const series of answer.data.result) {
    let before: number | undefined;
    for (const [t, v] of series.values) {
      const ms = t * 1000;
      const value = Number(v);
      if (ms >= since - 1 && before !== undefined && value > before && (first === undefined || ms < first)) {
        first = ms;
        break;
      }
      before = value;
    }
  }
  return first;
}

async function runOnce(path: Path, run: number): Promise<Times> {
  const basePort = await freePortBlock(6);
  const s = { service: `${prefix}-${path === 'alert' ? 'alert' : 'anls'}${run}`, listenPort: basePort + 5, basePort };
  services.push(s);
  const base = {
    service: s.service,
    environment,
    target: target(s),
    router: router(s),
    strategy: { kind: 'canary' as const, steps: [{ setWeight: 100 }] },
    healthCheck: { interval: '500ms', window: '1s', failureThreshold: 3, timeout: '1s' },
  };
  const start = (version: string, extra: Partial<ReleaseSpecInput>) =>
    e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue: e2e.taskQueue,
      workflowId: deployWorkflowId(s.service, environment),
      args: [validateReleaseSpec({ ...base, source: { kind: 'prebuilt', version, binaryPath: binaries[version]! }, ...extra } satisfies ReleaseSpecInput, catalogue)],
    });
  const first = await settleDeployment((await start(V1, {})).result());
  if (first.outcome !== 'promoted') throw new Error(`v1: ${first.message}`);
  // Users' traffic through the router from before v2 until the end, so every window has data.
  const load = startLoad(`http://127.0.0.1:${s.listenPort}`, 20);

  const extra: Partial<ReleaseSpecInput> =
    path === 'alert'
      ? { postPromotion: { bake: '3m' } }
      : {
          analysis: {
            // initialDelay covers the first rate window of the freshly promoted instance.
            templates: [{ ...defaultThresholdTemplate({ interval: '1s', initialDelay: '5s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
            rateWindow: '4s',
          },
          postPromotion: { bake: '3m', templates: ['errors'], alerts: false },
        };
  const handle = await start(V2, extra);
  const bake = await eventually(
    'the bake',
    async () => {
      const st = await handle.query(statusQuery);
      if (st.result) throw new Error(`ended before the bake: ${st.result.message}`);
      // The analysis path waits until the bake analysis measures.
      return st.bake && (path === 'alert' || st.phase === 'analysing') ? st.bake : undefined;
    },
    120000,
    100,
  );
  // Continuous scraping registered v2 as the stable at its promotion: wait for two scrapes of it.
  await eventually(
    'two scrapes of v2',
    async () => {
      const q = encodeURIComponent(`count_over_time(up{service="${s.service}",environment="${environment}",role="stable",version="${V2}"}[30s])`);
      const a = await getJson<{ data: { result: { value: [number, string] }[] } }>(`${prometheusUrl(stack)}/api/v1/query?query=${q}`);
      return Number(a.data.result[0]?.value[1] ?? 0) >= 2 ? true : undefined;
    },
    60000,
    200,
  );
  const v2Port = Number(new URL(bake.instance).port);
  const v1Port = v2Port === s.basePort ? s.basePort + 1 : s.basePort;
  const scope = { service: s.service, environment };
  const flip = watchFlip(proxyInstance(stack.haproxy.servicesDir, scope).adminSocket, proxyName(scope), v1Port);
  const active = pollFirst(async () => {
    const a = await getJson<{ data: { alerts: { labels: Record<string, string>; activeAt: string; state: string }[] } }>(`${prometheusUrl(stack)}/api/v1/alerts`);
    const mine = a.data.alerts.find((x) => x.labels.alertname === BAKE_ALERT && x.labels.service === s.service && x.state === 'firing');
    return mine ? Date.parse(mine.activeAt) : undefined;
  });
  const am = pollFirst(async () => {
    const a = await getJson<{ labels: Record<string, string>; updatedAt: string }[]>(`${alertmanagerUrl(stack)}/api/v2/alerts?filter=service%3D%22${s.service}%22`);
    const mine = a.find((x) => x.labels.alertname === BAKE_ALERT);
    return mine ? Date.parse(mine.updatedAt) : undefined;
  });
  await setFault(bake.instance, { errorRate: 1 });
  const fault = Date.now();
  const result = await settleDeployment(handle.result());
  const flipped = await flip.stop();
  if (flipped === undefined) console.error(`flip to port ${v1Port} not seen; last HAProxy state ${lastStates}`);
  const activeAt = await active.stop();
  const amAt = await am.stop();
  await load.stop();
  const events: DeploymentEvent[] = (await handle.query(statusQuery)).events;
  const alertEvent = events.find((e) => e.type === 'alert' && e.data?.action === 'rollback');
  const analysisEvent = events.filter((e) => e.type === 'analysis').at(-1);
  const stopEvent = events.find((e) => e.type === 'phase' && e.data?.to === 'rolling-back');
  const times: Times = {
    fault,
    scraped: await firstErrorSample(s.service, fault),
    ...(path === 'alert' ? { active: activeAt, am: amAt } : {}),
    ...(alertEvent?.data?.receivedAt ? { received: Date.parse(String(alertEvent.data.receivedAt)) } : {}),
    ...(analysisEvent?.data?.decidedAt ? { decided: Date.parse(String(analysisEvent.data.decidedAt)) } : {}),
    signalled: Date.parse((alertEvent ?? stopEvent)?.at ?? ''),
    ...(flipped !== undefined ? { flipped } : {}),
    answered: load.samples.find((x) => x.at >= fault && x.version === V1)?.at,
    result,
  };
  return times;
}

const fmt = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '     –' : `${(ms / 1000).toFixed(2).padStart(6)}s`);
const span = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : b - a);

async function main(): Promise<void> {
  await ensureAlertPath();
  e2e = await startE2eWorker('bake-bench');
  binaries = { [V1]: await serviceBinary(V1), [V2]: await serviceBinary(V2) };
  cleanups.push(await installAlertRule(`${prefix}-rule`, [`${prefix}-alert[0-9]+`]));
  const rows: { path: Path; t: Times }[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const path of PATHS) {
        const t = await runOnce(path, run);
        rows.push({ path, t });
        const expected = path === 'alert' ? 'AlertFired' : 'AnalysisFailed';
        console.error(`${path} run ${run + 1}: ${t.result.outcome} ${t.result.reason} in ${fmt(span(t.fault, t.answered))}`);
        if (t.result.reason !== expected) console.error(`  (expected ${expected}: this run does not measure the ${path} path; ${t.result.message})`);
      }
    }
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    const deploy = createDeployActivities({ config: adapterConfig, logger: quiet, prometheusTargetsDir: stack.prometheus.targetsDir });
    for (const s of services) {
      const ref = { service: s.service, environment, target: target(s), router: router(s) };
      for (const v of [V1, V2]) await deploy.retireRelease({ ...ref, release: release(s.service, v) }).catch(() => undefined);
      await createRouter('haproxy', router(s).settings, adapterConfig)
        .remove({ service: s.service, environment })
        .catch(() => undefined);
    }
    await e2e.stop(
      () => ({ service: `${prefix}-none`, environment, target: { kind: 'process', settings: { stateDir: join(e2e.dir, 'none') } }, router: { kind: 'none', settings: {} } }),
      [],
    );
  }

  console.log(`bake rollback, ${RUNS} run(s) per path; scrape interval ${stack.prometheus.scrapeInterval}, load 20 req/s through HAProxy\n`);
  console.log('alert path: fault → scraped → rule active → Alertmanager → receiver → workflow stop → HAProxy flip → first v1 answer');
  console.log('run  outcome      scrape   rule   →AM   AM→rcv  signal   flip  answer |  total');
  const alertRows = rows.filter((r) => r.path === 'alert');
  const parts = (t: Times) => ({
    scrape: span(t.fault, t.scraped),
    rule: span(t.scraped, t.active),
    toAm: span(t.active, t.am),
    amToReceiver: span(t.am, t.received),
    signal: span(t.received, t.signalled),
    flip: span(t.signalled, t.flipped),
    answer: span(t.flipped, t.answered),
    total: span(t.fault, t.answered),
  });
  alertRows.forEach(({ t }, i) => {
    const p = parts(t);
    console.log(
      `${String(i + 1).padStart(3)}  ${`${t.result.reason}`.padEnd(11)} ${fmt(p.scrape)} ${fmt(p.rule)} ${fmt(p.toAm)} ${fmt(p.amToReceiver)} ${fmt(p.signal)} ${fmt(p.flip)} ${fmt(p.answer)} | ${fmt(p.total)}`,
    );
  });
  const analysisRows = rows.filter((r) => r.path === 'analysis');
  console.log('\nbake-analysis path: fault → scraped → analysis decided → workflow stop → HAProxy flip → first v1 answer');
  console.log('run  outcome        scrape  decide  stop    flip  answer |  total');
  const aparts = (t: Times) => ({
    scrape: span(t.fault, t.scraped),
    decide: span(t.scraped, t.decided),
    stop: span(t.decided, t.signalled),
    flip: span(t.signalled, t.flipped),
    answer: span(t.flipped, t.answered),
    total: span(t.fault, t.answered),
  });
  analysisRows.forEach(({ t }, i) => {
    const p = aparts(t);
    console.log(`${String(i + 1).padStart(3)}  ${t.result.reason.padEnd(13)} ${fmt(p.scrape)} ${fmt(p.decide)} ${fmt(p.stop)} ${fmt(p.flip)} ${fmt(p.answer)} | ${fmt(p.total)}`);
  });

  const med = (xs: (number | undefined)[]) => median(xs.filter((x): x is number => x !== undefined));
  const alertTotal = med(alertRows.map(({ t }) => parts(t).total));
  const analysisTotal = med(analysisRows.map(({ t }) => aparts(t).total));
  console.log('\nmedians and shares of the alert path total:');
  const keys = ['scrape', 'rule', 'toAm', 'amToReceiver', 'signal', 'flip', 'answer'] as const;
  for (const k of keys) {
    const m = med(alertRows.map(({ t }) => parts(t)[k]));
    console.log(`  ${k.padEnd(13)} ${fmt(m)}  ${((m / alertTotal) * 100).toFixed(0).padStart(3)}%`);
  }
  console.log(`  total (alert)    ${fmt(alertTotal)}`);
  console.log(`  total (analysis) ${fmt(analysisTotal)}   analysis / alert = ${(analysisTotal / alertTotal).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
