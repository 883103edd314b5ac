import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import pino from 'pino';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import { createBuildActivities } from '../../src/activities/build';
import { createRegistryActivities } from '../../src/activities/registry';
import { registryAddress } from '../../src/dev/config';
import { settleDeployment } from '../../src/domain/result';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { createWorker } from '../../src/worker/worker';
import { dataConverterOption, nativeConnection, stack, temporalClient, uniqueName } from '../helpers/stack';
import { createFileTargetActivities, FILE_FAKE_IMAGE, fileFakeCatalogue, readState, writeState } from './support/file-target';
import { release, workflowBundle } from './support/harness';
import { startHealthServer } from './support/health-server';

/**
 * The build path of deployWorkflow with the real build and registry activities (git, docker
 * build on the stack's dockerd, push to the stack's registry): proves the ports in
 * src/domain/ports.ts match the real factories at run time, not only at compile time.
 */
const service = uniqueName('wfbuild').slice(0, 40);
const imageRepo = `${registryAddress(stack)}/${service}`;
let dir: string;
let repo: string;
let docker: Docker;
let client: Client;
let connection: Connection;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let health: Awaited<ReturnType<typeof startHealthServer>>;

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' },
  }).trim();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-wfbuild-'));
  repo = join(dir, 'repo');
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', repo]);
  writeFileSync(join(repo, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  writeFileSync(join(repo, 'hello.txt'), 'v1\n');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'feat: first');
  git('tag', 'v1.1.0');
  writeFileSync(join(repo, 'hello.txt'), 'v2\n');
  git('commit', '--quiet', '-am', 'feat: greet in version two');
  git('tag', 'v1.2.0');

  docker = new Docker({ socketPath: stack.docker.socket });
  health = await startHealthServer();
  ({ client, connection } = await temporalClient());
  native = await nativeConnection();
  const logger = pino({ level: 'warn' });
  const artifactStore = join(dir, 'artifacts');
  const fileTarget = createFileTargetActivities({ dir, healthBase: health.base });
  worker = await createWorker({
    connection: native,
    namespace: stack.temporal.namespace,
    taskQueue: service,
    // Real build and registry activities; the file target stands in for docker + HAProxy.
    activities: { ...fileTarget, ...createBuildActivities({ docker, artifactStore, logger }), ...createRegistryActivities({ docker, artifactStore, logger }) },
    workflowBundle: await workflowBundle(),
    ...dataConverterOption(),
  });
  running = worker.run();
});

after(async () => {
  worker?.shutdown();
  await running;
  await native?.close();
  await connection?.close();
  await health?.close();
  for (const image of await docker.listImages({ filters: JSON.stringify({ reference: [`${imageRepo}`] }) }).catch(() => [])) {
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a release built from git is versioned, built, pushed by digest, deployed and its changelog kept in the memo', { timeout: 300000 }, async () => {
  const short = git('rev-parse', '--short=7', 'HEAD');
  writeState(dir, service, 'test', { stable: release(service, `1.1.0+${git('rev-parse', '--short=7', 'v1.1.0')}`), canary: null, preview: null, warm: [] });
  const spec = validateReleaseSpec(
    {
      service,
      environment: 'test',
      source: { kind: 'build', repoDir: repo, imageRepo },
      // The file fake that runs images: the build and push are real, the deploy is not.
      target: { kind: FILE_FAKE_IMAGE },
      strategy: { kind: 'canary', steps: [{ setWeight: 50 }] },
    },
    fileFakeCatalogue,
  );
  const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: service, workflowId: deployWorkflowId(service, 'test'), args: [spec] });
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.equal(res.release?.version, `1.2.0+${short}`);
  assert.equal(res.release?.imageTag, `v1.2.0-${short}`);
  assert.match(res.release?.imageRef ?? '', new RegExp(`^${imageRepo.replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}$`));
  assert.ok((res.phaseDurations.building ?? 0) > 0 && (res.phaseDurations.pushing ?? 0) > 0);
  assert.equal(readState(dir, service, 'test').stable?.imageRef, res.release?.imageRef, 'the target received the digest-pinned image');

  const tags = (await (await fetch(`http://${imageRepo.replace(`/${service}`, '')}/v2/${service}/tags/list`)).json()) as { tags: string[] };
  assert.deepEqual(tags.tags.sort(), [`sha-${short}`, `v1.2.0-${short}`].sort(), 'version and commit tags pushed');

  const description = await handle.describe();
  assert.equal(description.memo?.version, `1.2.0+${short}`);
  assert.match(String(description.memo?.changelog), /greet in version two/);
});
