/**
 * Releases and rollbacks across a fleet: wall time against the number of hosts, and how much of
 * it is orchestration rather than the hosts' own work.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/fleet.js [hosts=1,3,6] [runs=3]
 *
 * Per host count: hosts at 127.0.0.2 up, each with its own `sluice agent` process and
 * supervisord (test/fleet/support.ts), the example service under the process target, HAProxy in
 * front; a rolling release host by host (batches of one, no health window, so only mechanics
 * count) and a `sluice rollback`, for each way a host switches: in place (the rollback in two
 * halves side by side) and blue-green (the rollback switches every host at once). From each
 * workflow's history:
 * - host work: the time the agents spent switching their host (in place, rollbackToRelease: stop
 *   the old process, start the new one, wait until it answers; blue-green, promoteCandidate and
 *   retireRelease: start beside, stop the old), as the union of those intervals;
 * - orchestration: the rest of the wall time (Temporal round trips, the fleet router's drain and
 *   ready commands, asking each host what it runs).
 */
import type { Client } from '@temporalio/client';
import { SluiceClient } from '../src/client';
import { formatMs } from '../src/domain/duration';
import { settleDeployment } from '../src/domain/result';
import { stackConnectionSettings } from '../test/helpers/stack';
import { Fleet } from '../test/fleet/support';
import type { HostSwitch } from '../src/domain/spec';

const V1 = '4.0.0+aaa1111';
const V2 = '4.1.0+bbb2222';
const hostCounts = (process.argv[2] ?? '1,3,6').split(',').map(Number);
const runs = Number(process.argv[3] ?? 3);

type Ts = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const ms = (t: Ts): number => (t ? Number(typeof t.seconds === 'number' ? t.seconds : (t.seconds?.toNumber() ?? 0)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0);

/** Union length of the intervals in which an activity of one of `types` ran. */
async function activityTime(client: Client, workflowId: string, runId: string, types: readonly string[]): Promise<number> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const scheduled = new Map<string, string>();
  const started = new Map<string, number>();
  const spans: [number, number][] = [];
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), ms(e.eventTime));
    const done = e.activityTaskCompletedEventAttributes;
    if (done && types.includes(scheduled.get(String(done.scheduledEventId)) ?? '')) spans.push([started.get(String(done.scheduledEventId)) ?? ms(e.eventTime), ms(e.eventTime)]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, f] of spans) {
    if (f <= end) continue;
    total += f - Math.max(s, end);
    end = f;
  }
  return total;
}

interface Sample {
  wallMs: number;
  hostWorkMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const HOST_WORK: Record<HostSwitch, string[]> = { inPlace: ['rollbackToRelease'], blueGreen: ['promoteCandidate', 'retireRelease'] };
type Samples = Record<HostSwitch, { release: Sample[]; rollback: Sample[] }>;

async function benchHosts(count: number): Promise<Samples> {
  const fleet = await Fleet.create('bfleet', count, [V1, V2]);
  const sluice = await SluiceClient.connect(stackConnectionSettings(), { taskQueue: fleet.e2e.taskQueue });
  const out: Samples = { inPlace: { release: [], rollback: [] }, blueGreen: { release: [], rollback: [] } };
  try {
    const first = await settleDeployment(fleet.deploy(fleet.spec(V1, { checks: false })).then((h) => h.result()));
    if (first.outcome !== 'promoted') throw new Error(first.message);
    for (let i = 0; i < runs * 2; i++) {
      const mode: HostSwitch = i < runs ? 'inPlace' : 'blueGreen';
      const handle = await fleet.deploy(fleet.spec(V2, { checks: false, hostSwitch: mode }));
      const started = Date.now();
      const res = await settleDeployment(handle.result());
      const wallMs = Date.now() - started;
      if (res.outcome !== 'promoted') throw new Error(res.message);
      out[mode].release.push({ wallMs, hostWorkMs: await activityTime(fleet.e2e.client, handle.workflowId, (await handle.describe()).runId, HOST_WORK[mode]) });

      const t0 = Date.now();
      const rb = await sluice.rollback({ service: fleet.service, environment: fleet.environment }, { wait: true, toVersion: V1 });
      const rbWall = Date.now() - t0;
      if (rb.result?.outcome !== 'rolled-back') throw new Error(rb.result?.message ?? 'no result');
      out[mode].rollback.push({ wallMs: rbWall, hostWorkMs: await activityTime(fleet.e2e.client, rb.workflowId, rb.runId, HOST_WORK[mode]) });
    }
  } finally {
    await sluice.close();
    await fleet.stop();
  }
  return out;
}

function row(hosts: number, what: string, samples: Sample[]): string {
  const wall = median(samples.map((s) => s.wallMs));
  const work = median(samples.map((s) => s.hostWorkMs));
  const share = median(samples.map((s) => (s.wallMs - s.hostWorkMs) / s.wallMs));
  const worst = Math.max(...samples.map((s) => s.wallMs));
  return `| ${hosts} | ${what} | ${formatMs(wall)} (worst ${formatMs(worst)}) | ${formatMs(wall / hosts)} | ${formatMs(work)} | ${formatMs(wall - work)} | ${(100 * share).toFixed(0)}% |`;
}

async function main(): Promise<void> {
  const lines = ['| hosts | what | wall, median of ' + runs + ' | per host | host work | orchestration | orchestration share |', '|---:|---|---:|---:|---:|---:|---:|'];
  const results: { count: number; samples: Samples }[] = [];
  for (const count of hostCounts) {
    const samples = await benchHosts(count);
    results.push({ count, samples });
    for (const mode of ['inPlace', 'blueGreen'] as const) {
      lines.push(row(count, `rolling release, ${mode}`, samples[mode].release), row(count, `sluice rollback, ${mode}`, samples[mode].rollback));
      console.log(lines.at(-2));
      console.log(lines.at(-1));
    }
  }
  const base = results[0]!;
  const wall = (xs: Sample[]) => median(xs.map((s) => s.wallMs));
  console.log(`\n${lines.join('\n')}\n`);
  for (const mode of ['inPlace', 'blueGreen'] as const) {
    for (const r of results.slice(1)) {
      const rel = wall(r.samples[mode].release) / wall(base.samples[mode].release);
      const rb = wall(r.samples[mode].rollback) / wall(base.samples[mode].rollback);
      console.log(`${mode}, ${r.count} hosts vs ${base.count}: release ×${rel.toFixed(2)}, rollback ×${rb.toFixed(2)}`);
    }
  }
  for (const r of results) {
    const ratio = wall(r.samples.blueGreen.rollback) / wall(r.samples.inPlace.rollback);
    console.log(`${r.count} hosts: a blue-green rollback takes ×${ratio.toFixed(2)} the time of an in-place one`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
