/**
 * Which files of npm's cache the local Node builder takes for a package-lock.json
 * (src/activities/build/npm-cache.ts), on a small cacache written here in npm's layout. That
 * `npm ci --offline` works from exactly these files is shown by the worker image build
 * (test/cli/worker-image.test.ts).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { bucketPath, contentPath, lockfileCacheFiles, NpmCacheIncompleteError, registryKeys } from '../../src/activities/build/npm-cache';
import { removeDir, tempDir } from './helpers';

const REGISTRY = 'https://registry.example.test/';
const dir = tempDir('npm-cache');
const cacheDir = join(dir, '_cacache');
after(() => removeDir(dir));

/** Stores `body` under `key` as make-fetch-happen does: a blob by integrity, an index line naming it. */
function put(key: string, body: string): string {
  const integrity = `sha512-${createHash('sha512').update(body).digest('base64')}`;
  const blob = join(cacheDir, contentPath(integrity));
  mkdirSync(dirname(blob), { recursive: true });
  writeFileSync(blob, body);
  const entry = JSON.stringify({ key, integrity, time: 1, size: body.length, metadata: {} });
  const bucket = join(cacheDir, bucketPath(key));
  mkdirSync(dirname(bucket), { recursive: true });
  writeFileSync(bucket, `\n${createHash('sha1').update(entry).digest('hex')}\t${entry}`, { flag: 'a' });
  return integrity;
}

/** A package fetched by the host's `npm ci`: its packument and its tarball. */
function cached(name: string, version: string): string {
  const [packument, tarball] = registryKeys(REGISTRY, name, version);
  put(packument!, JSON.stringify({ name, versions: { [version]: {} } }));
  return put(tarball!, `${name}-${version}.tgz`);
}

function lockfile(packages: Record<string, object>): string {
  const path = join(dir, `package-lock-${Object.keys(packages).length}.json`);
  writeFileSync(path, JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'app' }, ...packages } }));
  return path;
}

test('the keys are the packument URL (scope slash escaped) and the tarball URL', () => {
  assert.deepEqual(registryKeys(REGISTRY, '@scope/pkg', '1.2.3'), [
    'make-fetch-happen:request-cache:https://registry.example.test/@scope%2fpkg',
    'make-fetch-happen:request-cache:https://registry.example.test/@scope/pkg/-/pkg-1.2.3.tgz',
  ]);
});

test("takes each package's two index buckets and their blobs; skips optional packages the host never fetched", () => {
  const a = cached('a', '1.0.0');
  const scoped = cached('@s/b', '2.0.0');
  const lock = lockfile({
    'node_modules/a': { version: '1.0.0', integrity: a },
    'node_modules/@s/b': { version: '2.0.0', integrity: scoped, dev: true },
    'node_modules/a/node_modules/inside': { version: '1.0.0', inBundle: true },
    'node_modules/other-platform': { version: '3.0.0', integrity: 'sha512-AAAA', optional: true },
  });
  const { files, skippedOptional } = lockfileCacheFiles({ lockfile: lock, cacheDir, registry: REGISTRY });
  const keys = [...registryKeys(REGISTRY, 'a', '1.0.0'), ...registryKeys(REGISTRY, '@s/b', '2.0.0')];
  assert.deepEqual(files.filter((f) => f.startsWith('index-v5')).sort(), keys.map(bucketPath).sort());
  assert.equal(files.filter((f) => f.startsWith('content-v2')).length, 4, 'two packuments and two tarballs');
  assert.ok(files.includes(contentPath(a)) && files.includes(contentPath(scoped)));
  assert.deepEqual(skippedOptional, ['other-platform@3.0.0']);
});

test('a package the host cache lacks fails the builder, naming it and `npm ci` as the fix', () => {
  const a = cached('a', '1.0.0');
  const lock = lockfile({ 'node_modules/a': { version: '1.0.0', integrity: a }, 'node_modules/missing': { version: '0.1.0', integrity: 'sha512-AAAA' } });
  assert.throws(
    () => lockfileCacheFiles({ lockfile: lock, cacheDir, registry: REGISTRY }),
    (err: unknown) => err instanceof NpmCacheIncompleteError && /missing@0\.1\.0/.test(err.message) && /npm ci/.test(err.message),
  );
});
