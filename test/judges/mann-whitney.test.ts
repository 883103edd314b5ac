// Mann-Whitney U and Hodges-Lehmann against published reference implementations:
// p-values/U from SciPy 1.17.1 `mannwhitneyu(method='asymptotic', use_continuity=True)`
// (reference/generate_mannwhitney.py) and confidence intervals from R 4.2.2
// `wilcox.test(conf.int=TRUE, exact=FALSE, correct=TRUE)` (reference/generate_wilcox_ci.R).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyU } from '../../src/activities/metrics/judges/stats/mann-whitney';
import { hodgesLehmann } from '../../src/activities/metrics/judges/stats/hodges-lehmann';
import { assertClose } from './support';

const CASES = {
  r_depression: {
    x: [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3],
    y: [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29],
    u: 58.0,
    p: { 'two-sided': 0.13291945818531892, less: 0.9442044002897128, greater: 0.06645972909265946 },
    hl: 0.56,
    ci95: [-0.3699773747, 1.1829707737],
    ci98: [-0.5599516953, 1.2329604083],
  },
  ties: {
    x: [1, 2, 2, 3, 3, 3, 4, 5],
    y: [2, 3, 4, 4, 5, 5, 6, 7, 7, 8],
    u: 13.5,
    p: { 'two-sided': 0.019383341326824073, less: 0.009691670663412037, greater: 0.9924088554088443 },
    hl: -2.0,
    ci95: [-4.0000349588, -0.0000601349],
    ci98: [-4.0000069841, 0.0000758015],
  },
  lognormal: {
    x: [
      1.099, 0.943, 1.316, 0.499, 1.408, 1.04, 0.85, 1.283, 0.46, 1.128, 0.847, 1.499, 1.524, 0.768, 0.766, 0.586, 0.824, 1.433, 1.875, 1.369, 1.243, 0.792, 1.347, 0.812, 1.377,
      1.104, 1.874, 1.352, 2.422, 0.996, 1.782, 1.367, 2.853, 0.458, 1.891, 0.732, 0.791, 1.21, 0.574, 0.672,
    ],
    y: [
      0.777, 0.851, 0.386, 0.646, 0.93, 0.936, 0.718, 0.998, 0.774, 1.798, 0.667, 1.03, 0.783, 1.533, 0.615, 1.55, 0.55, 0.505, 0.76, 1.047, 0.467, 0.777, 0.998, 0.982, 1.549,
      1.48, 1.181, 1.579, 1.6, 0.574, 2.982, 0.976, 0.739,
    ],
    u: 793.5,
    p: { 'two-sided': 0.14043407142245473, less: 0.931262590919004, greater: 0.07021703571122737 },
    hl: 0.16899999999999993,
    ci95: [-0.0549279894, 0.3710617918],
    ci98: [-0.1059787398, 0.4100545141],
  },
} as const;

for (const [name, c] of Object.entries(CASES)) {
  test(`mannWhitneyU matches SciPy (${name})`, () => {
    for (const alt of ['two-sided', 'less', 'greater'] as const) {
      const r = mannWhitneyU(c.x, c.y, alt);
      assert.equal(r.u, c.u, `U for ${alt}`);
      assertClose(r.pValue, c.p[alt], 1e-12, 0, `${name} ${alt} p`);
    }
  });

  test(`Hodges-Lehmann estimate and interval match R wilcox.test (${name})`, () => {
    // R's uniroot stops at tol 1e-4; our bisection lands on the exact jump, hence 2e-4.
    const r95 = hodgesLehmann(c.x, c.y, 0.95);
    assertClose(r95.estimate, c.hl, 1e-12, 1e-12, 'HL estimate');
    assertClose(r95.lower, c.ci95[0], 0, 2e-4, 'lower 95%');
    assertClose(r95.upper, c.ci95[1], 0, 2e-4, 'upper 95%');
    const r98 = hodgesLehmann(c.x, c.y, 0.98);
    assertClose(r98.lower, c.ci98[0], 0, 2e-4, 'lower 98%');
    assertClose(r98.upper, c.ci98[1], 0, 2e-4, 'upper 98%');
  });
}

test('mannWhitneyU: all values tied gives p = 1, empty sample throws', () => {
  assert.equal(mannWhitneyU([1, 1, 1], [1, 1]).pValue, 1);
  assert.throws(() => mannWhitneyU([], [1]), RangeError);
  assert.throws(() => mannWhitneyU([NaN, 1], [1]), /NaN/);
});
