/**
 * The pair records of the artifact store (src/activities/registry/pairs.ts), on a scratch
 * directory, no stack: what a rollback reads to restore the config a build was live with.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findReleasedConfig, listPairs, recordLivePair } from '../../src/activities/registry/pairs';
import type { ResolvedConfig } from '../../src/domain/config';
import { configVersion } from '../../src/domain/config-version';
import { imageTagForVersion, type Release } from '../../src/domain/release';

const resolved = (values: Record<string, string>): ResolvedConfig => ({ version: configVersion({ values, secrets: ['TOKEN'], source: 'env', sourceKind: 'env' }), values });
const release = (version: string, config?: ResolvedConfig): Release => ({
  service: 'svc',
  version,
  imageTag: imageTagForVersion(version),
  commit: '',
  ...(config ? { config } : {}),
});

test('the config a build was last live with, a config version by id or digest, per environment', async () => {
  const store = await mkdtemp(join(tmpdir(), 'sluice-pairs-'));
  try {
    const a = resolved({ MARK: 'a' });
    const b = resolved({ MARK: 'b' });
    await recordLivePair(store, 'production', release('1.0.0+aaa', a), new Date('2026-01-01T00:00:00Z'));
    await recordLivePair(store, 'production', release('1.0.0+aaa', b), new Date('2026-01-02T00:00:00Z'));
    await recordLivePair(store, 'production', release('1.1.0+bbb', a), new Date('2026-01-03T00:00:00Z'));
    await recordLivePair(store, 'staging', release('1.0.0+aaa', a), new Date('2026-01-04T00:00:00Z'));
    await recordLivePair(store, 'production', release('1.2.0+ccc'), new Date('2026-01-05T00:00:00Z')); // no config: no record

    assert.deepEqual(
      (await listPairs(store, 'svc', 'production')).map((p) => [p.version, p.config.version.id]),
      [
        ['1.1.0+bbb', a.version.id],
        ['1.0.0+aaa', b.version.id],
        ['1.0.0+aaa', a.version.id],
      ],
      'the most recently live first',
    );
    assert.deepEqual(await findReleasedConfig(store, { service: 'svc', environment: 'production', version: '1.0.0+aaa' }), b, 'the last one it was live with');
    assert.equal(await findReleasedConfig(store, { service: 'svc', environment: 'production', version: '1.2.0+ccc' }), null);
    assert.deepEqual(await findReleasedConfig(store, { service: 'svc', environment: 'production', configId: b.version.id }), b);
    assert.deepEqual(await findReleasedConfig(store, { service: 'svc', environment: 'production', configId: b.version.digest }), b);
    assert.equal(await findReleasedConfig(store, { service: 'svc', environment: 'staging', configId: b.version.id }), null, 'environments apart');

    // Going live again moves the pair to the front; a torn file is no record.
    await recordLivePair(store, 'production', release('1.0.0+aaa', a), new Date('2026-01-06T00:00:00Z'));
    await writeFile(join(store, 'svc', '.pairs', 'production', 'torn.json'), '{"service":');
    assert.deepEqual(await findReleasedConfig(store, { service: 'svc', environment: 'production', version: '1.0.0+aaa' }), a);
    assert.equal((await listPairs(store, 'svc', 'production')).length, 3);
    assert.equal((await readdir(join(store, 'svc', '.pairs', 'production'))).filter((n) => n.endsWith('.tmp')).length, 0, 'written atomically');
  } finally {
    await rm(store, { recursive: true, force: true });
  }
});
