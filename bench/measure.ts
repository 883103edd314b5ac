/** What the benchmarks share: order statistics and a watcher for "all traffic is on the stable". */
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
