/**
 * Small descriptive statistics and the Kayenta-style preprocessing (NaN strategy, IQR outliers).
 */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Unbiased sample variance (n − 1). */
export function variance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s / (n - 1);
}

/** Linear-interpolation quantile (NumPy's default, R type 7) of already sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export type NanStrategy = { kind: 'remove' } | { kind: 'replace'; value: number };

/** Apply the NaN strategy: drop non-finite values, or replace them (e.g. an empty error rate by 0). */
export function handleNaN(values: readonly number[], strategy: NanStrategy): number[] {
  if (strategy.kind === 'remove') return values.filter(Number.isFinite);
  return values.map((v) => (Number.isFinite(v) ? v : strategy.value));
}

/**
 * Remove values outside [Q1 − f·IQR, Q3 + f·IQR] (Tukey fences; Kayenta uses f = 3).
 * When the IQR is 0 (most values identical) nothing is removed: otherwise every value that differs
 * from the mode would be called an outlier, which is exactly the signal a canary check needs.
 */
export function removeIqrOutliers(values: readonly number[], factor = 3): number[] {
  if (values.length < 4) return [...values];
  const s = sortedCopy(values);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const iqr = q3 - q1;
  if (iqr === 0) return [...values];
  const lo = q1 - factor * iqr;
  const hi = q3 + factor * iqr;
  return values.filter((v) => v >= lo && v <= hi);
}
