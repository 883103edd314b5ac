/**
 * Workflow-level rollback latency: stable v1 behind HAProxy, a deployWorkflow canary of v2
 * (setWeight 20, pause 60s); at canary 20% the abort signal is sent and the time is measured from
 * the signal call to the moment HAProxy's runtime state sends 100% to the stable (every other
 * server of the backend at weight 0), sampled every ~2 ms on the admin socket. The workflow's own
 * timeToRollbackMs (abort seen → undo finished, canary drained and stopped) is shown too.
 * A steady load (~200 req/s, keep-alive, second process: zero-loss-load.ts) runs through the
 * frontend during all runs; its failed requests are reported (target 0). Process target.
 *
 *   npx tsx bench/workflow-rollback.ts [runs=20] [rate=200]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { serverStates } from '../src/lib/haproxy';
import { proxyInstance, proxyName } from '../src/activities/routers/haproxy/config';
import { settleDeployment } from '../src/domain/result';
import { abortSignal } from '../src/workflows/definitions';
import { stack } from '../test/helpers/stack';
import { waitForStatus } from '../test/workflows/support/harness';
import { percentile, watchAllTrafficToStable } from './measure';
import { ENVIRONMENT, workflowRig } from './workflow-bench-setup';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  byBody: Record<string, number>;
  seconds: number;
  achievedRate: number;
}

async function startLoad(url: string, rate: number): Promise<{ child: ChildProcess; stop(): Promise<LoadResult> }> {
  const entry = join(__dirname, `zero-loss-load${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, entry, url, String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  while (!out.includes('load started')) {
    if (child.exitCode !== null) throw new Error('load generator exited before starting');
    await pause(20);
  }
  return {
    child,
    async stop() {
      const done = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGTERM');
      await done;
      return JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult;
    },
  };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  const rate = Number(process.argv[3] ?? 200);
  const r = await workflowRig('bench-wfrb', [V1, V2]);
  const be = proxyName({ service: r.service, environment: ENVIRONMENT });
  const files = proxyInstance(stack.haproxy.servicesDir, { service: r.service, environment: ENVIRONMENT });
  const flips: number[] = [];
  const ttr: number[] = [];
  let load: Awaited<ReturnType<typeof startLoad>> | undefined;
  let loadResult: LoadResult | undefined;
  try {
    const first = await settleDeployment((await r.start(V1, { kind: 'canary', steps: [{ setWeight: 100 }] })).result());
    if (first.outcome !== 'promoted') throw new Error(`first release not promoted: ${first.message}`);
    const stableServer = (await serverStates(files.adminSocket, be)).find((s) => s.server === 'stable' && s.weight > 0);
    if (!stableServer) throw new Error(`no stable server in HAProxy backend ${be}`);
    const stablePort = stableServer.port;

    load = await startLoad(r.proxyUrl, rate);
    await pause(1000);

    for (let i = 0; i < runs; i++) {
      const handle = await r.start(V2, { kind: 'canary', steps: [{ setWeight: 20 }, { pause: { duration: '60s' } }], scaleDownDelay: '0s' });
      await waitForStatus(handle, 'canary at 20%', (s) => s.phase === 'canary' && s.weight === 20, 120000);
      const before = await serverStates(files.adminSocket, be);
      const canaryBefore = before.find((s) => s.server !== 'stable' && s.weight > 0);
      if (!canaryBefore) throw new Error(`run ${i + 1}: no canary server with weight > 0 at 20%: ${JSON.stringify(before)}`);

      const started = performance.now();
      const watch = watchAllTrafficToStable(files.adminSocket, be, stablePort);
      await handle.signal(abortSignal, 'workflow-rollback bench', 'bench');
      const res = await settleDeployment(handle.result());
      const total = performance.now() - started;
      const flippedAt = await watch.stop();
      if (res.outcome !== 'aborted') throw new Error(`run ${i + 1}: expected aborted, got ${res.outcome}: ${res.message}`);
      if (flippedAt === undefined) throw new Error(`run ${i + 1}: HAProxy never sent 100% to stable`);
      flips.push(flippedAt - started);
      ttr.push(res.timeToRollbackMs ?? NaN);
      process.stdout.write(
        `run ${String(i + 1).padStart(2)}: 100% to stable ${flips.at(-1)!.toFixed(1)} ms after the signal; ` +
          `timeToRollbackMs ${res.timeToRollbackMs}; workflow result after ${total.toFixed(0)} ms\n`,
      );
    }
    await pause(1000);
    loadResult = await load.stop();
    load = undefined;
  } finally {
    if (load) load.child.kill('SIGTERM');
    await r.cleanup();
  }

  const f = [...flips].sort((a, b) => a - b);
  const t = [...ttr].sort((a, b) => a - b);
  process.stdout.write(
    `\nprocess target, ${runs} aborts through deployWorkflow:\n` +
      `  signal → HAProxy 100% to stable: p50 ${percentile(f, 50).toFixed(1)} ms, p90 ${percentile(f, 90).toFixed(1)} ms, max ${f.at(-1)!.toFixed(1)} ms (target p50 < 1000 ms: ${percentile(f, 50) < 1000 ? 'met' : 'NOT met'})\n` +
      `  workflow timeToRollbackMs:       p50 ${percentile(t, 50)} ms, p90 ${percentile(t, 90)} ms, max ${t.at(-1)} ms\n` +
      `  load: ${loadResult!.sent} requests in ${loadResult!.seconds.toFixed(1)} s (${loadResult!.achievedRate} req/s), ${loadResult!.ok} ok, ` +
      `${loadResult!.failed} failed ${JSON.stringify(loadResult!.failures)} (target 0); answers ${JSON.stringify(loadResult!.byBody)}\n`,
  );
  process.exitCode = percentile(f, 50) < 1000 && loadResult!.failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
