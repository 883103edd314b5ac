// Special functions against SciPy 1.17.1 (numbers from reference/generate_special.py).
import { test } from 'node:test';
import { normalCdf, normalQuantile, normalSf } from '../../src/activities/metrics/judges/stats/normal';
import { logBeta, logBetaUpperTail, logGamma, regularizedBeta } from '../../src/activities/metrics/judges/stats/gamma';
import { averageRanks } from '../../src/activities/metrics/judges/stats/ranks';
import { removeIqrOutliers, handleNaN } from '../../src/activities/metrics/judges/stats/descriptive';
import { assertClose } from './support';
import assert from 'node:assert/strict';

const SF: [number, number][] = [
  [-3.0, 0.9986501019683699],
  [-1.0, 0.8413447460685429],
  [0.0, 0.5],
  [0.5, 0.3085375387259869],
  [1.959963984540054, 0.025],
  [3.0, 0.0013498980316300933],
  [6.0, 9.865876450376946e-10],
  [8.5, 9.47953482220325e-18],
  [12.0, 1.776482112077653e-33],
];
const PPF: [number, number][] = [
  [1e-10, -6.361340902404056],
  [0.001, -3.090232306167813],
  [0.01, -2.3263478740408408],
  [0.025, -1.9599639845400545],
  [0.3, -0.5244005127080409],
  [0.5, 0.0],
  [0.9, 1.2815515655446004],
  [0.975, 1.959963984540054],
  [0.99, 2.3263478740408408],
  [0.999999, 4.753424308817087],
];
const GAMMALN: [number, number][] = [
  [0.1, 2.252712651734206],
  [0.5, 0.5723649429247],
  [1.0, 0.0],
  [1.5, -0.12078223763524526],
  [2.0, 0.0],
  [3.7, 1.428072326665388],
  [10.0, 12.801827480081469],
  [123.45, 469.5766763003819],
  [5000.5, 37586.88488728106],
];
const BETALN: [number, number, number][] = [
  [0.5, 0.5, 1.1447298858494],
  [5, 5, -6.4457198193855785],
  [50, 50, -70.00271747688562],
  [1234.5, 20.25, -104.22096836176115],
];
const BETAINC: [number, number, number, number][] = [
  [2, 3, 0.4, 0.5247999999999999],
  [5, 5, 0.5, 0.5],
  [50, 50, 0.6, 0.9780695578699148],
  [0.5, 0.5, 0.01, 0.06376856085851985],
];
const LOG_UPPER: [number, number, number, number][] = [
  [5.5, 120.5, 0.5, -68.90007409045519],
  [60, 40, 0.5, -0.022181855144777298],
  [2, 3, 0.4, -0.744019510933702],
];

test('normal survival function matches scipy.stats.norm.sf, tails included', () => {
  for (const [x, p] of SF) {
    assertClose(normalSf(x), p, 1e-13, 0, `sf(${x})`);
    assertClose(normalCdf(-x), p, 1e-13, 0, `cdf(${-x})`);
  }
});

test('normal quantile matches scipy.stats.norm.ppf', () => {
  for (const [p, x] of PPF) assertClose(normalQuantile(p), x, 1e-12, 1e-14, `ppf(${p})`);
});

test('log-gamma and log-beta match scipy.special', () => {
  for (const [x, v] of GAMMALN) assertClose(logGamma(x), v, 1e-13, 1e-14, `gammaln(${x})`);
  for (const [a, b, v] of BETALN) assertClose(logBeta(a, b), v, 1e-12, 1e-13, `betaln(${a},${b})`);
});

test('regularized incomplete beta and its log upper tail match scipy.special', () => {
  for (const [a, b, x, v] of BETAINC) assertClose(regularizedBeta(x, a, b), v, 1e-12, 1e-15, `betainc(${a},${b},${x})`);
  for (const [a, b, x, v] of LOG_UPPER) assertClose(logBetaUpperTail(x, a, b), v, 1e-11, 1e-14, `log betaincc(${a},${b},${x})`);
});

test('average ranks and tie term', () => {
  const { ranks, tieTerm } = averageRanks([3, 1, 3, 2, 3]);
  assert.deepEqual([...ranks], [4, 1, 4, 2, 4]);
  assert.equal(tieTerm, 3 * 3 * 3 - 3);
});

test('IQR outlier removal keeps data with zero IQR and drops far values', () => {
  assert.deepEqual(removeIqrOutliers([1, 1, 1, 1, 5]), [1, 1, 1, 1, 5]);
  assert.deepEqual(removeIqrOutliers([1, 2, 3, 4, 5, 6, 7, 8, 100]), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(handleNaN([1, NaN, 3], { kind: 'replace', value: 0 }), [1, 0, 3]);
  assert.deepEqual(handleNaN([1, NaN, Infinity, 3], { kind: 'remove' }), [1, 3]);
});
