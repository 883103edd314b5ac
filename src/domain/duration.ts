/**
 * Durations as people write them in sluice.yaml: "500ms", "5s", "10m", "2h".
 *
 * The format is the one src/domain/analysis.ts validates, and a subset of what Temporal's
 * `sleep()` accepts, so a spec value can go straight into a timer. This file has no
 * dependencies (no zod) because workflow code imports it and the workflow bundle stays small.
 */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h)$/;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function isDuration(value: string): boolean {
  return DURATION_PATTERN.test(value);
}

/** Milliseconds in `value`; throws RangeError on anything but `<digits><ms|s|m|h>`. */
export function toMs(value: string): number {
  const match = DURATION_PATTERN.exec(value);
  if (!match) throw new RangeError(`invalid duration ${JSON.stringify(value)}: use e.g. "500ms", "5s", "10m", "2h"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** "1m 5s"-style rendering for logs and status lines. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${Math.round(s - m * 60)}s`;
}
