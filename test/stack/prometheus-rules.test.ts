import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { findExecutable } from '../../src/dev/component';
import { repoRoot } from '../helpers/stack';

// Runs on: promtool from Debian's prometheus package, against the shipped rule files. No stack.
const run = promisify(execFile);
const rulesDir = join(repoRoot(), 'deploy', 'prometheus');
const testsDir = join(rulesDir, 'tests');
const promtool = findExecutable('promtool', 'promtool ships with the Debian package prometheus; run `npm run bootstrap`', {
  ...process.env,
  PATH: `${process.env.PATH ?? ''}:/usr/bin`,
});

const scratch: string[] = [];
after(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

/** promtool's exit code and output; a non-zero exit is a result here, not an exception. */
async function promtoolRun(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(promtool, args, { cwd: repoRoot() });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-rules-'));
  scratch.push(dir);
  return dir;
}

test('promtool check rules accepts every shipped rule file', async () => {
  const files = await yamlFiles(rulesDir);
  assert.ok(files.length > 0, 'deploy/prometheus holds rule files');
  const { code, output } = await promtoolRun(['check', 'rules', ...files]);
  assert.equal(code, 0, output);
  assert.match(output, /SUCCESS/);
});

test('promtool test rules passes the unit tests of the rules', async () => {
  const files = await yamlFiles(testsDir);
  assert.ok(files.length > 0, 'deploy/prometheus/tests holds unit tests');
  const { code, output } = await promtoolRun(['test', 'rules', ...files]);
  assert.equal(code, 0, output);
  assert.doesNotMatch(output, /FAILED/);
});

test('every alert is unit-tested both firing and not firing', async () => {
  interface RuleFile {
    groups: Array<{ rules: Array<{ alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }>;
  }
  interface TestFile {
    tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
  }
  const alerts = new Set<string>();
  for (const file of await yamlFiles(rulesDir)) {
    for (const group of (parse(await readFile(file, 'utf8')) as RuleFile).groups) {
      for (const rule of group.rules) {
        if (!rule.alert) continue;
        alerts.add(rule.alert);
        assert.ok(rule.annotations?.summary && rule.annotations.description, `${rule.alert} has a summary and a description`);
        assert.ok(rule.labels?.severity, `${rule.alert} has a severity`);
      }
    }
  }
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const file of await yamlFiles(testsDir)) {
    for (const t of (parse(await readFile(file, 'utf8')) as TestFile).tests) {
      for (const a of t.alert_rule_test ?? []) ((a.exp_alerts ?? []).length > 0 ? firing : quiet).add(a.alertname);
    }
  }
  assert.ok(alerts.size >= 8, `found ${alerts.size} alerts`);
  for (const alert of alerts) {
    assert.ok(firing.has(alert), `${alert} is tested firing`);
    assert.ok(quiet.has(alert), `${alert} is tested not firing`);
  }
});

test('a broken rule file is refused, and a wrong expectation fails the unit tests', async () => {
  const dir = await scratchDir();
  const broken = join(dir, 'broken.yml');
  await writeFile(broken, 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum by (service (up\n');
  const checked = await promtoolRun(['check', 'rules', broken]);
  assert.notEqual(checked.code, 0, checked.output);
  assert.match(checked.output, /FAILED|error/i);

  // The real rules with a test that expects the worker alert while the worker is up.
  const wrong = join(dir, 'wrong.test.yml');
  await writeFile(
    wrong,
    [
      'rule_files:',
      `  - ${join(rulesDir, 'sluice-rules.yml')}`,
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      `      - series: 'up{job="sluice-worker",instance="w1"}'`,
      `        values: '1x10'`,
      '    alert_rule_test:',
      '      - eval_time: 5m',
      '        alertname: SluiceWorkerDown',
      '        exp_alerts:',
      '          - exp_labels: { severity: critical, job: sluice-worker, instance: w1 }',
      '',
    ].join('\n'),
  );
  const tested = await promtoolRun(['test', 'rules', wrong]);
  assert.notEqual(tested.code, 0, tested.output);
  assert.match(tested.output, /FAILED/);
});
