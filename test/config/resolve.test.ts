/**
 * Resolving a release's configuration into a config version: the config activity against a real
 * etcd (the stack's config-etcd component on a scratch state dir, test/config/centre.ts), the dir
 * and env sources on real files, and secrets read where an instance starts.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { Etcd3 } from 'etcd3';
import { createConfigActivities } from '../../src/activities/config-sources';
import { resolveConfig } from '../../src/activities/config-sources/resolve';
import { readSecrets } from '../../src/activities/config-sources/secrets';
import { ConfigSpec, type ConfigSpecInput } from '../../src/domain/config';
import { ErrorType } from '../../src/domain/errors';
import { freePort } from '../helpers/ports';
import { uniqueName } from '../helpers/stack';
import { skipReason, startScratchCentre, type ScratchCentre } from './centre';

const spec = (input: ConfigSpecInput) => ConfigSpec.parse(input);

function failsWith(type: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `an ApplicationFailure, got ${String(err)}`);
    assert.equal(err.type, type, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

describe('the etcd source, through the config activity', { skip: skipReason() }, () => {
  let centre: ScratchCentre;
  let client: Etcd3;
  before(async () => {
    centre = await startScratchCentre();
    client = new Etcd3({ hosts: centre.url });
  });
  after(async () => {
    client?.close();
    await centre?.stop();
  });

  test('reads the whole prefix at one revision and records it; equal content from env has the same digest', async () => {
    const prefix = `/config/${uniqueName('res')}/production/`;
    await client.put(`${prefix}LOG_LEVEL`).value('info');
    const written = await client.put(`${prefix}ERROR_RATE`).value('0');
    // A key outside the prefix (a sibling with the same start) is not part of it.
    await client.put(`${prefix.slice(0, -1)}-other/LOG_LEVEL`).value('debug');
    const { resolveConfigVersion } = createConfigActivities({ etcdEndpoints: [centre.url] });
    const resolved = await resolveConfigVersion({ service: 'svc', environment: 'production', config: spec({ source: 'etcd', prefix, secrets: ['DB_PASSWORD'] }) });
    assert.deepEqual(resolved.values, { ERROR_RATE: '0', LOG_LEVEL: 'info' });
    assert.ok(resolved.version.revision! >= Number(written.header.revision));
    assert.deepEqual(resolved.version.keys, ['ERROR_RATE', 'LOG_LEVEL']);
    assert.deepEqual(resolved.version.secrets, ['DB_PASSWORD']);
    assert.equal(resolved.version.sourceKind, 'etcd');
    assert.equal(resolved.version.source, `etcd ${centre.url} ${prefix}`);

    const fromEnv = await resolveConfig(spec({ source: 'env', values: { LOG_LEVEL: 'info', ERROR_RATE: '0' }, secrets: ['DB_PASSWORD'] }), { etcdEndpoints: [] });
    assert.equal(fromEnv.version.digest, resolved.version.digest);
    assert.equal(fromEnv.version.revision, null);
  });

  test('the spec’s own endpoints win over the worker’s config centre', async () => {
    const prefix = `/config/${uniqueName('res')}/production/`;
    await client.put(`${prefix}A`).value('1');
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const resolved = await resolveConfig(spec({ source: 'etcd', prefix, endpoints: [centre.url] }), { etcdEndpoints: [nobody] });
    assert.deepEqual(resolved.values, { A: '1' });
  });

  test('a read pinned at revision R ignores every later write', async () => {
    const prefix = `/config/${uniqueName('res')}/production/`;
    await client.put(`${prefix}ERROR_RATE`).value('0');
    const first = await resolveConfig(spec({ source: 'etcd', prefix }), { etcdEndpoints: [centre.url] });
    await client.put(`${prefix}ERROR_RATE`).value('0.3');
    await client.put(`${prefix}NEW`).value('x');
    await client.delete().key(`${prefix}ERROR_RATE`);
    const pinned = await resolveConfig(spec({ source: 'etcd', prefix }), { etcdEndpoints: [centre.url] }, first.version.revision!);
    assert.deepEqual(pinned.values, { ERROR_RATE: '0' });
    assert.deepEqual(pinned.version, first.version);
    const latest = await resolveConfig(spec({ source: 'etcd', prefix }), { etcdEndpoints: [centre.url] });
    assert.deepEqual(latest.values, { NEW: 'x' });
    assert.notEqual(latest.version.digest, first.version.digest);
  });

  test('a stored key no process could take, or a secret held as a plain value, is refused with every problem named', async () => {
    const prefix = `/config/${uniqueName('res')}/production/`;
    await client.put(`${prefix}GOOD`).value('1');
    await client.put(`${prefix}bad-key`).value('2');
    await client.put(`${prefix}nested/KEY`).value('3');
    await client.put(`${prefix}DB_PASSWORD`).value('leaked');
    const { resolveConfigVersion } = createConfigActivities({ etcdEndpoints: [centre.url] });
    await assert.rejects(
      resolveConfigVersion({ service: 'svc', environment: 'production', config: spec({ source: 'etcd', prefix, secrets: ['DB_PASSWORD'] }) }),
      (err: unknown) => {
        failsWith(ErrorType.InvalidConfig, /refused, nothing deployed/)(err);
        const message = (err as Error).message;
        assert.match(message, /"bad-key" must be an environment variable name/);
        assert.match(message, /"nested\/KEY" must be an environment variable name/);
        assert.match(message, /DB_PASSWORD is both a plain value and a secret/);
        assert.doesNotMatch(message, /leaked/, 'the message names the key, never its value');
        assert.equal((err as ApplicationFailure).nonRetryable, true);
        return true;
      },
    );
  });

  test('an unreachable etcd is a retryable SluiceConfigSourceUnavailable naming the endpoint', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const { resolveConfigVersion } = createConfigActivities({ etcdEndpoints: [nobody] });
    const started = Date.now();
    await assert.rejects(
      resolveConfigVersion({ service: 'svc', environment: 'production', config: spec({ source: 'etcd', prefix: '/config/svc/production/' }) }),
      (err: unknown) => {
        failsWith(ErrorType.ConfigSourceUnavailable, new RegExp(`cannot reach the config centre \\(etcd at ${nobody.replace(/\./g, '\\.')}\\)`))(err);
        assert.equal((err as ApplicationFailure).nonRetryable, false, "Temporal's retry policy retries it");
        return true;
      },
    );
    assert.ok(Date.now() - started < 10_000);
  });
});

describe('the dir and env sources', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-config-dir-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('dir: one file per key, one trailing newline dropped, dot files skipped; same content, same digest as env', async () => {
    const config = join(dir, 'production');
    await mkdir(config);
    await writeFile(join(config, 'LOG_LEVEL'), 'info\n');
    await writeFile(join(config, 'MOTD'), 'two\nlines\n\n');
    await writeFile(join(config, '.gitkeep'), '');
    const resolved = await resolveConfig(spec({ source: 'dir', path: config }), { etcdEndpoints: [] });
    assert.deepEqual(resolved.values, { LOG_LEVEL: 'info', MOTD: 'two\nlines\n' });
    assert.equal(resolved.version.source, `dir ${config}`);
    const fromEnv = await resolveConfig(spec({ source: 'env', values: { MOTD: 'two\nlines\n', LOG_LEVEL: 'info' } }), { etcdEndpoints: [] });
    assert.equal(fromEnv.version.digest, resolved.version.digest);
  });

  test('dir: a bad file name, a subdirectory or a missing directory is refused', async () => {
    const bad = join(dir, 'bad');
    await mkdir(join(bad, 'sub'), { recursive: true });
    await assert.rejects(resolveConfig(spec({ source: 'dir', path: bad }), { etcdEndpoints: [] }), failsWith(ErrorType.InvalidConfig, /sub is not a regular file/));
    await rm(join(bad, 'sub'), { recursive: true });
    await writeFile(join(bad, 'log.level'), 'x');
    await assert.rejects(
      resolveConfig(spec({ source: 'dir', path: bad }), { etcdEndpoints: [] }),
      failsWith(ErrorType.InvalidConfig, /"log\.level" must be an environment variable name/),
    );
    await assert.rejects(
      resolveConfig(spec({ source: 'dir', path: join(dir, 'missing') }), { etcdEndpoints: [] }),
      failsWith(ErrorType.InvalidConfig, /cannot read .*missing \(ENOENT\)/),
    );
  });
});

describe('secrets, read where the instance starts', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-secrets-'));
    await writeFile(join(dir, 'DB_PASSWORD'), 's3cret-from-file\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('from the secrets directory first, then the environment', async () => {
    const env = { DB_PASSWORD: 'from-env', API_TOKEN: 'tok-from-env' };
    assert.deepEqual(await readSecrets(['DB_PASSWORD', 'API_TOKEN'], { env, dir }), { DB_PASSWORD: 's3cret-from-file', API_TOKEN: 'tok-from-env' });
    assert.deepEqual(await readSecrets(['DB_PASSWORD'], { env }), { DB_PASSWORD: 'from-env' });
  });

  test('a missing secret is refused by name, and no value appears in the message', async () => {
    await assert.rejects(
      readSecrets(['DB_PASSWORD', 'MISSING_ONE', 'EMPTY'], { env: { EMPTY: '' }, dir }),
      failsWith(ErrorType.ConfigSecretMissing, /^secrets MISSING_ONE, EMPTY not found: neither .* nor the environment has them$/),
    );
  });
});
