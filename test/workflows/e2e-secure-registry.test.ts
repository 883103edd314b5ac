/**
 * End to end through a registry that wants credentials and speaks only TLS
 * (src/dev/components/registry-secure.ts, a test's own instance): real workers
 * (createSluiceActivities) build the example service from git on the stack's dockerd, push it
 * with the worker's credentials over https, and the docker target deploys it by digest on a
 * simulated host's engine (src/dev/components/docker-host.ts), which has never seen the image and
 * pulls it from the registry with the same credentials; HAProxy in front. One worker has its
 * credentials in its environment (SLUICE_REGISTRY_USERNAME/PASSWORD), the other in a Docker
 * config.json (SLUICE_REGISTRY_AUTH_FILE); both trust the registry's CA through
 * SLUICE_REGISTRY_CA_FILE. The raw histories of the releases (and of a rollback, which lists the
 * registry's tags) hold no password, and neither do the workers' logs. The process target reads
 * binaries from the artifact store, never from a registry, so it has nothing to pull here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type Docker from 'dockerode';
import pino from 'pino';
import { RegistryClient } from '../../src/activities/registry';
import { createTarget } from '../../src/activities/targets/registry';
import { dockerClientFor } from '../../src/activities/targets/docker/engine';
import {
  namedSecureRegistry,
  SECURE_REGISTRY_USER,
  startSecureRegistry,
  stopSecureRegistry,
  type SecureRegistry,
  type SecureRegistryInstance,
} from '../../src/dev/components/registry-secure';
import { startDockerHost, stopDockerHost, type DockerHost } from '../../src/dev/components/docker-host';
import { ErrorType } from '../../src/domain/errors';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import type { Release } from '../../src/domain/release';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow, rollbackWorkflow } from '../../src/workflows';
import { deployWorkflowId, rollbackWorkflowId } from '../../src/workflows/ids';
import { adapterConfigFromStack } from '../../src/worker/adapters';
import { baseImages, exampleRepo, type TestRepo } from '../build/helpers';
import { catalogue, dockerClient, freePort, stack, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock } from '../targets/fixtures';
import { startE2eWorker, versionsThroughRouter, type E2eWorker } from './support/e2e';
import { readableHistory } from '../helpers/history-text';

const ADDRESS = '127.0.0.2';
const service = uniqueName('e2esreg').slice(0, 40);
const hostName = uniqueName('sreg-host').slice(0, 40);
let registryInstance: SecureRegistryInstance;
let registry: SecureRegistry;
let password: string;
let imageRepo: string;
let host: DockerHost;
let remote: Docker;
let repo: TestRepo;
let listenPort: number;
let basePort: number;
let fromEnv: E2eWorker;
let fromFile: E2eWorker;
const logLines: string[] = [];
const releases: Release[] = [];

const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 2000 } });
const target = () => ({ kind: 'docker' as const, settings: { engine: host.engine, host: ADDRESS, basePort, env: FAST_STOP_ENV, stopTimeoutSec: 5, readyTimeoutMs: 30000 } });

/** The worker's environment: ours without any registry setting of the machine's, plus these. */
function workerEnv(registryEnv: Record<string, string>, build: { builderImage: string; runtimeImage: string }): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLUICE_REGISTRY_')));
  return { ...env, SLUICE_BUILDER_IMAGE: build.builderImage, SLUICE_RUNTIME_IMAGE: build.runtimeImage, SLUICE_REGISTRY_CA_FILE: registry.files.caCert, ...registryEnv };
}

function capturingLogger(): pino.Logger {
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, cb) {
        logLines.push(chunk.toString());
        cb();
      },
    }),
  );
}

function deploy(worker: E2eWorker, strategy: ReleaseSpecInput['strategy']) {
  const spec = validateReleaseSpec(
    {
      service,
      environment: 'e2e',
      source: { kind: 'build', repoDir: repo.dir, imageRepo },
      target: target(),
      router: router(),
      strategy,
      healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
    } satisfies ReleaseSpecInput,
    catalogue,
  );
  return worker.client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: worker.taskQueue, workflowId: deployWorkflowId(service, 'e2e'), args: [spec] });
}

/** The password, and the forms it travels in (basic auth, a Docker config's `auth`), none of which may appear in `text`. */
function assertNoPassword(text: string, where: string): void {
  for (const secret of [password, Buffer.from(password).toString('base64'), Buffer.from(`${SECURE_REGISTRY_USER}:${password}`).toString('base64')]) {
    assert.ok(!text.includes(secret), `the registry password leaked into ${where}`);
  }
}

before(async () => {
  registryInstance = namedSecureRegistry(stack, uniqueName('sreg').slice(0, 40), await freePort());
  registry = await startSecureRegistry(registryInstance);
  password = readFileSync(registry.files.passwordFile, 'utf8').trim();
  imageRepo = `${registry.address}/${service}`;
  host = await startDockerHost({ stack, name: hostName, address: ADDRESS, port: await freePort(ADDRESS) });
  remote = dockerClientFor(host.engine);
  listenPort = await freePort();
  basePort = await freePortBlock(5, ADDRESS);
  repo = exampleRepo('v1.0.0');
  const logger = capturingLogger();
  const build = await baseImages(dockerClient());
  fromEnv = await startE2eWorker('sreg-env', { logger, env: workerEnv({ SLUICE_REGISTRY_USERNAME: SECURE_REGISTRY_USER, SLUICE_REGISTRY_PASSWORD: password }, build) });
  fromFile = await startE2eWorker('sreg-file', { logger, env: workerEnv({ SLUICE_REGISTRY_AUTH_FILE: registry.files.authFile }, build) });
});

after(async () => {
  const ref = () => ({ service, environment: 'e2e', target: target(), router: router() });
  if (host) await fromFile?.stop(ref, releases);
  if (host) await fromEnv?.stop(ref, []);
  for (const r of releases) {
    for (const tag of [r.imageTag, `sha-${r.commit.slice(0, 7)}`])
      await fromEnv?.docker
        .getImage(`${imageRepo}:${tag}`)
        .remove({ force: true })
        .catch(() => undefined);
  }
  // Stopping the engine stops whatever a failed test left on it; the state dirs go too.
  await stopDockerHost(stack.stateDir, hostName, { removeState: true });
  if (registryInstance) await stopSecureRegistry(registryInstance, { removeState: true });
  repo?.remove();
});

test('build → push → pull by digest → deploy through the secure registry, credentials from the environment, then from a Docker config file', { timeout: 600000 }, async () => {
  const histories: { id: string; runId?: string; worker: E2eWorker }[] = [];

  // First release: the worker whose credentials are in its environment.
  const first = await deploy(fromEnv, { kind: 'recreate' });
  histories.push({ id: first.workflowId, runId: first.firstExecutionRunId, worker: fromEnv });
  const v1 = await settleDeployment(first.result());
  assert.equal(v1.outcome, 'promoted', v1.message);
  releases.push(v1.release!);
  assert.match(v1.release?.imageRef ?? '', new RegExp(`^${imageRepo.replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}$`), 'pinned by digest in the secure registry');
  // The simulated host's engine never built it: it holds the image because it pulled it by digest.
  const pulled = await remote.getImage(v1.release!.imageRef!).inspect();
  assert.ok(pulled.RepoDigests.includes(v1.release!.imageRef!), `pulled by digest: ${pulled.RepoDigests.join(', ')}`);
  assert.deepEqual(await versionsThroughRouter(listenPort, 6), { [v1.release!.version]: 6 });

  // Second release: the worker whose credentials are in a Docker config.json; a canary.
  repo.commit('feat: a second version');
  repo.git('tag', 'v1.1.0');
  const second = await deploy(fromFile, { kind: 'canary', steps: [{ setWeight: 50 }, { pause: { duration: '1s' } }], scaleDownDelay: '0s' });
  histories.push({ id: second.workflowId, runId: second.firstExecutionRunId, worker: fromFile });
  const v2 = await settleDeployment(second.result());
  assert.equal(v2.outcome, 'promoted', v2.message);
  releases.push(v2.release!);
  assert.ok((await remote.getImage(v2.release!.imageRef!).inspect()).RepoDigests.includes(v2.release!.imageRef!), 'the second image pulled by digest too');
  assert.deepEqual(await versionsThroughRouter(listenPort, 6), { [v2.release!.version]: 6 });

  // The registry holds both releases under their version and commit tags (read with the CA and the password).
  const client = new RegistryClient({ host: registry.address, caFile: registry.files.caCert, credentials: { username: SECURE_REGISTRY_USER, password } });
  const tags = (await client.listTags(service)).sort();
  assert.deepEqual(tags, [v1.release!.imageTag, v2.release!.imageTag, `sha-${v1.release!.commit.slice(0, 7)}`, `sha-${v2.release!.commit.slice(0, 7)}`].sort());

  // A rollback lists the retained releases from the registry's tags (the auth-file worker).
  const back = await fromFile.client.workflow.start<typeof rollbackWorkflow>('rollbackWorkflow', {
    taskQueue: fromFile.taskQueue,
    workflowId: `${rollbackWorkflowId(service, 'e2e')}/${Date.now()}`,
    args: [{ service, environment: 'e2e', target: target(), router: router(), imageRepo, toVersion: v1.release!.version }],
  });
  histories.push({ id: back.workflowId, runId: back.firstExecutionRunId, worker: fromFile });
  const rolled = await back.result();
  assert.equal(rolled.outcome, 'rolled-back', rolled.message);
  assert.equal(rolled.to?.imageRef, v1.release!.imageRef);
  assert.deepEqual(await versionsThroughRouter(listenPort, 6), { [v1.release!.version]: 6 });

  // The raw histories: every payload decoded, no password in any form; the registry work is in them.
  for (const h of histories) {
    const text = await readableHistory(await h.worker.client.workflow.getHandle(h.id, h.runId).fetchHistory());
    assert.ok(text.includes(imageRepo), `history of ${h.id} decoded (positive control)`);
    assertNoPassword(text, `the history of ${h.id}`);
    assert.ok(!/SluiceRegistry(Auth|Tls|Unavailable)/.test(text), `no registry failure in the history of ${h.id}`);
  }
  const deployHistory = await readableHistory(await fromEnv.client.workflow.getHandle(first.workflowId, first.firstExecutionRunId).fetchHistory());
  for (const activity of ['pushImage', 'pruneReleases']) assert.ok(deployHistory.includes(activity), `${activity} ran`);
  const memo = (await fromFile.client.workflow.getHandle(second.workflowId, second.firstExecutionRunId).describe()).memo;
  assertNoPassword(JSON.stringify(memo), 'the memo');

  const logs = logLines.join('');
  assert.ok(logs.includes('"msg":"pushed"'), 'the workers’ logs are captured (positive control)');
  assertNoPassword(logs, "the workers' logs");
  assertNoPassword(readFileSync(registryInstance.logFile, 'utf8'), "the registry's log");
});

test('an engine pulling without credentials, or with a wrong password, fails typed SluiceRegistryAuth before anything starts', { timeout: 120000 }, async () => {
  // An image the simulated host has never pulled: the stack's static base, pushed with the password.
  const local = dockerClient();
  const probe = `${imageRepo}-probe`;
  await local.getImage('sluice-local/static:1').tag({ repo: probe, tag: 'v0.0.1-aaa1111' });
  const stream = (await local
    .getImage(probe)
    .push({ tag: 'v0.0.1-aaa1111', authconfig: { username: SECURE_REGISTRY_USER, password, serveraddress: registry.address } })) as unknown as NodeJS.ReadableStream;
  const events = await new Promise<{ error?: string; aux?: { Digest?: string } }[]>((resolve, reject) =>
    local.modem.followProgress(stream, (err: Error | null, out: { error?: string; aux?: { Digest?: string } }[]) => (err ? reject(err) : resolve(out))),
  );
  assert.equal(events.find((e) => e.error)?.error, undefined);
  const digest = events.find((e) => e.aux?.Digest)?.aux?.Digest;
  assert.ok(digest, 'pushed');
  try {
    const wrong = `wrong-${Math.random().toString(36).slice(2)}`;
    const scope = { service: `${service}-probe`.slice(0, 40), environment: 'e2e', workflowId: 'e2e-sreg-probe' };
    const release: Release = { service: scope.service, version: '0.0.1+aaa1111', imageTag: 'v0.0.1-aaa1111', commit: 'aaa1111', imageRef: `${probe}@${digest}` };
    for (const env of [{}, { SLUICE_REGISTRY_USERNAME: SECURE_REGISTRY_USER, SLUICE_REGISTRY_PASSWORD: wrong }]) {
      const docker = createTarget('docker', { ...target().settings, basePort: await freePortBlock(5, ADDRESS) }, adapterConfigFromStack(stack, { env }));
      await assert.rejects(docker.deployCandidate(scope, 'canary', { release }), (err: Error & { type?: string }) => {
        assert.equal(err.type, ErrorType.RegistryAuth, err.message);
        assert.match(err.message, /refused the pull of .*set SLUICE_REGISTRY_USERNAME\/SLUICE_REGISTRY_PASSWORD or SLUICE_REGISTRY_AUTH_FILE/);
        assert.ok(!err.message.includes(wrong) && !err.message.includes(password));
        return true;
      });
    }
    assert.deepEqual(await remote.listContainers({ all: true, filters: JSON.stringify({ label: [`sluice.service=${scope.service}`] }) }), [], 'nothing started');
  } finally {
    await local
      .getImage(`${probe}:v0.0.1-aaa1111`)
      .remove()
      .catch(() => undefined);
  }
});
