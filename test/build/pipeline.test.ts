import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import pino from 'pino';
import { createBuildActivities, type ResolvedVersion } from '../../src/activities/build';
import { followDockerStream, streamError } from '../../src/activities/build/progress';
import { createRegistryActivities, RegistryClient } from '../../src/activities/registry';
import {
  REGISTRY,
  type TestRepo,
  baseImages,
  buildArgsFor,
  dockerClient,
  exampleRepo,
  freePort,
  removeDir,
  removeImage,
  requireStack,
  tempDir,
  uniqueId,
  waitForHttp,
} from './helpers';

/**
 * The whole pre-deployment path on the shared stack: version from git, image build, push,
 * pull by digest, run with host networking, and the idempotent re-runs.
 */
describe('build → push → pull by digest → run', { timeout: 600_000 }, () => {
  const service = uniqueId('gs').toLowerCase();
  const imageRepo = `${REGISTRY}/${service}`;
  let docker: Docker;
  let repo: TestRepo;
  let store: string;
  let build: ReturnType<typeof createBuildActivities>;
  let registry: ReturnType<typeof createRegistryActivities>;
  let version: ResolvedVersion;
  let digest = '';
  const containers: Docker.Container[] = [];

  before(async () => {
    docker = dockerClient();
    await requireStack(docker);
    const base = await baseImages(docker);
    repo = exampleRepo('v1.4.3');
    store = tempDir('artifacts');
    const logger = pino({ level: 'silent' });
    build = createBuildActivities({ docker, artifactStore: store, logger, defaultBuildArgs: buildArgsFor(base) });
    registry = createRegistryActivities({ docker, artifactStore: store, logger, env: {} });
  });

  after(async () => {
    for (const c of containers) await c.remove({ force: true }).catch(() => undefined);
    if (version) {
      for (const ref of [`${imageRepo}:${version.imageTag}`, `${imageRepo}:sha-${version.shortCommit}`, `${imageRepo}@${digest}`]) await removeImage(docker, ref);
    }
    if (digest) await new RegistryClient({ host: REGISTRY }).deleteManifest(service, digest).catch(() => undefined);
    repo?.remove();
    if (store) removeDir(store);
  });

  it('resolves the tagged version', async () => {
    version = await build.resolveVersion({ repoDir: repo.dir, service });
    assert.equal(version.version, `1.4.3+${repo.short()}`);
    assert.equal(version.imageTag, `v1.4.3-${repo.short()}`);
  });

  it('builds the image once, with OCI labels and a non-root user, and skips the re-run', async () => {
    const first = await build.buildImage({ contextDir: repo.dir, imageRepo, version });
    assert.equal(first.skipped, false);
    assert.equal(first.image, `${imageRepo}:${version.imageTag}`);
    const info = await docker.getImage(first.image).inspect();
    assert.equal(info.Config.User, '65532:65532');
    assert.equal(info.Config.Labels['org.opencontainers.image.version'], version.version);
    assert.equal(info.Config.Labels['org.opencontainers.image.revision'], version.commit);
    assert.ok(!Number.isNaN(Date.parse(info.Config.Labels['org.opencontainers.image.created'])));
    assert.ok(first.sizeBytes < 40 * 1024 * 1024, `runtime image should be small, got ${first.sizeBytes}`);

    // A retry after a crash: same tag, same commit → found by its labels, nothing rebuilt.
    const again = await build.buildImage({ contextDir: repo.dir, imageRepo, version });
    assert.equal(again.skipped, true);
    assert.equal(again.imageId, first.imageId);
  });

  it('pushes version and commit tags, returns a verified digest, and skips the re-push', async () => {
    const tags = [version.imageTag, `sha-${version.shortCommit}`];
    const pushed = await registry.pushImage({ imageRepo, tags });
    assert.equal(pushed.skipped, false);
    assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(pushed.imageRef, `${imageRepo}@${pushed.digest}`);
    digest = pushed.digest;

    // Independent check over the registry API with both manifest media types accepted.
    for (const tag of tags) {
      const res = await fetch(`http://${REGISTRY}/v2/${service}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('docker-content-digest'), digest);
    }
    const again = await registry.pushImage({ imageRepo, tags });
    assert.deepEqual(again, { ...pushed, skipped: true });
  });

  it('pulls by digest and runs it: stamped /version, no pprof, metrics by code', async () => {
    await removeImage(docker, `${imageRepo}:${version.imageTag}`);
    await removeImage(docker, `${imageRepo}:sha-${version.shortCommit}`);
    await assert.rejects(docker.getImage(`${imageRepo}@${digest}`).inspect(), 'local copy removed before the pull');
    const pull = (await docker.pull(`${imageRepo}@${digest}`)) as NodeJS.ReadableStream;
    assert.equal(streamError(await followDockerStream(pull, () => undefined)), undefined);

    const port = await freePort();
    const container = await docker.createContainer({
      Image: `${imageRepo}@${digest}`,
      name: `${service}-run`,
      Env: [`ADDR=127.0.0.1:${port}`, 'DRAIN_DELAY=0s'],
      Labels: { 'io.sluice.test': service },
      HostConfig: { NetworkMode: 'host' },
    });
    containers.push(container);
    await container.start();
    const res = await waitForHttp(`http://127.0.0.1:${port}/version`);
    assert.deepEqual(await res.json(), { version: version.version, commit: version.commit });
    assert.equal((await fetch(`http://127.0.0.1:${port}/debug/pprof/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), new RegExp(version.version.replace(/[.+]/g, '\\$&')));
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /http_requests_total\{code="200",handler="root"\} 1/);
    assert.match(metrics, /http_request_duration_seconds_bucket\{code="200",handler="version"/);

    await container.stop({ t: 5 });
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    // JSON logs: every line that carries an object parses and names the version.
    const lines = logs
      .split('\n')
      .map((l) => l.slice(l.indexOf('{')))
      .filter((l) => l.startsWith('{'));
    assert.ok(lines.length >= 2);
    for (const l of lines) assert.equal(JSON.parse(l).version, version.version);
    assert.ok(
      lines.some((l) => JSON.parse(l).msg === 'draining'),
      'SIGTERM drains before exit',
    );
  });

  it('builds the versioned binary into the artifact store once, and lists the release', async () => {
    const first = await build.buildBinary({ sourceDir: repo.dir, service, version });
    assert.equal(first.skipped, false);
    assert.equal(first.binaryPath, join(store, service, version.imageTag, service));
    assert.equal(readFileSync(`${first.binaryPath}.sha256`, 'utf8'), `${first.sha256}  ${service}\n`);
    const meta = JSON.parse(readFileSync(join(store, service, version.imageTag, 'metadata.json'), 'utf8'));
    assert.equal(meta.commit, version.commit);
    const port = await freePort();
    const child = spawn(first.binaryPath, ['--addr', `127.0.0.1:${port}`, '--drain-delay', '0s'], { stdio: 'ignore' });
    try {
      const res = await waitForHttp(`http://127.0.0.1:${port}/version`);
      assert.deepEqual(await res.json(), { version: version.version, commit: version.commit });
    } finally {
      child.kill('SIGTERM');
    }

    const again = await build.buildBinary({ sourceDir: repo.dir, service, version });
    assert.deepEqual({ ...again, durationMs: 0 }, { ...first, skipped: true, durationMs: 0 });

    const releases = await registry.listReleases({ service, imageRepo });
    assert.equal(releases.length, 1);
    assert.equal(releases[0].imageTag, version.imageTag);
    assert.equal(releases[0].digest, digest);
    assert.equal(releases[0].binaryPath, first.binaryPath);
    assert.equal(releases[0].commit, version.commit);
  });
});
