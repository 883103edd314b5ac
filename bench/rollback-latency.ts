/**
 * Rollback latency: a canary at 50% behind HAProxy, then rollbackToRelease (what the saga runs on
 * abort). Measured from the call to the moment HAProxy's runtime state sends 100% to stable
 * (canary weight 0, stable weight 100 on the stable's address), sampled every ~2 ms on the admin
 * socket; the time until the activity returned (old canary drained and stopped) is shown too.
 * 20 runs; target p50 < 1 s.
 *
 *   npx tsx bench/rollback-latency.ts [docker|process] [runs=20]
 */
import { proxyInstance, proxyName } from '../src/activities/routers/haproxy/config';
import { stack } from '../test/helpers/stack';
import { percentile, watchAllTrafficToStable } from './measure';
import { rig } from './rollback-setup';

async function main(): Promise<void> {
  const kind = (process.argv[2] ?? 'docker') as 'docker' | 'process';
  const runs = Number(process.argv[3] ?? 20);
  const r = await rig(kind, 'bench-rollback');
  const be = proxyName(r.ref);
  const files = proxyInstance(stack.haproxy.servicesDir, r.ref);
  const flips: number[] = [];
  const totals: number[] = [];
  try {
    await r.acts.deployCandidate({ ...r.ref, release: r.v1, role: 'canary' });
    const stable = await r.acts.promoteCandidate({ ...r.ref, release: r.v1, role: 'canary', previous: null });
    await r.acts.removeCandidate({ ...r.ref, release: r.v1, role: 'canary' });
    const stablePort = Number(new URL(stable.url).port);
    for (let i = 0; i < runs; i++) {
      await r.acts.deployCandidate({ ...r.ref, release: r.v2, role: 'canary' });
      await r.acts.setTrafficWeight({ ...r.ref, release: r.v2, weight: 50 });
      const started = performance.now();
      const watch = watchAllTrafficToStable(files.adminSocket, be, stablePort);
      await r.acts.rollbackToRelease({ ...r.ref, release: r.v1, from: r.v2 });
      const total = performance.now() - started;
      const flippedAt = await watch.stop();
      flips.push((flippedAt ?? performance.now()) - started);
      totals.push(total);
      process.stdout.write(`run ${i + 1}: 100% to stable after ${flips.at(-1)!.toFixed(1)} ms, activity done after ${total.toFixed(1)} ms\n`);
    }
  } finally {
    await r.cleanup();
  }
  const f = [...flips].sort((a, b) => a - b);
  const t = [...totals].sort((a, b) => a - b);
  process.stdout.write(
    `${kind} target, ${runs} runs: HAProxy 100% to stable p50 ${percentile(f, 50).toFixed(1)} ms, max ${f.at(-1)!.toFixed(1)} ms; ` +
      `whole rollback activity p50 ${percentile(t, 50).toFixed(1)} ms, max ${t.at(-1)!.toFixed(1)} ms (target p50 < 1000 ms)\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
