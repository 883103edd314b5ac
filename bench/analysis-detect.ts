/**
 * Time to detect and time to restore for a canary with 15% injected errors, judged by the real
 * release workflow (deployWorkflow → analysisWorkflow child → Prometheus) on the process target
 * behind HAProxy, with a 5 s measurement interval and 40 req/s of loopback load at the candidate.
 *
 * Judges (5 runs each by default):
 * - threshold: defaultThresholdTemplate, interval 5s, initialDelay 5s, count 12, rollback when
 *   inconclusive, rateWindow 15s;
 * - sequential: defaultSequentialTemplate, interval 5s, maxDuration 60s, minRequests 50.
 *
 * Per run: stable v1 is live; the bad version goes setWeight 20 → analysis → setWeight 100.
 * - detect (traffic): the `weight` 20% event → the analysis event's decidedAt;
 * - detect (1st look): the analysis event's firstMeasurementAt → decidedAt;
 * - restore (HAProxy): decidedAt → HAProxy's runtime state sends 100% to stable (canary and
 *   baseline slots at weight 0), sampled every ~20 ms on the admin socket;
 * - restore (wf): the workflow's own timeToRollbackMs (from its stop request, which for the
 *   sequential judge comes after the baseline is torn down) and decidedAt → the `finished` event.
 * Totals (traffic → restored) are compared with the 5-minute recovery budget.
 *
 *   npx tsx bench/analysis-detect.ts [runs=5]
 */
import { defaultSequentialTemplate, defaultThresholdTemplate, type AnalysisTemplateInput } from '../src/activities/metrics/templates';
import { proxyInstance, proxyName } from '../src/activities/routers/haproxy/config';
import { serverStates } from '../src/lib/haproxy';
import { settleDeployment } from '../src/domain/result';
import type { DeploymentEvent, DeploymentResult } from '../src/domain/status';
import { statusQuery } from '../src/workflows/definitions';
import { stack } from '../test/helpers/stack';
import { analysisRig, BAD, type AnalysisRig } from './analysis-bench-setup';
import { median } from './measure';

const RUNS = Number(process.argv[2] ?? 5);
const BUDGET_MS = 5 * 60 * 1000;
const RUN_TIMEOUT_MS = 4 * 60 * 1000;

const JUDGES: { label: string; template: AnalysisTemplateInput }[] = [
  {
    label: 'threshold',
    template: { ...defaultThresholdTemplate({ interval: '5s', initialDelay: '5s', count: 12, inconclusivePolicy: 'rollback' }), name: 'threshold' },
  },
  {
    // inconclusivePolicy 'rollback' only so an undecided run ends instead of waiting for approval;
    // such a run would show as AnalysisInconclusive in the reason column.
    label: 'sequential',
    template: { ...defaultSequentialTemplate({ interval: '5s', maxDuration: '60s', minRequests: 50, inconclusivePolicy: 'rollback' }), name: 'sequential' },
  },
];

interface Row {
  judge: string;
  run: number;
  outcome: string;
  reason: string;
  detectTraffic: number;
  detectFirst: number;
  restoreHaproxy: number;
  restoreWf: number;
  restoreFinished: number;
  total: number;
}

/** Samples HAProxy's runtime state; records the first moment after canary traffic that stable has it all again. */
function watchRouter(rig: AnalysisRig) {
  const be = proxyName({ service: rig.service, environment: rig.environment });
  const files = proxyInstance(stack.haproxy.servicesDir, { service: rig.service, environment: rig.environment });
  let canaryOnAt: number | undefined;
  let restoredAt: number | undefined;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      try {
        const s = await serverStates(files.adminSocket, be);
        const w = (slot: string) => s.find((x) => x.server === slot)?.weight ?? 0;
        const now = Date.now();
        if (canaryOnAt === undefined && w('canary') > 0) canaryOnAt = now;
        if (canaryOnAt !== undefined && restoredAt === undefined && w('canary') === 0 && w('baseline') === 0 && w('stable') > 0) restoredAt = now;
      } catch {
        // the proxy is being started or replaced: try again on the next tick.
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    get canaryOnAt() {
      return canaryOnAt;
    },
    get restoredAt() {
      return restoredAt;
    },
    async stop(): Promise<void> {
      // Give the watcher a moment to see the final state if the workflow finished first.
      for (let i = 0; i < 100 && restoredAt === undefined; i++) await new Promise((r) => setTimeout(r, 50));
      stop = true;
      await loop;
    },
  };
}

const ms = (iso: unknown): number => Date.parse(String(iso));

async function oneRun(rig: AnalysisRig, judge: (typeof JUDGES)[number], run: number): Promise<Row> {
  const watch = watchRouter(rig);
  const handle = await rig.deploy(
    BAD,
    [
      { kind: 'setWeight', weight: 20 },
      { kind: 'analysis', templates: [judge.template.name] },
      { kind: 'setWeight', weight: 100 },
    ],
    [judge.template],
  );
  let timer: NodeJS.Timeout | undefined;
  let res: DeploymentResult;
  try {
    res = await Promise.race([
      settleDeployment(handle.result()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`run did not finish within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    await handle.terminate('benchmark run timed out').catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
    await watch.stop();
  }
  const { events } = await handle.query(statusQuery);
  const find = (p: (e: DeploymentEvent) => boolean) => events.find(p);
  const weight20 = find((e) => e.type === 'weight' && e.data?.weight === 20);
  const analysis = find((e) => e.type === 'analysis');
  const finished = find((e) => e.type === 'finished');
  const decided = ms(analysis?.data?.decidedAt);
  const traffic = ms(weight20?.at);
  return {
    judge: judge.label,
    run,
    outcome: res.outcome,
    reason: res.reason,
    detectTraffic: decided - traffic,
    detectFirst: decided - ms(analysis?.data?.firstMeasurementAt),
    restoreHaproxy: watch.restoredAt !== undefined ? watch.restoredAt - decided : NaN,
    restoreWf: res.timeToRollbackMs ?? NaN,
    restoreFinished: ms(finished?.at) - decided,
    total: watch.restoredAt !== undefined ? watch.restoredAt - traffic : NaN,
  };
}

const sec = (v: number) => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)}s` : '-');
const max = (xs: number[]) => (xs.some(Number.isFinite) ? Math.max(...xs.filter(Number.isFinite)) : NaN);
const frac = (v: number) => (Number.isFinite(v) ? `${((100 * v) / BUDGET_MS).toFixed(1)}%` : '-');

const COLS: [string, keyof Row][] = [
  ['detect(traffic)', 'detectTraffic'],
  ['detect(1st look)', 'detectFirst'],
  ['restore(haproxy)', 'restoreHaproxy'],
  ['restore(wf)', 'restoreWf'],
  ['decided→finished', 'restoreFinished'],
  ['total', 'total'],
];
const pad = (s: string, n: number) => s.padStart(n);

function printRows(rows: Row[]): void {
  console.log(['judge'.padEnd(11), 'run', 'outcome'.padEnd(11), 'reason'.padEnd(22), ...COLS.map(([h]) => pad(h, 17)), pad('total/budget', 13)].join(' '));
  for (const r of rows) {
    console.log(
      [r.judge.padEnd(11), pad(String(r.run), 3), r.outcome.padEnd(11), r.reason.padEnd(22), ...COLS.map(([, k]) => pad(sec(r[k] as number), 17)), pad(frac(r.total), 13)].join(
        ' ',
      ),
    );
  }
}

function printSummary(rows: Row[]): void {
  console.log('\nsummary (budget: 5 min from canary traffic to 100% stable)');
  console.log(['judge'.padEnd(11), 'stat  ', ...COLS.map(([h]) => pad(h, 17)), pad('total/budget', 13)].join(' '));
  for (const j of JUDGES) {
    const rs = rows.filter((r) => r.judge === j.label);
    for (const [stat, f] of [
      ['median', median],
      ['max', max],
    ] as const) {
      const vals = COLS.map(([, k]) => f(rs.map((r) => r[k] as number)));
      console.log([j.label.padEnd(11), stat.padEnd(6), ...vals.map((v) => pad(sec(v), 17)), pad(frac(vals[vals.length - 1]!), 13)].join(' '));
    }
    const rolledBack = rs.filter((r) => r.outcome === 'rolled-back').length;
    console.log(
      `${j.label.padEnd(11)} rolled back ${rolledBack}/${rs.length}; detect(traffic) median ${frac(median(rs.map((r) => r.detectTraffic)))} of budget, restore(haproxy) median ${frac(median(rs.map((r) => r.restoreHaproxy)))} of budget`,
    );
  }
}

async function main(): Promise<void> {
  const rig = await analysisRig();
  const rows: Row[] = [];
  console.log(
    `analysis-detect: service ${rig.service}, process target, HAProxy :${rig.listenPort}, bad version ${BAD} (FAULT_ERROR_RATE=0.15), load 40 req/s via candidate, interval 5s, ${RUNS} runs per judge`,
  );
  try {
    for (const judge of JUDGES) {
      for (let run = 1; run <= RUNS; run++) {
        const row = await oneRun(rig, judge, run);
        rows.push(row);
        console.error(`  ${judge.label} run ${run}: ${row.outcome} (${row.reason}) detect ${sec(row.detectTraffic)}, restore ${sec(row.restoreHaproxy)}`);
      }
    }
  } finally {
    await rig.cleanup();
  }
  console.log('');
  printRows(rows);
  printSummary(rows);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
