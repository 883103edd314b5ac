/** What the benchmarks share: order statistics, a watcher for "all traffic is on the stable", and a note on the machine's load. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { serverStates } from '../src/lib/haproxy';

/** p-th percentile of an ascending array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Median of the finite values; NaN when there are none. */
export function median(values: number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Polls HAProxy's runtime state (about every 2 ms) until the backend's `stable` server, on
 * `stablePort`, is the only one with weight: the moment a rollback has moved all traffic.
 * `stop()` ends the polling and returns that moment (performance.now()), if it was seen.
 */
export function watchAllTrafficToStable(adminSocket: string, backend: string, stablePort: number): { stop(): Promise<number | undefined> } {
  let flippedAt: number | undefined;
  let done = false;
  const polling = (async () => {
    while (!done && flippedAt === undefined) {
      const servers = await serverStates(adminSocket, backend);
      const stable = servers.find((s) => s.server === 'stable');
      if (stable && stable.weight > 0 && stable.port === stablePort && servers.every((s) => s.server === 'stable' || s.weight === 0)) flippedAt = performance.now();
      else await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    async stop() {
      done = true;
      await polling;
      return flippedAt;
    },
  };
}

/** The aggregate `cpu` line of /proc/stat: all ticks and the ticks the hypervisor took (steal); undefined off Linux. */
function cpuTicks(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** Milliseconds for a fixed piece of CPU work (SHA-256 of 16 MiB), best of three. */
function cpuYardstickMs(): number {
  const data = Buffer.alloc(16 * 1024 * 1024, 7);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    createHash('sha256').update(data).digest();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * What the machine had to give while a bench ran. On 2 cores the orchestration ratios move with
 * whatever else runs (docs/workflows.md, "The machine's load"), so a figure is printed with a
 * yardstick (the same CPU work timed before the run), the 1-minute load average before and after,
 * and the share of CPU time the hypervisor took during the run (steal).
 */
export function machineProbe(): { report(): string } {
  const yardstickMs = cpuYardstickMs();
  const loadBefore = loadavg()[0]!;
  const ticksBefore = cpuTicks();
  return {
    report() {
      const ticksAfter = cpuTicks();
      const steal =
        ticksBefore && ticksAfter && ticksAfter.total > ticksBefore.total
          ? `, steal ${((100 * (ticksAfter.steal - ticksBefore.steal)) / (ticksAfter.total - ticksBefore.total)).toFixed(1)}%`
          : '';
      return `machine: SHA-256 of 16 MiB in ${yardstickMs.toFixed(0)} ms before the run, load average ${loadBefore.toFixed(2)} before and ${loadavg()[0]!.toFixed(2)} after${steal}\n`;
    },
  };
}
