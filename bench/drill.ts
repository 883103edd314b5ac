/**
 * Rollback drills on the docker and process targets: time to detect and time to restore of both
 * drill kinds, as a share of the 5-minute budget.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/drill.js [runs=3]
 *
 * Each target gets a unique service behind its own HAProxy frontend, two releases of the example
 * Go service (images in the stack's registry for docker, binaries in the worker's artifact store
 * for process), and one in-process worker wired like production. Per run: a bad-canary drill
 * (the live version again with FAULT_ERROR_RATE=0.5, canary 20% → threshold analysis every 1s
 * after a 5s delay) and a rollback-restore drill (to the previous retained version and back).
 */
import { join } from 'node:path';
import { defaultThresholdTemplate } from '../src/activities/metrics/templates';
import { SluiceClient } from '../src/client';
import type { DrillKind, DrillResult } from '../src/domain/drill';
import { formatMs } from '../src/domain/duration';
import { settleDeployment } from '../src/domain/result';
import type { ReleaseSpec, ReleaseSpecInput } from '../src/domain/spec';
import { validateReleaseSpec } from '../src/domain/validate';
import type { deployWorkflow } from '../src/workflows';
import { deployWorkflowId } from '../src/workflows/ids';
import { dockerClient, catalogue, freePort, stackConnectionSettings, uniqueName } from '../test/helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary, serviceImage } from '../test/targets/fixtures';
import { retainBinary, startE2eWorker } from '../test/workflows/support/e2e';
import { release } from '../test/workflows/support/harness';

const V1 = '3.0.0+eee5555';
const V2 = '3.1.0+fff6666';
const BUDGET_MS = 5 * 60_000;
const runs = Number(process.argv[2] ?? 3);
type TargetKind = 'docker' | 'process';

interface Row {
  target: TargetKind;
  kind: DrillKind;
  result: DrillResult;
}

function pct(ms: number | null): string {
  return ms === null ? '-' : `${formatMs(ms)} (${((100 * ms) / BUDGET_MS).toFixed(1)}%)`;
}

async function benchTarget(kind: TargetKind): Promise<Row[]> {
  const e2e = await startE2eWorker(`bench-drill-${kind}`);
  const service = uniqueName(`drill-${kind}`).slice(0, 40);
  const environment = 'bench';
  const listenPort = await freePort();
  const basePort = await freePortBlock(6);
  const artifacts = join(e2e.dir, 'artifacts');
  const artifact: Record<string, { imageRef: string } | { binaryPath: string }> = {};
  for (const v of [V1, V2]) {
    artifact[v] =
      kind === 'docker' ? { imageRef: await serviceImage(dockerClient(), 'sluice-drill-bench', v) } : { binaryPath: retainBinary(artifacts, service, v, await serviceBinary(v)) };
  }
  const target = () =>
    kind === 'docker'
      ? { kind, settings: { basePort, env: FAST_STOP_ENV, stopTimeoutSec: 10 } }
      : { kind, settings: { stateDir: join(e2e.dir, 'processes'), basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000 } };
  const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 1000 } });
  const specFor = (version: string, steps: Extract<ReleaseSpecInput['strategy'], { kind: 'canary' }>['steps']): ReleaseSpec =>
    validateReleaseSpec(
      {
        service,
        environment,
        source: { kind: 'prebuilt', version, ...artifact[version]! },
        target: target(),
        router: router(),
        strategy: { kind: 'canary', steps, scaleDownDelay: '0s' },
        healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
        analysis: {
          templates: [{ ...defaultThresholdTemplate({ interval: '1000ms', count: 6, initialDelay: '5s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
          load: { ratePerSecond: 40, via: 'candidate' },
          rateWindow: '10s',
        },
        drill: { fault: { env: { FAULT_ERROR_RATE: '0.5' } }, budget: '5m' },
      } satisfies ReleaseSpecInput,
      catalogue,
    );
  const sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: e2e.taskQueue });
  const rows: Row[] = [];
  try {
    for (const v of [V1, V2]) {
      const handle = await e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
        taskQueue: e2e.taskQueue,
        workflowId: deployWorkflowId(service, environment),
        args: [specFor(v, [{ kind: 'setWeight', weight: 100 }])],
      });
      const res = await settleDeployment(handle.result());
      if (res.outcome !== 'promoted') throw new Error(`${kind}: ${v} not promoted: ${res.message}`);
    }
    const spec = specFor(V2, [
      { kind: 'setWeight', weight: 20 },
      { kind: 'analysis', templates: ['errors'] },
      { kind: 'setWeight', weight: 100 },
    ]);
    for (let i = 0; i < runs; i++) {
      for (const drill of ['bad-canary', 'rollback-restore'] as const) {
        const started = await sluice.drill(spec, drill, { wait: true, by: 'bench/drill.ts' });
        const result = started.result!;
        rows.push({ target: kind, kind: drill, result });
        console.error(`${kind} ${drill} #${i + 1}: ${result.outcome} ttd=${result.timeToDetectMs} ttr=${result.timeToRestoreMs}`);
      }
    }
  } finally {
    await sluice.close();
    await e2e.stop(
      () => ({ service, environment, target: target(), router: router() }),
      [V1, V2].map((v) => release(service, v)),
    );
  }
  return rows;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const kind of ['docker', 'process'] as const) rows.push(...(await benchTarget(kind)));
  console.log(`\nDrills, ${runs} run(s) per target and kind; budget ${formatMs(BUDGET_MS)}; median (worst), share of the budget\n`);
  console.log('| target | drill | passed | time to detect | time to restore | detect + restore, worst |');
  console.log('|---|---|---|---|---|---|');
  for (const target of ['docker', 'process'] as const) {
    for (const kind of ['bad-canary', 'rollback-restore'] as const) {
      const mine = rows.filter((r) => r.target === target && r.kind === kind).map((r) => r.result);
      const ttd = mine.map((r) => r.timeToDetectMs).filter((x): x is number => x !== null);
      const ttr = mine.map((r) => r.timeToRestoreMs).filter((x): x is number => x !== null);
      const total = mine.map((r) => (r.timeToDetectMs ?? 0) + (r.timeToRestoreMs ?? 0));
      const passed = mine.filter((r) => r.outcome === 'passed').length;
      const cell = (xs: number[]) => (xs.length ? `${pct(median(xs))}, worst ${formatMs(Math.max(...xs))}` : '-');
      console.log(`| ${target} | ${kind} | ${passed}/${mine.length} | ${cell(ttd)} | ${cell(ttr)} | ${pct(Math.max(...total))} |`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
