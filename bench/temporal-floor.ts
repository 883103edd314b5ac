/**
 * Temporal's own floor for a release's shape: bench/floor-workflow.ts (the canary's sequence of
 * regular and local activities, each only a wait) on a worker with production's options
 * (createWorker), against the same waits called directly. The step durations default to the
 * medians bench/orchestration-overhead.ts measured on the process target for deploy, and for
 * promote, remove the candidate and retire the old version (one activity since the patch
 * promote-retires-previous), so the two ratios compare: what orchestration-overhead shows above
 * this floor is the release workflow's own cost; the floor is the server round trips and task
 * dispatch.
 *
 *   npx tsx bench/temporal-floor.ts [n=20] [steps=60,480] [quickMs=10]
 */
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorker } from '../src/worker/worker';
import { nativeConnection, temporalClient, uniqueName } from '../test/helpers/stack';
import type { FloorShape } from './floor-workflow';
import { runSplit, type RunSplit } from './history-split';
import { machineProbe, median } from './measure';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The waits in the workflow's order, called directly. */
async function direct(shape: FloorShape): Promise<void> {
  const [first, ...rest] = shape.steps;
  await Promise.all([wait(shape.quickMs), wait(shape.quickMs)]);
  if (first !== undefined) await wait(first);
  await wait(shape.quickMs);
  await wait(shape.quickMs);
  for (const ms of rest) await wait(ms);
  await wait(shape.quickMs);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20);
  const shape: FloorShape = { steps: (process.argv[3] ?? '60,480').split(',').map(Number), quickMs: Number(process.argv[4] ?? 10) };
  const machine = machineProbe();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const quiet = new DefaultLogger('WARN');
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./floor-workflow'), logger: quiet });
  const taskQueue = uniqueName('bench-floor');
  const worker = await createWorker({ connection: await nativeConnection(), taskQueue, workflowBundle, activities: { wait } });
  const { client, connection } = await temporalClient();
  const wfMs: number[] = [];
  const directMs: number[] = [];
  const splits: RunSplit[] = [];
  try {
    await worker.runUntil(async () => {
      for (let i = 0; i <= n; i++) {
        let t0 = performance.now();
        const handle = await client.workflow.start('floorWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [shape] });
        await handle.result();
        const took = performance.now() - t0;
        t0 = performance.now();
        await direct(shape);
        const directTook = performance.now() - t0;
        if (i === 0) continue; // the first run pays for the worker's first task: untimed
        wfMs.push(took);
        directMs.push(directTook);
        splits.push(await runSplit(handle));
      }
    });
  } finally {
    await connection.close();
  }
  const w = median(wfMs);
  const d = median(directMs);
  const m = (pick: (s: RunSplit) => number) => median(splits.map(pick)).toFixed(0);
  process.stdout.write(
    `Temporal floor, ${n} runs of ${shape.steps.length} regular activities (${shape.steps.join(', ')} ms) and local activities of ${shape.quickMs} ms:\n` +
      `  workflow median ${w.toFixed(0)} ms, direct median ${d.toFixed(0)} ms, workflow/direct ${(w / d).toFixed(2)} (+${(w - d).toFixed(0)} ms)\n` +
      `  workflow run (medians): ${m((s) => s.runMs)} ms on the server = ${m((s) => s.activities)} activities ${m((s) => s.activityMs)} ms + ` +
      `${m((s) => s.workflowTasks)} workflow tasks ${m((s) => s.workflowTaskMs)} ms (with ${m((s) => s.localActivities)} local activities) + other ${m((s) => s.otherMs)} ms; ` +
      `client start and result ${(w - median(splits.map((s) => s.runMs))).toFixed(0)} ms\n` +
      `  ${machine.report()}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
