/**
 * Many releases at once on two workers: `services` services × `environments` environments, each
 * its own process-target instances behind its own HAProxy, are released v1 → v2 (canary 50% →
 * 100%, a 2 s health window) all at the same moment through deployWorkflow, by two worker
 * processes wired like production (test/workflows/support/e2e-worker-process.ts) on one task queue.
 * Prints the wall time and p50/p99 per release, and checks every release ended promoted with its
 * router sending traffic only to its own instances (no cross-talk).
 *
 * It uses whichever Temporal the environment names, like every client of the stack: run it once
 * on the dev server and once on the cluster to compare.
 *
 *   npx tsx bench/concurrent-releases.ts [services=10] [environments=5]
 *   (the cluster: sluice dev up --temporal cluster --only temporal with SLUICE_STATE_DIR,
 *    SLUICE_TEMPORAL_PORT, SLUICE_TEMPORAL_UI_PORT, SLUICE_TEMPORAL_POSTGRES_PORT of its own, then
 *    the same command with those variables)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter } from '../src/activities/routers/registry';
import { createDeployActivities } from '../src/activities/deploy';
import { unregisterService } from '../src/activities/metrics/scrape-groups';
import { settleDeployment } from '../src/domain/result';
import type { DeploymentResult } from '../src/domain/status';
import type { TargetRef } from '../src/domain/ports';
import type { ReleaseSpecInput } from '../src/domain/spec';
import { validateReleaseSpec } from '../src/domain/validate';
import type { deployWorkflow } from '../src/workflows';
import { deployWorkflowId } from '../src/workflows/ids';
import { adapterConfigFromStack } from '../src/worker/adapters';
import { killHard, spawnNode, waitForLine } from '../test/helpers/child';
import { catalogue, freePort, stack, temporalClient, uniqueName } from '../test/helpers/stack';
import { FAST_STOP_ENV, freePortBlock, quiet, release, serviceBinary } from '../test/targets/fixtures';
import { percentile } from './measure';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const STRATEGY = { kind: 'canary' as const, steps: [{ setWeight: 50 }, { setWeight: 100 }], scaleDownDelay: '0s' };
const PORTS_PER_SERVICE = 5;

interface Lane {
  ref: TargetRef;
  basePort: number;
}

function summary(label: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${label}: p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const services = Number(process.argv[2] ?? 10);
  const environments = Number(process.argv[3] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-concurrent-'));
  const taskQueue = uniqueName('bench-concurrent');
  const entry = require.resolve('../test/workflows/support/e2e-worker-process');
  const workers: ChildProcess[] = [0, 1].map(() => spawnNode(entry, [taskQueue, join(dir, 'artifacts')]));
  const { client, connection } = await temporalClient();
  const binaries: Record<string, string> = { [V1]: await serviceBinary(V1), [V2]: await serviceBinary(V2) };
  const lanes: Lane[] = [];
  const acts = createDeployActivities({ config: adapterConfigFromStack(stack), logger: quiet });
  try {
    await Promise.all(workers.map((w) => waitForLine(w, 'ready', 120000)));
    const base = uniqueName('cr').slice(0, 24);
    for (let s = 0; s < services; s++) {
      for (let e = 0; e < environments; e++) {
        const basePort = await freePortBlock(PORTS_PER_SERVICE);
        const ref: TargetRef = {
          service: `${base}-s${s}`,
          environment: `env${e}`,
          target: { kind: 'process', settings: { stateDir: join(dir, 'processes', `s${s}-e${e}`), basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 30000 } },
          router: { kind: 'haproxy', settings: { listenPort: await freePort(), drainTimeoutMs: 500 } },
        };
        lanes.push({ ref, basePort });
      }
    }
    const release1 = (lane: Lane, version: string) =>
      client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
        taskQueue,
        workflowId: deployWorkflowId(lane.ref.service, lane.ref.environment),
        args: [
          validateReleaseSpec(
            {
              service: lane.ref.service,
              environment: lane.ref.environment,
              source: { kind: 'prebuilt', version, binaryPath: binaries[version]! },
              target: lane.ref.target,
              router: lane.ref.router,
              strategy: STRATEGY,
              healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
            } satisfies ReleaseSpecInput,
            catalogue,
          ),
        ],
      });
    const wave = async (version: string): Promise<{ wallMs: number; perRelease: number[]; results: DeploymentResult[] }> => {
      const t0 = performance.now();
      const timed = await Promise.all(
        lanes.map(async (lane) => {
          const started = performance.now();
          const result = await settleDeployment((await release1(lane, version)).result());
          return { ms: performance.now() - started, result };
        }),
      );
      return { wallMs: performance.now() - t0, perRelease: timed.map((t) => t.ms), results: timed.map((t) => t.result) };
    };

    const first = await wave(V1);
    const second = await wave(V2);
    for (const [i, res] of [...first.results, ...second.results].entries()) {
      if (res.outcome !== 'promoted') throw new Error(`release ${i} (${lanes[i % lanes.length]!.ref.service}) ended ${res.outcome}: ${res.message}`);
    }
    // No cross-talk: each router sends traffic to its own instances only, and they run v2.
    for (const lane of lanes) {
      const router = createRouter(lane.ref.router.kind, lane.ref.router.settings, adapterConfigFromStack(stack));
      const live = (await router.slots({ service: lane.ref.service, environment: lane.ref.environment })).filter((slot) => slot.weight > 0);
      const foreign = live.filter((slot) => slot.address.port < lane.basePort || slot.address.port >= lane.basePort + PORTS_PER_SERVICE);
      if (live.length === 0 || foreign.length > 0)
        throw new Error(`${lane.ref.service}/${lane.ref.environment}: router sends traffic to ${JSON.stringify(live.map((s) => s.address))}`);
      const current = await acts.currentRelease(lane.ref);
      if (current?.version !== V2) throw new Error(`${lane.ref.service}/${lane.ref.environment}: live is ${current?.version}`);
    }
    const info = await connection.workflowService.getClusterInfo({});
    process.stdout.write(
      `\n${lanes.length} releases at once (${services} services × ${environments} environments), 2 workers, Temporal ${info.serverVersion} on ${info.persistenceStore}:\n` +
        `  first releases (v1): wall ${(first.wallMs / 1000).toFixed(1)} s; ${summary('per release', first.perRelease)}\n` +
        `  canary releases (v1 → v2, 50% → 100%): wall ${(second.wallMs / 1000).toFixed(1)} s; ${summary('per release', second.perRelease)}\n` +
        `  all ${lanes.length * 2} promoted; every router sends traffic only to its own service's instances\n`,
    );
  } finally {
    for (const lane of lanes) {
      for (const version of [V1, V2])
        await acts.retireRelease({ ...lane.ref, release: release(lane.ref.service, version, { binaryPath: binaries[version]! }) }).catch(() => undefined);
      await createRouter(lane.ref.router.kind, lane.ref.router.settings, adapterConfigFromStack(stack))
        .remove({ service: lane.ref.service, environment: lane.ref.environment })
        .catch(() => undefined);
      // The workers registered every live instance for scraping; the services are gone now.
      await unregisterService(stack.prometheus.targetsDir, lane.ref);
    }
    await Promise.all(workers.map(killHard));
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
