/**
 * End to end on the real stack, with the docker target on a REMOTE engine: a simulated host
 * (127.0.0.2) runs its own dockerd with --tlsverify on tcp://127.0.0.2:<port>
 * (src/dev/components/docker-host.ts); the worker reaches it only over TCP with our client
 * certificate, pulls the example service from the stack's registry there, and the containers
 * answer on 127.0.0.2. Releases go through deployWorkflow and rollbackWorkflow behind HAProxy:
 * first release, canary promotion, a bad canary rolled back, a named rollback to a release no
 * longer running. Also: a client without our certificate (or with another CA's) is refused by the
 * engine, our client refuses an engine it cannot verify, and the worker's DOCKER_HOST path reaches
 * the same engine through AdapterConfig.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, test } from 'node:test';
import type Docker from 'dockerode';
import pino from 'pino';
import { createDeployActivities } from '../../src/activities/deploy';
import { dockerClientFor } from '../../src/activities/targets/docker/engine';
import { createTarget } from '../../src/activities/targets/registry';
import { dockerHostPaths, ensureDockerHostCertificates, startDockerHost, stopDockerHost, type DockerHost } from '../../src/dev/components/docker-host';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import type { RollbackRequest } from '../../src/domain/status';
import { validateReleaseSpec } from '../../src/domain/validate';
import { registryAddress } from '../../src/dev/config';
import type { deployWorkflow, rollbackWorkflow } from '../../src/workflows';
import { deployWorkflowId, rollbackWorkflowId } from '../../src/workflows/ids';
import { adapterConfigFromStack, dockerEngineFromEnv } from '../../src/worker/adapters';
import { catalogue, freePort, stack, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceImage } from '../targets/fixtures';
import { startE2eWorker, versionsThroughRouter, type E2eWorker } from './support/e2e';
import { release } from './support/harness';

const ADDRESS = '127.0.0.2';
const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const BAD = '1.2.0+ccc3333';
const service = uniqueName('e2etls').slice(0, 40);
const hostName = uniqueName('tls').slice(0, 40);
let host: DockerHost;
let remote: Docker;
let listenPort: number;
let basePort: number;
let images: Record<string, string>;
let e2e: E2eWorker;

const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 2000 } });
const target = () => ({
  kind: 'docker' as const,
  settings: {
    engine: host.engine,
    host: ADDRESS,
    basePort,
    env: FAST_STOP_ENV,
    stopTimeoutSec: 5,
    readyTimeoutMs: 30000,
    releaseEnv: { [BAD]: { FAULT_HEALTHZ_FAIL: 'true' } },
  },
});

function deploy(version: string, strategy: ReleaseSpecInput['strategy']) {
  const spec = validateReleaseSpec(
    {
      service,
      environment: 'e2e',
      source: { kind: 'prebuilt', version, imageRef: images[version]! },
      target: target(),
      router: router(),
      strategy,
      healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
    } satisfies ReleaseSpecInput,
    catalogue,
  );
  return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: e2e.taskQueue, workflowId: deployWorkflowId(service, 'e2e'), args: [spec] });
}

function rollbackTo(toVersion: string) {
  const req: RollbackRequest = { service, environment: 'e2e', target: target(), router: router(), imageRepo: `${registryAddress(stack)}/${service}`, toVersion };
  return e2e.client.workflow.execute<typeof rollbackWorkflow>('rollbackWorkflow', {
    taskQueue: e2e.taskQueue,
    workflowId: `${rollbackWorkflowId(service, 'e2e')}/${Date.now()}`,
    args: [req],
  });
}

async function containersOn(docker: Docker): Promise<{ version: string; role: string; state: string; env: string[] }[]> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`sluice.service=${service}`] }) });
  return Promise.all(
    list.map(async (c) => ({
      version: c.Labels['sluice.release'] ?? '',
      role: c.Labels['sluice.role'] ?? '',
      state: c.State,
      env: (await docker.getContainer(c.Id).inspect()).Config.Env,
    })),
  );
}

/** The version answering at 127.0.0.X:port directly, or the error when nothing does. */
async function versionAt(address: string, port: number): Promise<string> {
  try {
    const res = await fetch(`http://${address}:${port}/version`, { signal: AbortSignal.timeout(2000), headers: { connection: 'close' } });
    return ((await res.json()) as { version: string }).version;
  } catch (err) {
    return `error ${((err as Error).cause as { code?: string } | undefined)?.code ?? (err as Error).message}`;
  }
}

/** A GET of /_ping over TLS with the given client material; the status, or the error that ended it. */
function pingWith(tls: { ca?: Buffer; cert?: Buffer; key?: Buffer }): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: ADDRESS, port: host.port, path: '/_ping', method: 'GET', ...tls, timeout: 5000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(`HTTP ${res.statusCode}`));
      res.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
    req.end();
  });
}

before(async () => {
  host = await startDockerHost({ stack, name: hostName, address: ADDRESS, port: await freePort(ADDRESS) });
  remote = dockerClientFor(host.engine);
  listenPort = await freePort();
  basePort = await freePortBlock(5, ADDRESS);
  e2e = await startE2eWorker('e2etls');
  // Built on the stack's engine and pushed to its registry; the remote engine pulls them by digest.
  const [i1, i2, i3] = await Promise.all([serviceImage(e2e.docker, service, V1), serviceImage(e2e.docker, service, V2), serviceImage(e2e.docker, service, BAD)]);
  images = { [V1]: i1, [V2]: i2, [BAD]: i3 };
});

after(async () => {
  if (host && e2e) {
    await e2e.stop(
      () => ({ service, environment: 'e2e', target: target(), router: router() }),
      [V1, V2, BAD].map((v) => ({ ...release(service, v), imageRef: images?.[v] })),
    );
  }
  for (const ref of Object.values(images ?? {}))
    await e2e?.docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
  // Stopping the engine stops whatever a failed test left running on it; its state dir goes too.
  await stopDockerHost(stack.stateDir, hostName, { removeState: true });
});

test('the simulated host keeps its keys 0600 and refuses clients without its CA-signed certificate', { timeout: 60000 }, async () => {
  const paths = dockerHostPaths(stack.stateDir, hostName);
  for (const file of ['ca.pem', 'cert.pem', 'key.pem']) assert.equal(statSync(join(paths.clientCertDir, file)).mode & 0o777, 0o600, file);
  for (const file of ['ca-key.pem', 'server-key.pem']) assert.equal(statSync(join(paths.serverTlsDir, file)).mode & 0o777, 0o600, file);

  const ca = readFileSync(join(host.engine.tls.certDir, 'ca.pem'));
  const cert = readFileSync(join(host.engine.tls.certDir, 'cert.pem'));
  const key = readFileSync(join(host.engine.tls.certDir, 'key.pem'));
  assert.equal(await pingWith({ ca, cert, key }), 'HTTP 200', 'our client certificate is accepted');
  assert.match(await pingWith({ ca }), /^error /, 'no client certificate: the engine ends the handshake');

  // Another CA's client certificate: refused by the engine; and its CA cannot verify this engine.
  const other = mkdtempSync(join(tmpdir(), 'sluice-other-ca-'));
  try {
    const otherPaths = dockerHostPaths(other, 'other');
    await ensureDockerHostCertificates(otherPaths, 'other', ADDRESS);
    const otherCert = readFileSync(join(otherPaths.clientCertDir, 'cert.pem'));
    const otherKey = readFileSync(join(otherPaths.clientCertDir, 'key.pem'));
    assert.match(await pingWith({ ca, cert: otherCert, key: otherKey }), /^error /, 'a certificate from another CA is refused');
    await assert.rejects(
      dockerClientFor({ host: host.engine.host, tls: { certDir: otherPaths.clientCertDir } }).ping(),
      /self[- ]signed|unable to verify|certificate/i,
      'we do not trust an engine our CA did not sign',
    );
  } finally {
    rmSync(other, { recursive: true, force: true });
  }

  // Plain HTTP to the TLS port is not an API.
  const plain = await fetch(`http://${ADDRESS}:${host.port}/_ping`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.status,
    () => 0,
  );
  assert.notEqual(plain, 200);
  assert.equal((await remote.ping()).toString(), 'OK', 'the target client (dockerClientFor) talks to it');
});
test('a host whose engine runs already is reused, never started twice: on another port it is refused with the way out', { timeout: 60000 }, async () => {
  const pidFile = dockerHostPaths(stack.stateDir, hostName).daemonPidFile;
  const pid = readFileSync(pidFile, 'utf8').trim();
  const again = await startDockerHost({ stack, name: hostName, address: ADDRESS, port: host.port, readyTimeoutMs: 5000 });
  assert.deepEqual(again.engine, host.engine);
  await assert.rejects(
    startDockerHost({ stack, name: hostName, address: ADDRESS, port: host.port + 1, readyTimeoutMs: 1500 }),
    new RegExp(
      `dockerd of host ${hostName} \\(pid ${pid}, already running\\) to answer on ${ADDRESS.replaceAll('.', '\\.')}:${host.port + 1} did not become ready .*stop it first`,
    ),
  );
  assert.equal(readFileSync(pidFile, 'utf8').trim(), pid, 'the running engine keeps its pid file');
  await remote.ping();
});

test('releases on the remote engine over TLS: first release, canary promoted, bad canary rolled back, named rollback', { timeout: 600000 }, async () => {
  const first = await settleDeployment((await deploy(V1, { kind: 'recreate' })).result());
  assert.equal(first.outcome, 'promoted', first.message);
  const onRemote = await containersOn(remote);
  assert.deepEqual(
    onRemote.map((c) => `${c.version}/${c.role}/${c.state}`),
    [`${V1}/stable/running`],
    'the release runs on the remote engine',
  );
  assert.deepEqual(await containersOn(e2e.docker), [], 'and not on the stack engine the worker builds with');
  assert.ok(onRemote[0]!.env.includes(`ADDR=${ADDRESS}:${basePort}`), `the container listens on the host's address: ${onRemote[0]!.env.join(' ')}`);
  assert.equal(await versionAt(ADDRESS, basePort), V1, 'answered on 127.0.0.2');
  assert.deepEqual(await versionsThroughRouter(listenPort, 10), { [V1]: 10 });

  const canary = await settleDeployment((await deploy(V2, { kind: 'canary', steps: [{ setWeight: 50 }, { pause: { duration: '2s' } }], scaleDownDelay: '1s' })).result());
  assert.equal(canary.outcome, 'promoted', canary.message);
  assert.deepEqual(await versionsThroughRouter(listenPort, 10), { [V2]: 10 });

  const bad = await settleDeployment((await deploy(BAD, { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '10s' } }, { setWeight: 100 }] })).result());
  assert.equal(bad.outcome, 'rolled-back', bad.message);
  assert.equal(bad.reason, Reason.HealthCheckFailed);
  assert.deepEqual(await versionsThroughRouter(listenPort, 10), { [V2]: 10 }, 'the stable kept all traffic');

  // V1's container is long gone: the rollback starts it again from its image on the remote engine.
  const back = await rollbackTo(V1);
  assert.equal(back.outcome, 'rolled-back', back.message);
  assert.equal(back.to?.version, V1);
  assert.deepEqual(await versionsThroughRouter(listenPort, 10), { [V1]: 10 });
  const running = (await containersOn(remote)).filter((c) => c.state === 'running').map((c) => `${c.version}/${c.role}`);
  assert.deepEqual(running, [`${V1}/stable`], 'only the restored release runs');

  // A worker configured the Docker way (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) reaches the
  // same engine through AdapterConfig, with settings that name no engine and no host: the host
  // defaults to the engine's loopback address.
  const engine = dockerEngineFromEnv({ DOCKER_HOST: host.engine.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: host.engine.tls.certDir });
  assert.deepEqual(engine, host.engine);
  const config = adapterConfigFromStack(stack, { dockerEngine: engine! });
  const settings = { basePort };
  const live = await createTarget('docker', settings, config).currentRelease({ service, environment: 'e2e', workflowId: 'e2e-tls' });
  assert.equal(live?.release.version, V1);
  assert.equal(live?.host, ADDRESS);
  const acts = createDeployActivities({ config, logger: pino({ level: 'silent' }) });
  assert.equal((await acts.currentRelease({ service, environment: 'e2e', target: { kind: 'docker', settings }, router: router() }))?.version, V1);
});

test('the remote engine client stays cheap with use: what docker-modem formats on every call does not grow with open connections', { timeout: 60000 }, async () => {
  // docker-modem (5.0.x) runs util.inspect over its request options, agent included, on every
  // call. A keep-alive agent inspected in full prints every pooled TLS socket: 20 KB cold, 250 KB
  // with a few connections open, and a second of CPU per call during a release (the test above
  // took 450 s instead of 15).
  const client = dockerClientFor(host.engine);
  const formatted = () => inspect((client as unknown as { modem: object }).modem, { showHidden: true, depth: null }).length;
  const before = formatted();
  await Promise.all(Array.from({ length: 8 }, () => client.listContainers({ all: true })));
  const events = (await client.getEvents()) as NodeJS.ReadableStream & { destroy(): void };
  try {
    const started = performance.now();
    for (let i = 0; i < 20; i++) await client.listContainers({ all: true });
    const perCallMs = (performance.now() - started) / 20;
    console.log(`remote engine: ${perCallMs.toFixed(1)} ms per call with 9 connections pooled or open; options format to ${formatted()} characters`);
    assert.ok(formatted() <= before, `request options format to ${formatted()} characters, ${before} before use`);
    assert.ok(before < 5000, `request options format to ${before} characters`);
  } finally {
    events.destroy();
  }
});
