import assert from 'node:assert/strict';

/** Assert |actual − expected| <= abs + rel·|expected|. */
export function assertClose(actual: number, expected: number, rel = 1e-12, abs = 0, what = ''): void {
  const tol = abs + rel * Math.abs(expected);
  assert.ok(
    Math.abs(actual - expected) <= tol || (Number.isNaN(actual) && Number.isNaN(expected)),
    `${what} expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tol})`,
  );
}
