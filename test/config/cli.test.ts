/**
 * `sluice config get|set|diff|history` end to end, on a real etcd: the stack's config-etcd
 * component, started by `sluice dev up --only config-etcd` on a scratch state dir and its own
 * ports (test/config/centre.ts), never the shared stack's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { runCli, type CliResult } from '../cli/helpers';
import { freePort } from '../helpers/ports';
import { uniqueName } from '../helpers/stack';
import { skipReason, startScratchCentre, type ScratchCentre } from './centre';

interface GetJson {
  prefix: string;
  revision: number;
  version: { id: string; digest: string; revision: number; keys: string[] };
  values: Record<string, string>;
  problems: string[];
}

interface HistoryJson {
  revision: number;
  compactedAt: number | null;
  base: { revision: number; id: string; values: Record<string, string> } | null;
  entries: { revision: number; id: string; digest: string; values: Record<string, string>; changes: { key: string; type: string }[] }[];
}

describe('sluice config on the stack’s config-etcd', { skip: skipReason() }, () => {
  let centre: ScratchCentre;
  before(async () => {
    centre = await startScratchCentre();
  });
  after(async () => {
    await centre?.stop();
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['config', ...args], { env: { ...centre.env, ...env }, timeoutMs: 60_000 });
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  const get = async (service: string, ...extra: string[]) => json<GetJson>(await cli(['get', service, 'production', '-o', 'json', ...extra]));

  test('dev up started it as an optional component; status lists it healthy; a second up reuses it', async () => {
    assert.deepEqual(JSON.parse(centre.up.stdout), { 'config-etcd': 'started' });
    const status = await runCli(['dev', 'status', '--output', 'json'], { env: centre.env });
    const rows = JSON.parse(status.stdout) as { name: string; healthy: boolean; url: string; managed: boolean }[];
    const row = rows.find((r) => r.name === 'config-etcd');
    assert.deepEqual(row && { healthy: row.healthy, url: row.url, managed: row.managed }, { healthy: true, url: centre.url, managed: true });
    const again = await runCli(['dev', 'up', '--only', 'config-etcd', '--output', 'json'], { env: centre.env });
    assert.deepEqual(JSON.parse(again.stdout), { 'config-etcd': 'reused-own' });
  });

  test('set, get, history and diff: one revision and one config version per set', async () => {
    const service = uniqueName('cfg');
    const first = json<{ revision: number; version: { id: string } }>(await cli(['set', service, 'production', 'LOG_LEVEL=debug', 'ERROR_RATE=0', '-o', 'json']));
    const second = json<{ revision: number; version: { id: string } }>(await cli(['set', service, 'production', 'LOG_LEVEL=info', '--unset', 'ERROR_RATE', '-o', 'json']));
    const third = json<{ revision: number; version: { id: string } }>(await cli(['set', service, 'production', 'GREETING=hello world=yes', '-o', 'json']));
    assert.ok(first.revision < second.revision && second.revision < third.revision);

    const now = await get(service);
    assert.equal(now.prefix, `/config/${service}/production/`);
    assert.deepEqual(now.values, { LOG_LEVEL: 'info', GREETING: 'hello world=yes' });
    assert.equal(now.version.id, third.version.id);
    assert.deepEqual(now.version.keys, ['GREETING', 'LOG_LEVEL']);

    const text = await cli(['get', service, 'production']);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.trim().split('\n').slice(1), ['GREETING=hello world=yes', 'LOG_LEVEL=info']);

    const history = json<HistoryJson>(await cli(['history', service, 'production', '-o', 'json']));
    assert.equal(history.compactedAt, null);
    assert.deepEqual(
      history.entries.map((e) => [e.revision, e.id, e.changes.map((c) => `${c.type} ${c.key}`).sort()]),
      [
        [first.revision, first.version.id, ['put ERROR_RATE', 'put LOG_LEVEL']],
        [second.revision, second.version.id, ['delete ERROR_RATE', 'put LOG_LEVEL']],
        [third.revision, third.version.id, ['put GREETING']],
      ],
    );
    const historyText = await cli(['history', service, 'production']);
    assert.match(historyText.stdout, new RegExp(`\\*\\s+${third.revision}\\s+${third.version.id}\\s+2\\s+\\+GREETING`));

    // Default: what the last change changed.
    const last = json<{ from: { revision: number }; to: { id: string }; diff: unknown }>(await cli(['diff', service, 'production', '-o', 'json']));
    assert.equal(last.from.revision, second.revision);
    assert.equal(last.to.id, third.version.id);
    assert.deepEqual(last.diff, { added: [{ key: 'GREETING', value: 'hello world=yes' }], removed: [], changed: [] });
    // Between a revision and a config version id.
    const wide = json<{ diff: unknown }>(await cli(['diff', service, 'production', '--from', String(first.revision), '--to', second.version.id, '-o', 'json']));
    assert.deepEqual(wide.diff, { added: [], removed: [{ key: 'ERROR_RATE', value: '0' }], changed: [{ key: 'LOG_LEVEL', from: 'debug', to: 'info' }] });
    const diffText = await cli(['diff', service, 'production', '--from', String(first.revision)]);
    assert.deepEqual(diffText.stdout.trim().split('\n').slice(2), ['+ GREETING=hello world=yes', '- ERROR_RATE=0', '~ LOG_LEVEL: debug → info']);
  });

  test('equal content is one config version; any change is another', async () => {
    const service = uniqueName('cfg');
    const a = json<{ revision: number; version: { id: string; digest: string } }>(await cli(['set', service, 'LOG_LEVEL=info', 'ERROR_RATE=0', '-o', 'json']));
    // Written again with the same values: a new revision, the same version.
    const b = json<{ revision: number; version: { id: string; digest: string } }>(await cli(['set', service, 'ERROR_RATE=0', '-o', 'json']));
    assert.ok(b.revision > a.revision);
    assert.equal(b.version.digest, a.version.digest);
    const c = json<{ version: { digest: string } }>(await cli(['set', service, 'ERROR_RATE=0.3', '-o', 'json']));
    assert.notEqual(c.version.digest, a.version.digest);
    const d = json<{ version: { digest: string } }>(await cli(['set', service, 'ERROR_RATE=0', '-o', 'json']));
    assert.equal(d.version.digest, a.version.digest, 'back to the same content, back to the same version');
  });

  test('a read at revision R ignores every later write', async () => {
    const service = uniqueName('cfg');
    const pinned = json<{ revision: number; version: { id: string } }>(await cli(['set', service, 'LOG_LEVEL=info', 'ERROR_RATE=0', '-o', 'json']));
    await cli(['set', service, 'ERROR_RATE=0.3', 'EXTRA=1', '-o', 'json']);
    await cli(['set', service, '--unset', 'LOG_LEVEL', '-o', 'json']);
    const then = await get(service, '--revision', String(pinned.revision));
    assert.deepEqual(then.values, { ERROR_RATE: '0', LOG_LEVEL: 'info' });
    assert.equal(then.version.revision, pinned.revision);
    assert.equal(then.version.id, pinned.version.id);
    assert.deepEqual((await get(service)).values, { ERROR_RATE: '0.3', EXTRA: '1' });
  });

  test('bad keys are refused before anything is written, good keys beside them included', async () => {
    const service = uniqueName('cfg');
    await cli(['set', service, 'LOG_LEVEL=info', '-o', 'json']);
    const before = await get(service);
    const refused = await cli(['set', service, 'production', 'GOOD=1', 'bad-key=2', '9LIVES=3', 'a/b=4']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /nothing written/);
    for (const key of ['bad-key', '9LIVES', 'a/b']) assert.match(refused.stderr, new RegExp(`key "${key}" must be an environment variable name`));
    assert.doesNotMatch(refused.stderr, /"GOOD"/);
    const afterwards = await get(service);
    assert.deepEqual(afterwards.values, before.values);
    assert.equal(afterwards.revision, before.revision, 'the store has no new revision at all');

    const unset = await cli(['set', service, '--unset', 'no-such-key']);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /--unset "no-such-key" must be an environment variable name/);
    const both = await cli(['set', service, 'A=1', '--unset', 'A']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /A: set and unset at once/);
    assert.equal((await get(service)).revision, before.revision);
  });

  test('a key written past sluice (etcdctl) that no process could take is shown with a warning', async () => {
    const service = uniqueName('cfg');
    const client = new Etcd3({ hosts: centre.url });
    try {
      await client.put(`/config/${service}/production/not-a-var`).value('x');
    } finally {
      client.close();
    }
    const result = await cli(['get', service]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^not-a-var=x$/m);
    assert.match(result.stderr, /warning: key "not-a-var" must be an environment variable name.*a release would refuse/);
  });

  test('an unreachable etcd: a clear message within seconds, exit 1, and nothing half-applied', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const result = await cli(['get', 'checkout', '--etcd', nobody]);
    assert.equal(result.code, 1);
    assert.ok(Date.now() - started < 15_000, 'fails fast, no endless retry');
    assert.match(result.stderr, new RegExp(`sluice: cannot reach the config centre \\(etcd at ${nobody.replace(/\./g, '\\.')}\\)`));
    assert.doesNotMatch(result.stderr, /Resolution note|at .*\.js:\d+/);

    // The embedded centre itself down: the set fails, says how to start it, and when it is back
    // the configuration is exactly what it was (same revision: the failed set wrote nothing).
    const service = uniqueName('cfg');
    await cli(['set', service, 'LOG_LEVEL=info', '-o', 'json']);
    const before = await get(service);
    const down = await runCli(['dev', 'down', '--only', 'config-etcd'], { env: centre.env });
    assert.equal(down.code, 0, down.stderr);
    const failed = await cli(['set', service, 'LOG_LEVEL=debug', 'ERROR_RATE=1']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /cannot reach the config centre/);
    assert.match(failed.stderr, /sluice dev up --only config-etcd/);
    const up = await runCli(['dev', 'up', '--only', 'config-etcd', '--output', 'json'], { env: centre.env });
    assert.deepEqual(JSON.parse(up.stdout), { 'config-etcd': 'started' });
    const afterwards = await get(service);
    assert.deepEqual(afterwards.values, before.values);
    assert.equal(afterwards.revision, before.revision);
  });

  test('after a compaction, history starts at the compaction and older revisions are refused clearly', async () => {
    const service = uniqueName('cfg');
    const one = json<{ revision: number }>(await cli(['set', service, 'A=1', '-o', 'json']));
    const two = json<{ revision: number; version: { id: string } }>(await cli(['set', service, 'A=2', '-o', 'json']));
    const three = json<{ revision: number }>(await cli(['set', service, 'B=3', '-o', 'json']));
    const client = new Etcd3({ hosts: centre.url });
    try {
      await client.kv.compact({ revision: two.revision, physical: true });
    } finally {
      client.close();
    }
    const history = json<HistoryJson>(await cli(['history', service, '-o', 'json']));
    assert.equal(history.compactedAt, two.revision);
    assert.deepEqual(history.base && { revision: history.base.revision, id: history.base.id, values: history.base.values }, {
      revision: two.revision,
      id: two.version.id,
      values: { A: '2' },
    });
    assert.deepEqual(
      history.entries.map((e) => e.revision),
      [three.revision],
    );
    const text = await cli(['history', service]);
    assert.match(text.stdout, new RegExp(`history before revision ${two.revision} was compacted away; the state then was ${two.version.id}`));

    const old = await cli(['get', service, '--revision', String(one.revision)]);
    assert.equal(old.code, 1);
    assert.match(old.stderr, /older than the last compaction, so its values are gone/);
    assert.deepEqual((await get(service, '--revision', String(two.revision))).values, { A: '2' }, 'the compaction revision itself is still readable');
  });
});
