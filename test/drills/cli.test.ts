/**
 * The `sluice drill` schedule commands through the CLI, on the real dev server: bad input is
 * refused with the flag's name before Temporal is asked, and a schedule created from sluice.yaml
 * can be listed, paused, unpaused and deleted by name. The cron is yearly (1 January 03:00), so
 * nothing starts during the test, and the task queue is the test's own, which no worker polls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeResult, runCli, specDir } from '../cli/helpers';
import { uniqueName } from '../helpers/stack';

test('drill schedule: refused input, then schedule, list, pause, unpause, delete from the CLI', async (t) => {
  const service = uniqueName('drcli');
  const taskQueue = uniqueName('drcli-q');
  const d = specDir(
    [
      `service: ${service}`,
      'environment: staging',
      'source: { kind: prebuilt, version: "1.0.0+aaaaaaa", binaryPath: /tmp/sluice-drill-cli/bin }',
      'target: { kind: process, settings: {} }',
      'strategy: { kind: recreate }',
    ].join('\n'),
  );
  const cli = (args: string[]) => runCli(['drill', ...args, '--task-queue', taskQueue], { cwd: d.dir, timeoutMs: 60_000 });
  const ref = [service, 'staging', '--kind', 'bad-canary'];
  // One hook, in order: the schedule goes (if a failure left it), then the spec's directory.
  t.after(async () => {
    await cli(['delete', ...ref]);
    d.remove();
  });

  const bad = await cli(['schedule', ...ref, '--every', '5x']);
  assert.equal(bad.code, 1, describeResult(bad));
  assert.match(bad.stderr, /--every must be an interval like "168h"/);
  const both = await cli(['schedule', ...ref, '--every', '1h', '--cron', '0 3 * * 1']);
  assert.match(both.stderr, /exactly one of --every <interval> or --cron <expression>/);
  const cron = await cli(['schedule', ...ref, '--cron', '0 25 * * 1']);
  assert.match(cron.stderr, /--cron is not a cron expression/);
  const missing = await cli(['pause', ...ref]);
  assert.equal(missing.code, 1, describeResult(missing));
  assert.match(missing.stderr, new RegExp(`no drill schedule drill/${service}/staging/bad-canary`));

  const created = await cli(['schedule', ...ref, '--cron', '0 3 1 1 *']);
  assert.equal(created.code, 0, describeResult(created));
  assert.match(created.stdout, new RegExp(`created drill/${service}/staging/bad-canary: bad-canary drill of ${service} in staging, cron 0 3 1 1 \\* \\(UTC\\)`));
  const updated = await cli(['schedule', ...ref, '--every', '168h', '-o', 'json']);
  assert.equal(JSON.parse(updated.stdout).created, false, describeResult(updated));

  const paused = await cli(['pause', ...ref, '--note', 'freeze']);
  assert.equal(paused.code, 0, describeResult(paused));
  // `list` reads visibility (eventually consistent): ask until the schedule shows up.
  let listed: { scheduleId: string; paused: boolean; note?: string; cadence: string }[] = [];
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && listed.length === 0;) {
    const l = await cli(['list', service, '-o', 'json']);
    assert.equal(l.code, 0, describeResult(l));
    listed = JSON.parse(l.stdout);
  }
  assert.deepEqual(
    listed.map((s) => [s.scheduleId, s.paused, s.note, s.cadence]),
    [[`drill/${service}/staging/bad-canary`, true, 'freeze', 'every 168h']],
  );
  assert.equal((await cli(['unpause', ...ref])).code, 0);
  const deleted = await cli(['delete', ...ref]);
  assert.equal(deleted.code, 0, describeResult(deleted));
  assert.match((await cli(['delete', ...ref])).stderr, /no drill schedule/);
});
