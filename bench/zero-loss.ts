/**
 * Zero loss: a steady client load (~200 req/s, keep-alive, from a second process) through HAProxy
 * while the deploy activities shift weights, promote, retire, and roll back (during a canary,
 * after a promotion with the old stable warm, and to a release that is no longer running).
 * Prints the failed requests (target 0) and how the answers split between versions.
 *
 *   npx tsx bench/zero-loss.ts [docker|process] [rate=200]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { rig } from './rollback-setup';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const kind = (process.argv[2] ?? 'docker') as 'docker' | 'process';
  const rate = Number(process.argv[3] ?? 200);
  const r = await rig(kind, 'bench-zeroloss');
  const { acts, ref, v1, v2 } = r;
  const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
  try {
    await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
    await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
    await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });

    const entry = join(__dirname, `zero-loss-load${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
    const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const load = spawn(process.execPath, [...loader, entry, r.proxyUrl, String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    load.stdout.on('data', (c: Buffer) => (out += c.toString()));
    while (!out.includes('load started')) await pause(20);
    await pause(1000);

    log(`canary ${v2.version}: 10 → 25 → 50 → 75 → 100%, promote, retire ${v1.version}`);
    await acts.deployCandidate({ ...ref, release: v2, role: 'canary' });
    for (const w of [10, 25, 50, 75, 100]) {
      await acts.setTrafficWeight({ ...ref, release: v2, weight: w });
      await pause(1000);
    }
    await acts.promoteCandidate({ ...ref, release: v2, role: 'canary', previous: v1 });
    await acts.removeCandidate({ ...ref, release: v2, role: 'canary' });
    await pause(1000);
    await acts.retireRelease({ ...ref, release: v1 });
    await pause(1000);

    log(`rollback during a canary: ${v1.version} at 50%, then back to ${v2.version}`);
    await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
    await acts.setTrafficWeight({ ...ref, release: v1, weight: 50 });
    await pause(1000);
    await acts.rollbackToRelease({ ...ref, release: v2, from: v1 });
    await pause(1000);

    log(`rollback after promotion (old stable warm): promote ${v1.version}, back to ${v2.version}`);
    await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
    await acts.setTrafficWeight({ ...ref, release: v1, weight: 50 });
    await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: v2 });
    await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });
    await pause(1000);
    await acts.rollbackToRelease({ ...ref, release: v2, from: v1 });
    await pause(1000);

    log(`rollback to a release that no longer runs: ${v1.version} started cold from its artifact`);
    await acts.rollbackToRelease({ ...ref, release: v1, from: v2 });
    await pause(1000);

    const done = new Promise<void>((res) => load.once('exit', () => res()));
    load.kill('SIGTERM');
    await done;
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
      sent: number;
      ok: number;
      failed: number;
      failures: Record<string, number>;
      byBody: Record<string, number>;
      seconds: number;
      achievedRate: number;
    };
    process.stdout.write(
      `${kind} target: ${result.sent} requests in ${result.seconds.toFixed(1)} s (${result.achievedRate} req/s), ` +
        `${result.ok} ok, ${result.failed} failed ${JSON.stringify(result.failures)} (target 0); answers ${JSON.stringify(result.byBody)}\n`,
    );
    process.exitCode = result.failed === 0 ? 0 : 1;
  } finally {
    await r.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
