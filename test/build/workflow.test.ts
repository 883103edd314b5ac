import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import type Docker from 'dockerode';
import pino from 'pino';
import { createBuildActivities } from '../../src/activities/build';
import { createRegistryActivities, RegistryClient } from '../../src/activities/registry';
import { loadRegistryCredentials } from '../../src/activities/registry/credentials';
import { dataConverterOption, nativeConnection, temporalClient } from '../helpers/stack';
import { REGISTRY, type TestRepo, baseImages, buildArgsFor, dockerClient, exampleRepo, removeImage, requireStack, stack, uniqueId } from './helpers';
import type { BuildAndPushResult, CrashOnceActivities } from './workflows';
import { readableHistory } from '../helpers/history-text';

describe('build + push as Temporal activities', { timeout: 600_000 }, () => {
  const id = uniqueId('wf-build').toLowerCase();
  const service = id;
  const imageRepo = `${REGISTRY}/${service}`;
  const secret = `s3cret-${Math.random().toString(36).slice(2)}-pw`;
  const logLines: string[] = [];
  let docker: Docker;
  let repo: TestRepo;
  let result: BuildAndPushResult | undefined;

  before(async () => {
    docker = dockerClient();
    await requireStack(docker);
    repo = exampleRepo('v2.0.0');
    repo.commit('fix: tolerate empty config');
  });

  after(async () => {
    if (result) {
      await new RegistryClient({ host: REGISTRY }).deleteManifest(service, result.push.digest).catch(() => undefined);
      for (const tag of [result.version.imageTag, `sha-${result.version.shortCommit}`]) await removeImage(docker, `${imageRepo}:${tag}`);
    }
    repo?.remove();
  });

  it('runs on the dev server, survives a crash after each side effect without redoing it, and keeps the password out of history', async () => {
    const env = { SLUICE_REGISTRY_USERNAME: 'sluice-ci', SLUICE_REGISTRY_PASSWORD: secret };
    // The worker really holds the credential (and would send it on a registry challenge).
    assert.equal(loadRegistryCredentials(REGISTRY, env)?.password, secret);
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, cb) {
          logLines.push(chunk.toString());
          cb();
        },
      }),
    );
    const base = await baseImages(docker);
    const build = createBuildActivities({ docker, artifactStore: `${stack.stateDir}/unused-${id}`, logger, defaultBuildArgs: buildArgsFor(base) });
    const registry = createRegistryActivities({ docker, artifactStore: `${stack.stateDir}/unused-${id}`, logger, env });
    const attempts: Record<string, boolean[]> = { build: [], push: [] };
    const crashOnce: CrashOnceActivities = {
      async buildImageCrashOnce(input) {
        const res = await build.buildImage(input);
        attempts.build.push(res.skipped);
        if (Context.current().info.attempt === 1) throw new Error('simulated worker crash after the image was built');
        return res;
      },
      async pushImageCrashOnce(input) {
        const res = await registry.pushImage(input);
        attempts.push.push(res.skipped);
        if (Context.current().info.attempt === 1) throw new Error('simulated worker crash after the push');
        return res;
      },
    };

    const taskQueue = `tq-${id}`;
    const worker = await Worker.create({
      connection: await nativeConnection(),
      ...dataConverterOption(),
      namespace: stack.temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: { resolveVersion: build.resolveVersion, generateChangelog: build.generateChangelog, ...crashOnce },
    });
    const { client, connection } = await temporalClient();
    try {
      const handle = await client.workflow.start('buildAndPushWorkflow', {
        taskQueue,
        workflowId: id,
        args: [{ repoDir: repo.dir, service, imageRepo }],
        workflowExecutionTimeout: '10m',
      });
      result = (await worker.runUntil(handle.result())) as BuildAndPushResult;

      assert.equal(result.version.version, `2.0.1-dev.1+${repo.short()}`);
      assert.equal(result.changelog.bump, 'patch');
      assert.equal(result.changelog.nextVersion, '2.0.1');
      assert.match(result.push.imageRef, new RegExp(`^${imageRepo.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
      // First attempt did the work and "crashed"; the retry found it and did nothing twice.
      assert.deepEqual(attempts, { build: [false, true], push: [false, true] });
      assert.equal(result.build.skipped, true);
      assert.equal(result.push.skipped, true);

      // Read as someone who may decrypt payloads would (the suite's codec key, when it has one).
      const text = await readableHistory(await handle.fetchHistory());
      assert.ok(text.includes(result.push.imageRef), 'history payloads are decoded (positive control)');
      assert.ok(text.includes('simulated worker crash after the push'), 'failures are in the scanned text too');
      assert.ok(!text.includes(secret), 'registry password leaked into workflow history');
      assert.ok(!text.includes(Buffer.from(secret).toString('base64')), 'base64 registry password leaked into workflow history');
      const logs = logLines.join('');
      assert.ok(logs.includes('"msg":"pushed"'), 'activity logs captured (positive control)');
      assert.ok(logs.includes(`"workflowId":"${id}"`), 'activity logs carry the workflow id');
      assert.ok(!logs.includes(secret), 'registry password leaked into logs');
    } finally {
      await connection.close();
    }
  });
});
