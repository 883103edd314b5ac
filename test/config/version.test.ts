/**
 * The pure parts of configuration (no stack): the config version's digest, the key rules, the
 * `config:` schema of the release spec, the diff, and the source registry against its folders.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_SOURCES } from '../../src/activities/config-sources/registry';
import { ConfigSpec, configProblems } from '../../src/domain/config';
import { diffConfig, isEmptyDiff } from '../../src/domain/config-diff';
import { configDigest, configVersion, configVersionId } from '../../src/domain/config-version';
import { releaseSpecSchema } from '../../src/domain/spec';
import { packageRoot } from '../../src/lib/paths';
import { catalogue } from '../helpers/stack';

test('the digest is stable for equal content, whatever the key order, source or revision', () => {
  const a = configDigest({ LOG_LEVEL: 'info', ERROR_RATE: '0' }, ['DB_PASSWORD', 'API_TOKEN']);
  const b = configDigest({ ERROR_RATE: '0', LOG_LEVEL: 'info' }, ['API_TOKEN', 'DB_PASSWORD']);
  assert.equal(a, b);
  assert.match(a, /^sha256:[0-9a-f]{64}$/);
  const fromEtcd = configVersion({ values: { LOG_LEVEL: 'info' }, source: 'etcd http://127.0.0.1:1 /config/a/b/', sourceKind: 'etcd', revision: 7 });
  const fromDir = configVersion({ values: { LOG_LEVEL: 'info' }, source: 'dir /repo/config', sourceKind: 'dir' });
  assert.equal(fromEtcd.digest, fromDir.digest);
  assert.equal(fromEtcd.id, configVersionId(fromEtcd.digest));
  assert.match(fromEtcd.id, /^cfg-[0-9a-f]{12}$/);
  assert.equal(fromEtcd.revision, 7);
  assert.equal(fromDir.revision, null);
});

test('the digest changes with any change: a value, a key added, removed or renamed, a secret named', () => {
  const base = { LOG_LEVEL: 'info', ERROR_RATE: '0' };
  const digests = [
    configDigest(base),
    configDigest({ ...base, ERROR_RATE: '0.3' }),
    configDigest({ ...base, EXTRA: '' }),
    configDigest({ LOG_LEVEL: 'info' }),
    configDigest({ LOG_LEVEL: 'info', ERROR_RATE2: '0' }),
    configDigest(base, ['DB_PASSWORD']),
    configDigest({ ...base, LOG_LEVEL: 'info ' }),
    // A key and a value that would concatenate to the same text must still differ.
    configDigest({ A: 'BC' }),
    configDigest({ AB: 'C' }),
  ];
  assert.equal(new Set(digests).size, digests.length, 'every variation has its own digest');
});

test('a secret is in the version by name only', () => {
  const version = configVersion({ values: { LOG_LEVEL: 'info' }, secrets: ['DB_PASSWORD'], source: 'env', sourceKind: 'env' });
  assert.deepEqual(version.keys, ['LOG_LEVEL']);
  assert.deepEqual(version.secrets, ['DB_PASSWORD']);
});

test('keys must be environment variable names; values must not hold NUL; a secret is not also a value', () => {
  assert.deepEqual(configProblems({ LOG_LEVEL: 'x', _private: 'y', a1: 'z' }), []);
  const problems = configProblems({ 'bad-key': '1', '1X': '2', 'a/b': '3', OK: 'a\0b', DB_PASSWORD: 'x' }, ['DB_PASSWORD']);
  assert.equal(problems.length, 5, problems.join('\n'));
  assert.match(problems.join('\n'), /"bad-key" must be an environment variable name/);
  assert.match(problems.join('\n'), /"a\/b" must be an environment variable name/);
  assert.match(problems.join('\n'), /value of OK contains a NUL/);
  assert.match(problems.join('\n'), /DB_PASSWORD is both a plain value and a secret/);
});

test('config: in the release spec is validated at the edge', () => {
  assert.deepEqual(ConfigSpec.parse({ source: 'etcd', prefix: '/config/checkout/production/' }), { source: 'etcd', prefix: '/config/checkout/production/', secrets: [] });
  const refused = [
    { source: 'etcd', prefix: 'config/checkout/' },
    { source: 'etcd', prefix: '/config/checkout' },
    { source: 'etcd', prefix: '/config/x/', endpoints: ['http://user:pw@127.0.0.1:2379'] },
    { source: 'env', values: { 'bad-key': '1' } },
    { source: 'env', values: { A: '1' }, secrets: ['A'] },
    { source: 'env', secrets: ['X', 'X'] },
    { source: 'dir' },
    { source: 'consul', prefix: '/x/' },
    { prefix: '/x/' },
  ];
  for (const spec of refused) assert.equal(ConfigSpec.safeParse(spec).success, false, JSON.stringify(spec));

  const schema = releaseSpecSchema(catalogue);
  const spec = {
    service: 'checkout',
    environment: 'production',
    source: { kind: 'prebuilt', version: '1.0.0+abc1234', binaryPath: '/bin/true' },
    target: { kind: 'process' },
    strategy: { kind: 'recreate' },
  };
  const ok = schema.safeParse({ ...spec, config: { source: 'env', values: { LOG_LEVEL: 'info' }, secrets: ['DB_PASSWORD'] } });
  assert.ok(ok.success, ok.success ? '' : ok.error.message);
  assert.deepEqual(ok.data.config, { source: 'env', values: { LOG_LEVEL: 'info' }, secrets: ['DB_PASSWORD'] });
  const bad = schema.safeParse({ ...spec, config: { source: 'env', values: { 'log-level': 'info' } } });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error?.issues[0]?.path, ['config', 'values', 'log-level']);
});

test('diff lists added, removed and changed keys, sorted', () => {
  const diff = diffConfig({ A: '1', B: '2', C: '3' }, { B: '2', C: '4', D: '5', AA: '0' });
  assert.deepEqual(diff, {
    added: [
      { key: 'AA', value: '0' },
      { key: 'D', value: '5' },
    ],
    removed: [{ key: 'A', value: '1' }],
    changed: [{ key: 'C', from: '3', to: '4' }],
  });
  assert.equal(isEmptyDiff(diffConfig({ A: '1' }, { A: '1' })), true);
  assert.equal(isEmptyDiff(diff), false);
});

test('the config source registry, the spec schema and the adapter folders agree', () => {
  const kinds = ConfigSpec.options.map((o) => o.shape.source.value).sort();
  assert.deepEqual(kinds, ['dir', 'env', 'etcd']);
  assert.deepEqual(Object.keys(CONFIG_SOURCES).sort(), kinds);
  for (const [kind, adapter] of Object.entries(CONFIG_SOURCES)) assert.equal(adapter.kind, kind);
  const folders = readdirSync(join(packageRoot(), 'src', 'activities', 'config-sources'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(folders, kinds);
});
