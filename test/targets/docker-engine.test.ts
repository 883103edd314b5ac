/**
 * How the docker target chooses its engine and refuses an unsafe one, without a daemon: spec
 * validation and the adapter refuse plain tcp (SluiceInsecureDockerEngine), unreadable or bogus
 * TLS files fail with SluiceDockerEngineCertificates and never show their content, and the
 * worker reads Docker's DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH into AdapterConfig.
 * A real TLS engine is driven end to end in test/workflows/e2e-docker-tls.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { dockerClientFor } from '../../src/activities/targets/docker/engine';
import { engineFor, DockerTargetSettings } from '../../src/activities/targets/docker';
import { nothingListens } from '../../src/activities/targets/readiness';
import { createTarget } from '../../src/activities/targets/registry';
import { ErrorType } from '../../src/domain/errors';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { SpecValidationError, validateReleaseSpec } from '../../src/domain/validate';
import { adapterConfigFromStack, dockerEngineFromEnv } from '../../src/worker/adapters';
import { workerOptionsFrom } from '../../src/worker/main';
import { adapterConfig, catalogue, stack } from '../helpers/stack';

const isType = (type: string) => (err: unknown) => (err as { type?: string }).type === type && (err as { nonRetryable?: boolean }).nonRetryable === true;

function specWith(settings: Record<string, unknown>): ReleaseSpecInput {
  return {
    service: 'svc',
    environment: 'test',
    source: { kind: 'prebuilt', version: '1.0.0+aaa1111', imageRef: '127.0.0.1:5000/svc@sha256:' + 'a'.repeat(64) },
    target: { kind: 'docker', settings },
    strategy: { kind: 'recreate' },
  };
}

function specErrors(settings: Record<string, unknown>): string[] {
  try {
    validateReleaseSpec(specWith(settings), catalogue);
    return [];
  } catch (err) {
    assert.ok(err instanceof SpecValidationError, String(err));
    return err.errors.map((e) => `${e.path}: ${e.message}`);
  }
}

test('spec validation: plain tcp is refused field by field; tcp with TLS and unix sockets are accepted', () => {
  const plain = specErrors({ engine: { host: 'tcp://127.0.0.2:2376' } });
  assert.equal(plain.length, 1, plain.join('\n'));
  assert.match(plain[0]!, /^target\.settings\.engine\.tls: plain tcp is refused: tcp:\/\/127\.0\.0\.2:2376 needs tls\.certDir/);

  assert.deepEqual(specErrors({ engine: { host: 'tcp://127.0.0.2:2376', tls: { certDir: '/etc/sluice/h1' } } }), []);
  assert.deepEqual(specErrors({ engine: { host: 'unix:///run/docker.sock' } }), []);
  assert.deepEqual(specErrors({ socket: '/run/docker.sock' }), [], 'socket keeps working');

  assert.match(specErrors({ engine: { host: 'ssh://h1' } }).join(), /engine\.host: must be unix:\/\/\/<socket path> or tcp:\/\/<address>:<port>/);
  assert.match(specErrors({ engine: { host: 'tcp://127.0.0.2:99999', tls: { certDir: '/x' } } }).join(), /engine\.host/);
  assert.match(specErrors({ engine: { host: 'tcp://127.0.0.2:2376', tls: { certDir: 'certs' } } }).join(), /engine\.tls\.certDir: must be an absolute path/);
  assert.match(specErrors({ engine: { host: 'unix:///run/docker.sock', tls: { certDir: '/x' } } }).join(), /engine\.tls: tls applies to tcp:\/\/ engines only/);
  assert.match(specErrors({ engine: { host: 'unix:///a.sock' }, socket: '/b.sock' }).join(), /engine: give engine or socket, not both/);
  assert.match(specErrors({ engine: { host: 'tcp://127.0.0.2:2376', tls: { certDir: '/x', ca: 'inline' } } }).join(), /engine\.tls/, 'no key material inline');
});

test('the adapter refuses plain tcp with SluiceInsecureDockerEngine, from settings and from an AdapterConfig built by code', () => {
  assert.throws(() => createTarget('docker', { engine: { host: 'tcp://127.0.0.2:2376' } }, adapterConfig), isType(ErrorType.InsecureDockerEngine));
  assert.throws(() => createTarget('docker', {}, { ...adapterConfig, dockerEngine: { host: 'tcp://127.0.0.2:2376' } }), isType(ErrorType.InsecureDockerEngine));
  assert.throws(() => dockerClientFor({ host: 'tcp://127.0.0.2:2376' }), isType(ErrorType.InsecureDockerEngine));
  assert.throws(() => createTarget('docker', { engine: { host: 'unix:///a.sock' }, socket: '/b.sock' }, adapterConfig), isType(ErrorType.InvalidTargetSettings));
});

test('missing or bogus TLS files fail with SluiceDockerEngineCertificates and never show their content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-certs-'));
  try {
    const engine = { host: 'tcp://127.0.0.2:2376', tls: { certDir: dir } };
    assert.throws(
      () => dockerClientFor(engine),
      (err: Error) => isType(ErrorType.DockerEngineCertificates)(err) && err.message.includes(join(dir, 'ca.pem')) && /ENOENT/.test(err.message),
    );
    const secret = 'NOT-A-KEY-d6f1c0ffee';
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), `${secret}\n`, { mode: 0o600 });
    assert.throws(
      () => dockerClientFor(engine),
      (err: Error) => isType(ErrorType.DockerEngineCertificates)(err) && !err.message.includes(secret),
    );
    // Through the target too: a spec naming the directory gets the same typed failure.
    assert.throws(() => createTarget('docker', { engine }, adapterConfig), isType(ErrorType.DockerEngineCertificates));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('which engine a call uses: settings.engine, then settings.socket, then AdapterConfig.dockerEngine, then the socket', () => {
  const remote = { host: 'tcp://127.0.0.3:2376', tls: { certDir: '/certs/h2' } };
  const config = { ...adapterConfig, dockerEngine: remote };
  const parse = (s: unknown) => DockerTargetSettings.parse(s);
  assert.deepEqual(engineFor(parse({ engine: { host: 'unix:///a.sock' } }), config), { host: 'unix:///a.sock' });
  assert.deepEqual(engineFor(parse({ socket: '/b.sock' }), config), { host: 'unix:///b.sock' });
  assert.deepEqual(engineFor(parse({}), config), remote);
  assert.deepEqual(engineFor(parse({}), adapterConfig), { host: `unix://${adapterConfig.dockerSocket}` });
});

test("Docker's environment conventions, read by the composition root", () => {
  assert.equal(dockerEngineFromEnv({}), undefined);
  assert.deepEqual(dockerEngineFromEnv({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }), { host: 'unix:///run/user/1000/docker.sock' });
  assert.deepEqual(dockerEngineFromEnv({ DOCKER_HOST: 'tcp://127.0.0.2:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/h1' }), {
    host: 'tcp://127.0.0.2:2376',
    tls: { certDir: '/certs/h1' },
  });
  // Docker's default cert path, and its rule that any non-empty DOCKER_TLS_VERIFY turns verification on.
  assert.deepEqual(dockerEngineFromEnv({ DOCKER_HOST: 'tcp://127.0.0.2:2376', DOCKER_TLS_VERIFY: '0', HOME: '/home/ops' }), {
    host: 'tcp://127.0.0.2:2376',
    tls: { certDir: '/home/ops/.docker' },
  });
  assert.throws(
    () => dockerEngineFromEnv({ DOCKER_HOST: 'tcp://127.0.0.2:2375' }),
    (err: Error) => isType(ErrorType.InsecureDockerEngine)(err) && /DOCKER_TLS_VERIFY=1/.test(err.message),
  );
  assert.throws(() => dockerEngineFromEnv({ DOCKER_HOST: 'ssh://ops@h1' }), isType(ErrorType.InvalidTargetSettings));

  const engine = { host: 'tcp://127.0.0.2:2376', tls: { certDir: '/certs/h1' } };
  assert.deepEqual(adapterConfigFromStack(stack, { dockerEngine: engine }).dockerEngine, engine);
  assert.equal(adapterConfigFromStack(stack).dockerEngine, undefined);

  // The worker: DOCKER_HOST names the docker target's engine unless Sluice's own socket setting is given.
  const env = { DOCKER_HOST: 'tcp://127.0.0.2:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/h1' };
  assert.deepEqual(workerOptionsFrom([], env).dockerEngine, engine);
  assert.equal(workerOptionsFrom(['--docker-socket', '/x.sock'], env).dockerEngine, undefined);
  assert.equal(workerOptionsFrom([], { ...env, SLUICE_DOCKER_SOCKET: '/x.sock' }).dockerEngine, undefined);
  assert.throws(() => workerOptionsFrom([], { DOCKER_HOST: 'tcp://127.0.0.2:2375' }), isType(ErrorType.InsecureDockerEngine));
});

test("a remote host's port is checked by connecting: taken while something listens, free once it is gone", async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const { port } = server.address() as AddressInfo;
  assert.equal(await nothingListens('127.0.0.2', port), false);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(await nothingListens('127.0.0.2', port), true);
});
