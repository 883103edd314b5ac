/**
 * The registry that wants credentials and speaks only TLS (src/dev/components/registry-secure.ts),
 * on the real distribution binary: a test's own instance, apart from the stack's plain registry on
 * :5000 (left alone). Anonymous access is refused, a wrong password and every TLS mistake are
 * typed errors that name the setting to fix and never the password, its secrets are 0600, and the
 * stack option (`sluice dev up --only registry-secure`) starts and stops it in a state dir of its own.
 * Releases through it: test/workflows/e2e-secure-registry.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { compare } from 'bcryptjs';
import { Agent, fetch } from 'undici';
import { RegistryClient } from '../../src/activities/registry';
import { registryAccessFromEnv } from '../../src/activities/registry/access';
import { registryAddress } from '../../src/dev/config';
import { loadStackConfig } from '../../src/dev/config';
import { ensureLocalCa } from '../../src/dev/local-ca';
import {
  namedSecureRegistry,
  SECURE_REGISTRY_USER,
  secureRegistryFiles,
  stackSecureRegistry,
  startSecureRegistry,
  stopSecureRegistry,
  type SecureRegistry,
  type SecureRegistryInstance,
} from '../../src/dev/components/registry-secure';
import { ErrorType } from '../../src/domain/errors';
import { spawnNode } from '../helpers/child';
import { freePort, stack, uniqueName } from '../helpers/stack';

const cli = require.resolve('../../src/cli/main');
let instance: SecureRegistryInstance;
let registry: SecureRegistry;
let password: string;
let scratch: string;

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnNode(cli, args, { ...process.env, ...env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The failure's type and message, for assertions on both. */
async function failureOf(p: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { type: String((err as { type?: string }).type), message: (err as Error).message };
  }
  throw new Error('expected a failure');
}

before(async () => {
  instance = namedSecureRegistry(stack, uniqueName('sreg').slice(0, 40), await freePort());
  registry = await startSecureRegistry(instance);
  password = readFileSync(registry.files.passwordFile, 'utf8').trim();
  scratch = await mkdtemp(join(tmpdir(), 'sluice-sreg-'));
});

after(async () => {
  if (instance) await stopSecureRegistry(instance, { removeState: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test('anonymous access is refused with a basic challenge; the right password over our CA is let in', async () => {
  const agent = new Agent({ connect: { ca: readFileSync(registry.files.caCert) } });
  try {
    const anonymous = await fetch(`${registry.url}/v2/`, { dispatcher: agent });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm="sluice-registry"/);
    assert.equal(anonymous.headers.get('docker-distribution-api-version'), 'registry/2.0');
    await anonymous.body?.cancel();
  } finally {
    await agent.close();
  }
  const { type, message } = await failureOf(new RegistryClient({ host: registry.address, caFile: registry.files.caCert }).ping());
  assert.equal(type, ErrorType.RegistryAuth);
  assert.match(message, /refused GET \/v2\/ \(401\) without credentials; set SLUICE_REGISTRY_USERNAME\/SLUICE_REGISTRY_PASSWORD or SLUICE_REGISTRY_AUTH_FILE/);

  await new RegistryClient({ host: registry.address, caFile: registry.files.caCert, credentials: { username: SECURE_REGISTRY_USER, password } }).ping();
  assert.deepEqual(
    await new RegistryClient({ host: registry.address, caFile: registry.files.caCert, credentials: { username: SECURE_REGISTRY_USER, password } }).listTags('nothing-here'),
    [],
  );
});

test('a wrong password is SluiceRegistryAuth, and the message holds neither password', async () => {
  const wrong = `not-${password.slice(0, 8)}-${Math.random().toString(36).slice(2)}`;
  const { type, message } = await failureOf(
    new RegistryClient({ host: registry.address, caFile: registry.files.caCert, credentials: { username: SECURE_REGISTRY_USER, password: wrong } }).ping(),
  );
  assert.equal(type, ErrorType.RegistryAuth);
  assert.match(message, /refused GET \/v2\/ \(401\) with the worker's credentials/);
  assert.ok(!message.includes(wrong) && !message.includes(password), message);

  // The same through the worker's environment, as the registry activities read it.
  const access = registryAccessFromEnv(registry.address, {
    SLUICE_REGISTRY_USERNAME: SECURE_REGISTRY_USER,
    SLUICE_REGISTRY_PASSWORD: wrong,
    SLUICE_REGISTRY_CA_FILE: registry.files.caCert,
  });
  assert.equal((await failureOf(new RegistryClient({ host: registry.address, ...access }).ping())).type, ErrorType.RegistryAuth);
});

test('TLS mistakes are SluiceRegistryTls naming SLUICE_REGISTRY_CA_FILE: no CA, another CA, a CA for a plain registry, an unreadable CA file', async () => {
  const credentials = { username: SECURE_REGISTRY_USER, password };

  // No CA given: loopback is spoken to over http, and the registry answers that it wants https.
  const noCa = await failureOf(new RegistryClient({ host: registry.address, credentials }).ping());
  assert.equal(noCa.type, ErrorType.RegistryTls);
  assert.match(noCa.message, /speaks https only: set SLUICE_REGISTRY_CA_FILE/);

  // https with only the system's CAs (as off loopback): the certificate does not verify.
  const systemOnly = await failureOf(new RegistryClient({ host: registry.address, credentials, scheme: 'https' }).ping());
  assert.equal(systemOnly.type, ErrorType.RegistryTls);
  assert.match(systemOnly.message, /presented a certificate that the system's CAs \(SLUICE_REGISTRY_CA_FILE is not set\) do not verify \([A-Z_]+\); set SLUICE_REGISTRY_CA_FILE/);

  // Another CA: refused the same way, naming the file that was tried.
  const other = { cert: join(scratch, 'other-ca.pem'), key: join(scratch, 'other-ca-key.pem') };
  await ensureLocalCa(other, 'not-the-registry-ca');
  const wrongCa = await failureOf(new RegistryClient({ host: registry.address, credentials, caFile: other.cert }).ping());
  assert.equal(wrongCa.type, ErrorType.RegistryTls);
  assert.match(wrongCa.message, new RegExp(`SLUICE_REGISTRY_CA_FILE ${other.cert.replace(/[.]/g, '\\.')} do not verify`));

  // The CA set for the stack's plain-http registry: https to it cannot work, and says why.
  const plain = await failureOf(new RegistryClient({ host: registryAddress(stack), caFile: registry.files.caCert }).ping());
  assert.equal(plain.type, ErrorType.RegistryTls);
  assert.match(plain.message, /does not speak TLS; a plain-http registry on loopback is reached without SLUICE_REGISTRY_CA_FILE/);

  const missing = await failureOf(Promise.resolve().then(() => new RegistryClient({ host: registry.address, caFile: join(scratch, 'absent.pem') })));
  assert.equal(missing.type, ErrorType.RegistryTls);
  assert.match(missing.message, /SLUICE_REGISTRY_CA_FILE .*absent\.pem is not readable \(ENOENT\)/);

  for (const failure of [noCa, systemOnly, wrongCa, plain]) assert.ok(!failure.message.includes(password));
});

test('its secrets are 0600 in a 0700 directory, the htpasswd entry is bcrypt, and the password is in no log', async () => {
  const files = secureRegistryFiles(instance.dir);
  assert.equal(statSync(instance.dir).mode & 0o777, 0o700);
  for (const file of [files.htpasswd, files.passwordFile, files.authFile, files.config, files.caKey, files.key]) {
    assert.equal(statSync(file).mode & 0o777, 0o600, file);
  }
  const htpasswd = readFileSync(files.htpasswd, 'utf8').trim();
  const [user, hash] = htpasswd.split(':');
  assert.equal(user, SECURE_REGISTRY_USER);
  assert.match(hash!, /^\$2[aby]\$10\$/);
  assert.ok(await compare(password, hash!), 'the htpasswd entry is the password');
  assert.ok(password.length >= 32, 'a random password of 24 bytes');

  // The Docker config.json works as a SLUICE_REGISTRY_AUTH_FILE for this registry.
  const access = registryAccessFromEnv(registry.address, { SLUICE_REGISTRY_AUTH_FILE: files.authFile, SLUICE_REGISTRY_CA_FILE: files.caCert });
  assert.deepEqual(access.credentials, { username: SECURE_REGISTRY_USER, password });
  await new RegistryClient({ host: registry.address, ...access }).ping();

  for (const text of [readFileSync(instance.logFile, 'utf8'), readFileSync(files.config, 'utf8'), htpasswd]) {
    assert.ok(!text.includes(password) && !text.includes(Buffer.from(`${SECURE_REGISTRY_USER}:${password}`).toString('base64')));
  }
});

test('a running instance is reused, not started twice; the password and certificate survive a restart', async () => {
  const pid = readFileSync(instance.pidFile, 'utf8').trim();
  const cert = readFileSync(registry.files.cert, 'utf8');
  await startSecureRegistry(instance);
  assert.equal(readFileSync(instance.pidFile, 'utf8').trim(), pid);

  await stopSecureRegistry(instance);
  const again = await startSecureRegistry(instance);
  assert.notEqual(readFileSync(instance.pidFile, 'utf8').trim(), pid);
  assert.equal(readFileSync(again.files.passwordFile, 'utf8').trim(), password);
  assert.equal(readFileSync(again.files.cert, 'utf8'), cert);
  await new RegistryClient({ host: again.address, caFile: again.files.caCert, credentials: { username: SECURE_REGISTRY_USER, password } }).ping();
});

test('the stack option: `sluice dev up --only registry-secure` starts it in the state dir, `dev down --only registry-secure` stops it', { timeout: 120000 }, async () => {
  const env = { SLUICE_STATE_DIR: join(scratch, 'state'), SLUICE_REGISTRY_SECURE_PORT: String(await freePort()) };
  const option = stackSecureRegistry(loadStackConfig({ ...process.env, ...env }), env);
  try {
    const up = await runCli(['dev', 'up', '--only', 'registry-secure', '--output', 'json'], env);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(JSON.parse(up.stdout), { 'registry-secure': 'started' });
    const files = secureRegistryFiles(option.dir);
    const pw = readFileSync(files.passwordFile, 'utf8').trim();
    assert.ok(!up.stdout.includes(pw) && !up.stderr.includes(pw), 'the password is never printed');
    const access = registryAccessFromEnv(`127.0.0.1:${option.port}`, { SLUICE_REGISTRY_AUTH_FILE: files.authFile, SLUICE_REGISTRY_CA_FILE: files.caCert });
    await new RegistryClient({ host: `127.0.0.1:${option.port}`, ...access }).ping();

    const again = await runCli(['dev', 'up', '--only', 'registry-secure', '--output', 'json'], env);
    assert.deepEqual(JSON.parse(again.stdout), { 'registry-secure': 'reused-own' });
  } finally {
    const down = await runCli(['dev', 'down', '--only', 'registry-secure'], env);
    assert.match(down.stdout, /stopped: registry-secure/);
  }
});
