import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import pino from 'pino';
import { createBuildActivities, type ResolvedVersion } from '../../src/activities/build';
import { createRegistryActivities } from '../../src/activities/registry';
import { REGISTRY, type TestRepo, baseImages, buildArgsFor, dockerClient, exampleRepo, freePort, removeDir, removeImage, requireStack, tempDir, uniqueId } from './helpers';
import { ErrorType } from '../../src/domain/errors';

function isFailure(type: string, nonRetryable: boolean, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
    assert.equal(err.type, type);
    assert.equal(err.nonRetryable, nonRetryable);
    assert.match(err.message, message);
    return true;
  };
}

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  return docker
    .getImage(ref)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

describe('bad input gives a clear error and leaves nothing behind', { timeout: 300_000 }, () => {
  const service = uniqueId('bad').toLowerCase();
  const imageRepo = `${REGISTRY}/${service}`;
  const logger = pino({ level: 'silent' });
  let docker: Docker;
  let repo: TestRepo;
  let store: string;
  let build: ReturnType<typeof createBuildActivities>;
  let registry: ReturnType<typeof createRegistryActivities>;
  let version: ResolvedVersion;
  const images: string[] = [];

  before(async () => {
    docker = dockerClient();
    await requireStack(docker);
    const base = await baseImages(docker);
    repo = exampleRepo('v0.9.0');
    store = tempDir('artifacts-bad');
    build = createBuildActivities({ docker, artifactStore: store, logger, defaultBuildArgs: buildArgsFor(base) });
    registry = createRegistryActivities({ docker, artifactStore: store, logger, env: {} });
    version = await build.resolveVersion({ repoDir: repo.dir, service });
  });

  after(async () => {
    for (const ref of images) await removeImage(docker, ref);
    repo?.remove();
    if (store) removeDir(store);
  });

  it('missing Dockerfile', async () => {
    const dir = tempDir('nodockerfile');
    try {
      writeFileSync(join(dir, 'main.go'), 'package main\n');
      await assert.rejects(build.buildImage({ contextDir: dir, imageRepo, version }), isFailure(ErrorType.MissingDockerfile, true, /no Dockerfile at .*Dockerfile/));
      await assert.rejects(
        build.buildImage({ contextDir: repo.dir, dockerfile: '../outside/Dockerfile', imageRepo, version }),
        isFailure(ErrorType.InvalidBuildInput, true, /must be inside the build context/),
      );
      assert.equal(await imageExists(docker, `${imageRepo}:${version.imageTag}`), false);
    } finally {
      removeDir(dir);
    }
  });

  it('bad image tag, repository or version', async () => {
    await assert.rejects(
      build.buildImage({ contextDir: repo.dir, imageRepo, version: { ...version, imageTag: 'v1.0.0+abc' } }),
      isFailure(ErrorType.InvalidBuildInput, true, /version\.imageTag: image tag must match/),
    );
    await assert.rejects(
      build.buildImage({ contextDir: repo.dir, imageRepo: `${REGISTRY}/UpperCase`, version }),
      isFailure(ErrorType.InvalidBuildInput, true, /imageRepo: image repository must look like/),
    );
    await assert.rejects(
      build.buildImage({ contextDir: repo.dir, imageRepo, version: { ...version, commit: 'not-a-sha' } }),
      isFailure(ErrorType.InvalidBuildInput, true, /version\.commit/),
    );
    await assert.rejects(build.resolveVersion({ repoDir: repo.dir, service: 'Not_A_Label' }), isFailure(ErrorType.InvalidBuildInput, true, /service: must be a DNS label/));
    await assert.rejects(
      build.generateChangelog({ repoDir: repo.dir, toRef: '--output=/tmp/x' }),
      isFailure(ErrorType.InvalidBuildInput, true, /toRef: a ref may not start with -/),
    );
    await assert.rejects(registry.pushImage({ imageRepo: service, tags: ['v1.0.0-abcdef0'] }), isFailure(ErrorType.InvalidBuildInput, true, /must start with a registry host/));
    await assert.rejects(registry.pushImage({ imageRepo, tags: [] }), isFailure(ErrorType.InvalidBuildInput, true, /tags/));
  });

  it('a failing build step is non-retryable, names the step, and tags nothing', async () => {
    writeFileSync(join(repo.dir, 'broken.go'), 'package main\n\nfunc broken() { undefinedThing() }\n');
    try {
      const v = { ...version, imageTag: `${version.imageTag}-broken`, version: version.version.replace('+', '-broken+') };
      await assert.rejects(
        build.buildImage({ contextDir: repo.dir, imageRepo, version: v }),
        isFailure(ErrorType.ImageBuildFailed, true, /failed at "Step \d+\/\d+ : RUN go build[\s\S]*undefined: undefinedThing/),
      );
      assert.equal(await imageExists(docker, `${imageRepo}:${v.imageTag}`), false);
      await assert.rejects(build.buildBinary({ sourceDir: repo.dir, service, version: v }), isFailure(ErrorType.BinaryBuildFailed, true, /undefined: undefinedThing/));
      // Nothing in the store: no release dir, no temp dir left from the failed build.
      assert.deepEqual(readdirSync(join(store, service)), []);
    } finally {
      rmSync(join(repo.dir, 'broken.go'));
    }
  });

  it('pushing an image that was never built', async () => {
    await assert.rejects(
      registry.pushImage({ imageRepo, tags: ['v9.9.9-abcdef0'] }),
      isFailure(ErrorType.ImageNotFound, true, /no local image .*v9\.9\.9-abcdef0; build it before pushing/),
    );
  });

  it('unreachable registry: retryable error, no new local tags', async () => {
    const port = await freePort();
    const deadRepo = `127.0.0.1:${port}/${service}`;
    const tag = version.imageTag;
    // A real local image under the dead registry's name (tagging an existing base is enough).
    await docker.getImage('sluice-local/static:1').tag({ repo: deadRepo, tag });
    images.push(`${deadRepo}:${tag}`, `${deadRepo}:sha-${version.shortCommit}`);
    await assert.rejects(
      registry.pushImage({ imageRepo: deadRepo, tags: [tag, `sha-${version.shortCommit}`] }),
      isFailure(ErrorType.RegistryUnavailable, false, new RegExp(`registry 127\\.0\\.0\\.1:${port} is unreachable \\(GET /v2/\\): ECONNREFUSED`)),
    );
    assert.equal(await imageExists(docker, `${deadRepo}:sha-${version.shortCommit}`), false, 'no alias tag created before the registry answered');
    await assert.rejects(registry.listReleases({ service, imageRepo: deadRepo }), isFailure(ErrorType.RegistryUnavailable, false, /unreachable/));
  });

  it('bad credentials file is refused without echoing its content', async () => {
    const dir = tempDir('authfile');
    try {
      const file = join(dir, 'auth.json');
      writeFileSync(file, 'not json hunter2');
      const r = createRegistryActivities({ docker, artifactStore: store, logger, env: { SLUICE_REGISTRY_AUTH_FILE: file } });
      await assert.rejects(r.listReleases({ service, imageRepo }), (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure);
        assert.equal(err.type, ErrorType.RegistryAuth);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      });
      assert.equal(existsSync(file), true);
    } finally {
      removeDir(dir);
    }
  });
});
