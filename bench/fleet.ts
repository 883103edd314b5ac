/**
 * Releases and rollbacks across a fleet: wall time against the number of hosts, and how much of
 * it is orchestration rather than the hosts' own work.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/fleet.js [hosts=1,3,6] [runs=3]
 *
 * Per host count: hosts at 127.0.0.2 up, each with its own `sluice agent` process and
 * supervisord (test/fleet/support.ts), the example service under the process target, HAProxy in
 * front; a rolling release host by host (batches of one, no health window, so only mechanics
 * count) and a `sluice rollback` (two halves side by side). From each workflow's history:
 * - host work: the time the agents spent switching their host (rollbackToRelease: stop the old
 *   process, start the new one, wait until it answers), as the union of those intervals;
 * - orchestration: the rest of the wall time (Temporal round trips, the fleet router's drain and
 *   ready commands, asking each host what it runs).
 */
import type { Client } from '@temporalio/client';
import { SluiceClient } from '../src/client';
import { temporalAddress, temporalUiUrl } from '../src/dev/config';
import { formatMs } from '../src/domain/duration';
import { settleDeployment } from '../src/domain/result';
import { stack } from '../test/helpers/stack';
import { Fleet } from '../test/fleet/support';

const V1 = '4.0.0+aaa1111';
const V2 = '4.1.0+bbb2222';
const hostCounts = (process.argv[2] ?? '1,3,6').split(',').map(Number);
const runs = Number(process.argv[3] ?? 3);

type Ts = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const ms = (t: Ts): number => (t ? Number(typeof t.seconds === 'number' ? t.seconds : (t.seconds?.toNumber() ?? 0)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0);

/** Union length of the intervals in which an activity of `type` ran. */
async function activityTime(client: Client, workflowId: string, runId: string, type: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const scheduled = new Map<string, string>();
  const started = new Map<string, number>();
  const spans: [number, number][] = [];
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), ms(e.eventTime));
    const done = e.activityTaskCompletedEventAttributes;
    if (done && scheduled.get(String(done.scheduledEventId)) === type) spans.push([started.get(String(done.scheduledEventId)) ?? ms(e.eventTime), ms(e.eventTime)]);
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

async function benchHosts(count: number): Promise<{ release: Sample[]; rollback: Sample[] }> {
  const fleet = await Fleet.create('bfleet', count, [V1, V2]);
  const sluice = await SluiceClient.connect(
    { address: temporalAddress(stack), namespace: stack.temporal.namespace, tls: false, uiUrl: temporalUiUrl(stack) },
    { taskQueue: fleet.e2e.taskQueue },
  );
  const out = { release: [] as Sample[], rollback: [] as Sample[] };
  try {
    const first = await settleDeployment(fleet.deploy(fleet.spec(V1, { checks: false })).then((h) => h.result()));
    if (first.outcome !== 'promoted') throw new Error(first.message);
    for (let i = 0; i < runs; i++) {
      const handle = await fleet.deploy(fleet.spec(V2, { checks: false }));
      const started = Date.now();
      const res = await settleDeployment(handle.result());
      const wallMs = Date.now() - started;
      if (res.outcome !== 'promoted') throw new Error(res.message);
      out.release.push({ wallMs, hostWorkMs: await activityTime(fleet.e2e.client, handle.workflowId, (await handle.describe()).runId, 'rollbackToRelease') });

      const t0 = Date.now();
      const rb = await sluice.rollback({ service: fleet.service, environment: fleet.environment }, { wait: true, toVersion: V1 });
      const rbWall = Date.now() - t0;
      if (rb.result?.outcome !== 'rolled-back') throw new Error(rb.result?.message ?? 'no result');
      out.rollback.push({ wallMs: rbWall, hostWorkMs: await activityTime(fleet.e2e.client, rb.workflowId, rb.runId, 'rollbackToRelease') });
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
  const results: { count: number; release: Sample[]; rollback: Sample[] }[] = [];
  for (const count of hostCounts) {
    const r = await benchHosts(count);
    results.push({ count, ...r });
    lines.push(row(count, 'rolling release', r.release), row(count, 'sluice rollback', r.rollback));
    console.log(lines.at(-2));
    console.log(lines.at(-1));
  }
  const base = results[0]!;
  console.log(`\n${lines.join('\n')}\n`);
  for (const r of results.slice(1)) {
    const rel = median(r.release.map((s) => s.wallMs)) / median(base.release.map((s) => s.wallMs));
    const rb = median(r.rollback.map((s) => s.wallMs)) / median(base.rollback.map((s) => s.wallMs));
    console.log(`${r.count} hosts vs ${base.count}: release ×${rel.toFixed(2)}, rollback ×${rb.toFixed(2)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
