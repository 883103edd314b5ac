import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JudgeConfig } from '../../src/domain/analysis';
import { JUDGES } from '../../src/activities/metrics/judges';
import { createMetricsActivities } from '../../src/activities/metrics';
import { JUDGE_LOOPS } from '../../src/workflows/judge-loops';
import { packageRoot } from '../../src/lib/paths';

/**
 * Adding a judge = one folder in src/activities/metrics/judges/, one line in JUDGES, one loop
 * file in src/workflows/judge-loops/ and one line in JUDGE_LOOPS, and its config in the
 * template schema's judge union (docs/analysis.md). This test keeps the five in step.
 */
const judgesDir = join(packageRoot(), 'src', 'activities', 'metrics', 'judges');
const loopsDir = join(packageRoot(), 'src', 'workflows', 'judge-loops');
/** Shared arithmetic, not a judge. */
const NOT_JUDGES = new Set(['stats']);
/** The loop contract and the table, not loops. */
const NOT_LOOPS = new Set(['index.ts', 'loop.ts']);

const sorted = (xs: Iterable<string>) => [...xs].sort();

test('the judge registry lists exactly the judge folders, each under its own kind', () => {
  const folders = readdirSync(judgesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_JUDGES.has(d.name))
    .map((d) => d.name);
  assert.deepEqual(sorted(Object.keys(JUDGES)), sorted(folders));
  for (const [kind, judge] of Object.entries(JUDGES)) assert.equal(judge.kind, kind);
  for (const folder of folders) {
    assert.ok(readdirSync(join(judgesDir, folder)).includes('index.ts'), `judges/${folder}/index.ts holds the judge`);
  }
});

test('the template schema accepts exactly the registered judge kinds', () => {
  const kinds = JudgeConfig.options.map((o) => o.shape.kind.value);
  assert.deepEqual(sorted(kinds), sorted(Object.keys(JUDGES)));
});

test('every registered judge has one workflow loop, in a file named after its folder', () => {
  const files = readdirSync(loopsDir)
    .filter((f) => f.endsWith('.ts') && !NOT_LOOPS.has(f))
    .map((f) => f.replace(/\.ts$/, ''));
  assert.deepEqual(sorted(Object.keys(JUDGE_LOOPS)), sorted(Object.keys(JUDGES)));
  assert.deepEqual(sorted(files), sorted(Object.keys(JUDGES)));
});

test('judge activities keep their recorded names and are all registered by the metrics factory', () => {
  const names = Object.values(JUDGES).flatMap((j) => Object.keys(j.activities));
  assert.equal(new Set(names).size, names.length, 'no two judges share an activity name');
  // Names are part of workflow histories: renaming one breaks every analysis in flight.
  assert.deepEqual(sorted(names), ['judgeKayentaWindow', 'judgeSequentialLook', 'judgeThresholdLook']);
  const activities = createMetricsActivities({ prometheusUrl: 'http://127.0.0.1:9', targetsDir: '/nonexistent' }) as unknown as Record<string, unknown>;
  for (const name of names) assert.equal(typeof activities[name], 'function', `${name} is registered`);
});
