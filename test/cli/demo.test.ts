import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeResult, runCli } from './helpers';

/**
 * The README's main job: `sluice demo` on the embedded stack — v1 installed, v2 promoted through
 * canary and analysis, v3 (injected errors) rolled back automatically — then `sluice history`
 * lists those three releases.
 */
describe('sluice demo', { timeout: 900_000 }, () => {
  test('three real releases end as installed / promoted / rolled back; history lists them', async () => {
    const r = await runCli(['demo'], { timeoutMs: 840_000 });
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /demo OK: v1 installed, v2 promoted, v3 rolled back automatically/);
    const service = /history: sluice history (\S+) demo/.exec(r.stdout)?.[1];
    assert.ok(service, r.stdout);
    assert.match(r.stdout, /v3\s+3\.0\.0\+\w+\s+rolled-back/);

    const h = await runCli(['history', service, 'demo', '--no-rollbacks', '-o', 'json']);
    assert.equal(h.code, 0, describeResult(h));
    const entries = JSON.parse(h.stdout) as { version: string; outcome: string }[];
    assert.deepEqual(
      entries.map((e) => [e.version.split('+')[0], e.outcome]),
      [
        ['3.0.0', 'rolled-back'],
        ['2.0.0', 'promoted'],
        ['1.0.0', 'promoted'],
      ],
    );
  });
});
