import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { temporalAddress } from '../../src/dev/config';
import { repoRoot, stack, uniqueName } from '../helpers/stack';
import { cliEntry, specDir } from './helpers';
import { fixtureSpec, startCliWorker, VERSIONS, type CliWorker } from './worker-fixture';

/** Every shell line of a CI file that calls `sluice`, exactly as written (multi-line `run: |` split by line). */
export function sluiceLines(file: string): string[] {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const scripts: string[] = [];
  const visit = (node: unknown, key?: string): void => {
    if (typeof node === 'string') {
      if (key === 'run' || key === 'script' || key === 'after_script' || key === 'before_script') scripts.push(node);
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) {
        if (typeof item === 'string' && (key === 'script' || key === 'after_script' || key === 'before_script')) scripts.push(item);
        else visit(item, key);
      }
      return;
    }
    if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, k);
  };
  visit(doc);
  return scripts
    .flatMap((s) => s.split('\n'))
    .map((l) => l.trim())
    .filter((l) => /^sluice\s/.test(l));
}

/**
 * Runs the example pipelines' `sluice` calls as the CI runner would: each line through bash (the
 * runner's shell: the lines use $GITHUB_STEP_SUMMARY), in a checkout holding sluice.yaml, with
 * `sluice` on PATH and Temporal's usual variables set.
 */
describe('CI examples: the documented sluice calls work as written', { timeout: 600_000 }, () => {
  let w: CliWorker;
  const tmp = mkdtempSync(join(tmpdir(), 'sluice-ci-'));
  const bin = join(tmp, 'bin');

  before(async () => {
    w = await startCliWorker();
    // A `sluice` on PATH, like the package's bin after `npm install -g`.
    const loader = cliEntry.endsWith('.ts') ? `--import ${pathToFileURL(join(repoRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href} ` : '';
    mkdirSync(bin);
    writeFileSync(join(bin, 'sluice'), `#!/bin/sh\nexec "${process.execPath}" ${loader}"${cliEntry}" "$@"\n`);
    chmodSync(join(bin, 'sluice'), 0o755);
  });
  after(async () => {
    await w?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  function runLine(line: string, cwd: string, extraEnv: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn('bash', ['-eo', 'pipefail', '-c', line], {
        cwd,
        env: {
          ...process.env,
          ...w.env,
          ...extraEnv,
          PATH: `${bin}${delimiter}${process.env.PATH}`,
          TEMPORAL_ADDRESS: temporalAddress(stack),
          TEMPORAL_NAMESPACE: stack.temporal.namespace,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
  }

  for (const [name, file, summaryEnv] of [
    ['GitHub Actions', 'github-actions.yml', 'GITHUB_STEP_SUMMARY'],
    ['GitLab CI', 'gitlab-ci.yml', undefined],
  ] as const) {
    test(`${name}: deploy --wait passes on promotion, fails the job on rollback, writes the summary`, async () => {
      const lines = sluiceLines(join(repoRoot(), 'examples', 'ci', file));
      assert.ok(
        lines.some((l) => l.startsWith('sluice deploy ') && l.includes('--wait')),
        `no sluice deploy --wait in ${file}: ${lines.join(' | ')}`,
      );

      for (const [version, expected] of [
        [VERSIONS.v2, 0],
        [VERSIONS.bad, 3],
      ] as const) {
        const service = uniqueName('ci');
        await w.seedStable(service, 'production', VERSIONS.v1);
        const checkout = specDir(fixtureSpec(w, service, version, '[ { setWeight: 50 }, { analysis: { window: 2s } }, { setWeight: 100 } ]'));
        const summary = join(checkout.dir, 'job-summary.md');
        const env = summaryEnv ? { [summaryEnv]: summary } : {};
        try {
          for (const line of lines) {
            const r = await runLine(line, checkout.dir, env);
            if (line.startsWith('sluice deploy ')) {
              assert.equal(r.code, expected, `${file}: ${line}\n${r.out}`);
              const written = readFileSync(summaryEnv ? summary : join(checkout.dir, 'sluice-summary.md'), 'utf8');
              assert.match(written, expected === 0 ? /: promoted/ : /: rolled-back/);
              assert.match(written, /### Changelog/);
              assert.match(written, /\[Temporal Web UI\]\(http:\/\/127\.0\.0\.1:\d+\/namespaces\//);
            } else {
              assert.equal(r.code, 0, `${file}: ${line}\n${r.out}`);
              assert.match(r.out, new RegExp(`deploy\\s+${version.replace(/[.+]/g, '\\$&')}`), `${line}\n${r.out}`);
            }
          }
        } finally {
          checkout.remove();
        }
      }
    });
  }
});
