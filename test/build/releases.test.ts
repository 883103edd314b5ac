import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import pino from 'pino';
import { createBuildActivities, imageTagFor } from '../../src/activities/build';
import { createRegistryActivities, RegistryClient } from '../../src/activities/registry';
import { listPairs, recordLivePair } from '../../src/activities/registry/pairs';
import { configVersion } from '../../src/domain/config-version';
import { imageTagForVersion } from '../../src/domain/release';
import { REGISTRY, type TestRepo, baseImages, dockerClient, exampleRepo, removeDir, removeImage, requireStack, tempDir, uniqueId } from './helpers';

const COMMITS = { '0.9.0': 'a0a0a0a', '1.0.0': 'b1b1b1b', '1.1.0': 'c2c2c2c', '1.2.0': 'd3d3d3d', '1.3.0': 'e4e4e4e' } as const;
type V = keyof typeof COMMITS;
const ref = (v: V) => {
  const version = `${v}+${COMMITS[v]}`;
  return { version, imageTag: imageTagFor(version), commit: COMMITS[v].repeat(5).slice(0, 40) };
};

describe('retained releases: list newest first, prune to N, never the protected', { timeout: 300_000 }, () => {
  const service = uniqueId('rel').toLowerCase();
  const imageRepo = `${REGISTRY}/${service}`;
  const logger = pino({ level: 'silent' });
  let docker: Docker;
  let store: string;
  let ctx: string;
  let repo: TestRepo;
  let build: ReturnType<typeof createBuildActivities>;
  let registry: ReturnType<typeof createRegistryActivities>;
  const digests = new Map<V, string>();

  before(async () => {
    docker = dockerClient();
    await requireStack(docker);
    const base = await baseImages(docker);
    store = tempDir('artifacts-rel');
    // Tiny images (one label each) so every release has its own digest without compiling.
    ctx = tempDir('tiny');
    writeFileSync(join(ctx, 'Dockerfile'), 'ARG RUNTIME_IMAGE\nFROM ${RUNTIME_IMAGE}\nARG VERSION\nLABEL io.sluice.test.release=${VERSION}\n');
    repo = exampleRepo();
    build = createBuildActivities({ docker, artifactStore: store, logger, defaultBuildArgs: { RUNTIME_IMAGE: base.runtimeImage } });
    registry = createRegistryActivities({ docker, artifactStore: store, logger, env: {} });
    for (const v of ['1.0.0', '1.1.0', '1.2.0', '1.3.0'] as const) {
      const version = ref(v);
      await build.buildImage({ contextDir: ctx, imageRepo, version });
      const pushed = await registry.pushImage({ imageRepo, tags: [version.imageTag, `sha-${COMMITS[v]}`] });
      digests.set(v, pushed.digest);
    }
    for (const v of ['0.9.0', '1.0.0', '1.3.0'] as const) await build.buildBinary({ sourceDir: repo.dir, service, version: ref(v) });
  });

  after(async () => {
    const client = new RegistryClient({ host: REGISTRY });
    for (const [v, digest] of digests) {
      await client.deleteManifest(service, digest).catch(() => undefined);
      for (const tag of [ref(v).imageTag, `sha-${COMMITS[v]}`]) await removeImage(docker, `${imageRepo}:${tag}`);
    }
    if (store) removeDir(store);
    if (ctx) removeDir(ctx);
    repo?.remove();
  });

  it('merges registry and artifact store, newest first by semver', async () => {
    const list = await registry.listReleases({ service, imageRepo });
    assert.deepEqual(
      list.map((r) => r.version),
      ['1.3.0+e4e4e4e', '1.2.0+d3d3d3d', '1.1.0+c2c2c2c', '1.0.0+b1b1b1b', '0.9.0+a0a0a0a'],
    );
    const byV = Object.fromEntries(list.map((r) => [r.version.split('+')[0], r]));
    assert.equal(byV['1.2.0'].digest, digests.get('1.2.0'));
    assert.equal(byV['1.2.0'].imageRef, `${imageRepo}@${digests.get('1.2.0')}`);
    assert.equal(byV['1.2.0'].binaryPath, null);
    assert.equal(byV['0.9.0'].digest, null);
    assert.equal(byV['0.9.0'].binaryPath, join(store, service, 'v0.9.0-a0a0a0a', service));
    assert.ok(byV['1.3.0'].digest && byV['1.3.0'].binaryPath);
    // The artifact store alone (process target).
    assert.deepEqual(
      (await registry.listReleases({ service })).map((r) => r.imageTag),
      ['v1.3.0-e4e4e4e', 'v1.0.0-b1b1b1b', 'v0.9.0-a0a0a0a'],
    );
  });

  it('prunes to keep=1 plus the protected live and previous releases, and forgets the config versions a pruned build went live with', async () => {
    const config = (mark: string) => ({ version: configVersion({ values: { MARK: mark }, source: 'env', sourceKind: 'env' }), values: { MARK: mark } });
    const pair = (version: string, mark: string, environment = 'production') =>
      recordLivePair(store, environment, { service, version, imageTag: imageTagForVersion(version), commit: '', config: config(mark) });
    await pair('1.0.0+b1b1b1b', 'a');
    await pair('1.0.0+b1b1b1b', 'b', 'staging');
    await pair('1.1.0+c2c2c2c', 'a');
    const result = await registry.pruneReleases({
      service,
      imageRepo,
      keep: 1,
      // "previous" named by its imageRef, an old pinned one by its version.
      protect: [`${imageRepo}@${digests.get('1.1.0')}`, '0.9.0+a0a0a0a'],
    });
    assert.deepEqual(result.kept, ['v1.3.0-e4e4e4e', 'v1.1.0-c2c2c2c', 'v0.9.0-a0a0a0a']);
    assert.deepEqual(result.deleted, [
      { imageTag: 'v1.2.0-d3d3d3d', registry: true, binary: false, pairs: 0 },
      { imageTag: 'v1.0.0-b1b1b1b', registry: true, binary: true, pairs: 2 },
    ]);
    assert.deepEqual(
      (await listPairs(store, service, 'production')).map((p) => p.version),
      ['1.1.0+c2c2c2c'],
      'only the kept build is offered with its config',
    );
    assert.deepEqual(await listPairs(store, service, 'staging'), []);
    const client = new RegistryClient({ host: REGISTRY });
    assert.equal(await client.manifestDigest(service, 'v1.2.0-d3d3d3d'), undefined);
    assert.equal(await client.manifestDigest(service, 'sha-d3d3d3d'), undefined, 'the commit tag goes with the manifest');
    assert.equal(await client.manifestDigest(service, 'v1.1.0-c2c2c2c'), digests.get('1.1.0'));
    assert.equal(existsSync(join(store, service, 'v1.0.0-b1b1b1b')), false);
    assert.equal(existsSync(join(store, service, 'v0.9.0-a0a0a0a', service)), true);
    assert.deepEqual((await client.listTags(service)).sort(), ['sha-c2c2c2c', 'sha-e4e4e4e', 'v1.1.0-c2c2c2c', 'v1.3.0-e4e4e4e']);

    // Pruning again converges: nothing more to delete.
    const again = await registry.pruneReleases({ service, imageRepo, keep: 1, protect: [`${imageRepo}@${digests.get('1.1.0')}`, '0.9.0+a0a0a0a'] });
    assert.deepEqual(again.deleted, []);
  });

  it('refuses keep=0', async () => {
    await assert.rejects(registry.pruneReleases({ service, imageRepo, keep: 0, protect: [] }), /keep/);
  });
});
