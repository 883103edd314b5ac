/**
 * Orchestration overhead: N releases (alternating v1→v2, v2→v1) of a canary with setWeight 50,
 * setWeight 100, no pauses or analysis, scaleDownDelay 0s, through deployWorkflow (client start
 * → result) vs the same deploy activities called directly in this process in the same order
 * (deployCandidate, setTrafficWeight 50, setTrafficWeight 100, promoteCandidate, removeCandidate,
 * retireRelease of the previous stable; the workflow runs the promotion and the removal as one
 * activity). Each side has its own service (process target behind HAProxy) with a first release
 * installed untimed. Prints both medians and workflow/direct, the same from the means and release
 * by release, and where the workflow's time went (bench/history-split.ts) beside each direct
 * call's median.
 *
 *   npx tsx bench/orchestration-overhead.ts [n=5]
 */
import { settleDeployment } from '../src/domain/result';
import type { Release } from '../src/domain/release';
import { runSplit, type RunSplit } from './history-split';
import { mean } from '../src/activities/metrics/judges/stats/descriptive';
import { machineProbe, median } from './measure';
import { workflowRig } from './workflow-bench-setup';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const STRATEGY = { kind: 'canary' as const, steps: [{ setWeight: 50 }, { setWeight: 100 }], scaleDownDelay: '0s' };

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 5);
  const machine = machineProbe();
  const wf = await workflowRig('bench-ovh-wf', [V1, V2]);
  const direct = await workflowRig('bench-ovh-direct', [V1, V2]);
  const wfMs: number[] = [];
  const directMs: number[] = [];
  const splits: RunSplit[] = [];
  const callMs: Record<string, number[]> = {};
  const timed = async (name: string, call: () => Promise<unknown>) => {
    const t0 = performance.now();
    await call();
    (callMs[name] ??= []).push(performance.now() - t0);
  };
  try {
    // Untimed first releases, so every timed release has a stable to canary against.
    const first = await settleDeployment((await wf.start(V1, STRATEGY)).result());
    if (first.outcome !== 'promoted') throw new Error(`first workflow release not promoted: ${first.message}`);
    const ref = direct.ref;
    const acts = direct.acts;
    const v1 = direct.releaseOf(V1);
    await acts.deployCandidate({ ...ref, release: v1, role: 'canary' });
    await acts.promoteCandidate({ ...ref, release: v1, role: 'canary', previous: null });
    await acts.removeCandidate({ ...ref, release: v1, role: 'canary' });

    for (let i = 0; i < n; i++) {
      const [from, to] = i % 2 === 0 ? [V1, V2] : [V2, V1];

      let t0 = performance.now();
      const handle = await wf.start(to, STRATEGY);
      const res = await settleDeployment(handle.result());
      wfMs.push(performance.now() - t0);
      if (res.outcome !== 'promoted') throw new Error(`workflow release ${i + 1} not promoted: ${res.message}`);
      splits.push(await runSplit(handle)); // the handle follows the id's latest run: this one

      const release: Release = direct.releaseOf(to);
      const previous: Release = direct.releaseOf(from);
      t0 = performance.now();
      await timed('deployCandidate', () => acts.deployCandidate({ ...ref, release, role: 'canary' }));
      await timed('setTrafficWeight 50', () => acts.setTrafficWeight({ ...ref, release, weight: 50 }));
      await timed('setTrafficWeight 100', () => acts.setTrafficWeight({ ...ref, release, weight: 100 }));
      await timed('promoteCandidate', () => acts.promoteCandidate({ ...ref, release, role: 'canary', previous }));
      await timed('removeCandidate', () => acts.removeCandidate({ ...ref, release, role: 'canary' }));
      await timed('retireRelease', () => acts.retireRelease({ ...ref, release: previous }));
      directMs.push(performance.now() - t0);
      const live = await acts.currentRelease(ref);
      if (live?.version !== to) throw new Error(`direct release ${i + 1}: live is ${live?.version}, expected ${to}`);

      process.stdout.write(`release ${i + 1} (${from} → ${to}): workflow ${wfMs.at(-1)!.toFixed(0)} ms, direct ${directMs.at(-1)!.toFixed(0)} ms\n`);
    }
  } finally {
    await wf.cleanup();
    await direct.cleanup();
  }
  const w = median(wfMs);
  const d = median(directMs);
  process.stdout.write(
    `\nprocess target, ${n} canary releases (50% → 100%, scaleDownDelay 0s):\n` +
      `  deployWorkflow median ${w.toFixed(0)} ms, direct activities median ${d.toFixed(0)} ms, workflow/direct ${(w / d).toFixed(2)} ` +
      `(+${(w - d).toFixed(0)} ms per release)\n`,
  );
  // The two sides' step times are bimodal (the targets poll readiness every 100 ms), so the ratio
  // of medians jumps between runs; the means and each release against its direct neighbour move less.
  const paired = wfMs.map((ms, i) => ms / directMs[i]!);
  process.stdout.write(
    `  means: workflow ${mean(wfMs).toFixed(0)} ms, direct ${mean(directMs).toFixed(0)} ms, workflow/direct ${(mean(wfMs) / mean(directMs)).toFixed(2)} ` +
      `(+${(mean(wfMs) - mean(directMs)).toFixed(0)} ms); each release against the direct one after it: median ${median(paired).toFixed(2)}\n`,
  );
  const m = (pick: (s: RunSplit) => number) => median(splits.map(pick)).toFixed(0);
  process.stdout.write(
    `  workflow run (medians): ${m((s) => s.runMs)} ms on the server = ${m((s) => s.activities)} activities ${m((s) => s.activityMs)} ms + ` +
      `${m((s) => s.workflowTasks)} workflow tasks ${m((s) => s.workflowTaskMs)} ms (with ${m((s) => s.localActivities)} local activities) + ` +
      `other ${m((s) => s.otherMs)} ms; client start and result ${(w - median(splits.map((s) => s.runMs))).toFixed(0)} ms\n` +
      `  direct calls (medians): ${Object.entries(callMs)
        .map(([name, v]) => `${name} ${median(v).toFixed(0)}`)
        .join(', ')} ms\n` +
      `  ${machine.report()}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
