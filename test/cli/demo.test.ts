import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Docker from 'dockerode';
import { loadStackConfig } from '../../src/dev/config';
import { RUNTIME_BASE_TAG, builderImageTag } from '../../src/activities/build/base-images';
import { describeResult, runCli } from './helpers';
import { freePort, repoRoot } from '../helpers/stack';

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

test('sluice demo --prepare makes the base images with Temporal unreachable (npm run demo runs it during the Temporal build)', async () => {
  const nobody = `127.0.0.1:${await freePort()}`;
  const r = await runCli(['demo', '--prepare'], { env: { TEMPORAL_ADDRESS: nobody }, timeoutMs: 600_000 });
  assert.equal(r.code, 0, describeResult(r));
  assert.match(r.stdout, /^base images ready in \d+\.\d s$/m);
  const docker = new Docker({ socketPath: loadStackConfig().docker.socket });
  for (const ref of [RUNTIME_BASE_TAG, await builderImageTag(join(repoRoot(), 'examples', 'go-service'))]) {
    await docker.getImage(ref).inspect();
  }
});
