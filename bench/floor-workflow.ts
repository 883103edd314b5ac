/**
 * The workflow of bench/temporal-floor.ts: the shape of a canary release (two reads side by side
 * as local activities, a long step, two short local steps, the remaining long steps, a last short
 * local step) with no decisions, state or events of its own. A canary with no scale-down delay has
 * one remaining long step today: promote, remove the candidate and retire the old version. Whatever
 * it costs over the same waits called directly is what Temporal itself costs for that shape on
 * this machine.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

export interface FloorShape {
  /** Milliseconds of each regular activity, in order. */
  steps: number[];
  /** Milliseconds of each local activity. */
  quickMs: number;
}

interface Wait {
  wait(ms: number): Promise<void>;
}

const regular = proxyActivities<Wait>({ startToCloseTimeout: '1m' });
const local = proxyLocalActivities<Wait>({ startToCloseTimeout: '1m' });

export async function floorWorkflow(shape: FloorShape): Promise<void> {
  const [first, ...rest] = shape.steps;
  await Promise.all([local.wait(shape.quickMs), local.wait(shape.quickMs)]);
  if (first !== undefined) await regular.wait(first);
  await local.wait(shape.quickMs);
  await local.wait(shape.quickMs);
  for (const ms of rest) await regular.wait(ms);
  await local.wait(shape.quickMs);
}
