import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freePort, uniqueName } from '../helpers/stack';
import { describeResult, runCli, specDir } from './helpers';

const COMMANDS = ['deploy', 'status', 'watch', 'abort', 'approve', 'pause', 'resume', 'rollback', 'history', 'releases', 'worker', 'demo'];

describe('sluice CLI: bad input gets a clear error and a non-zero exit', () => {
  const dirs: { remove: () => void }[] = [];
  after(() => dirs.forEach((d) => d.remove()));

  test('malformed sluice.yaml: YAML error with file, line and column; exit 1', async () => {
    const d = specDir('service: x\nstrategy:\n  kind: canary\n  steps: [ {setWeight: 10}\n');
    dirs.push(d);
    const r = await runCli(['deploy', '--wait'], { cwd: d.dir });
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /invalid spec sluice\.yaml/, describeResult(r));
    assert.match(r.stderr, /sluice\.yaml:\d+:\d+: YAML /, describeResult(r));
  });

  test('invalid fields: each error names file:line:col and the field path; nothing starts', async () => {
    const service = uniqueName('badspec');
    const d = specDir(
      [
        `service: ${service}`,
        'source: { kind: build, repoDir: ., imageRepo: 127.0.0.1:5000/x }',
        'target: { kind: docker }',
        'strategy:',
        '  kind: canary',
        '  steps:',
        '    - setWeight: 150',
        '    - pause: { duration: soon }',
        'environments:',
        '  production:',
        '    retention: { keep: 1 }',
      ].join('\n'),
    );
    dirs.push(d);
    const r = await runCli(['deploy', '-f', d.file, '--env', 'production'], {});
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /sluice\.yaml:7:7: strategy\.steps\[0\]\.weight: /, describeResult(r));
    assert.match(r.stderr, /sluice\.yaml:8:7: strategy\.steps\[1\]\.duration: must be a duration/, describeResult(r));
    // The override under environments.production is where the user wrote it.
    assert.match(r.stderr, /sluice\.yaml:11:\d+: retention\.keep: /, describeResult(r));
    // Nothing was started for this service: Temporal answers, and knows no such deployment.
    const s = await runCli(['status', service, 'production']);
    assert.equal(s.code, 1, describeResult(s));
    assert.match(s.stderr, new RegExp(`no deployment deploy/${service}/production`), describeResult(s));
  });

  test('an image repository the build would refuse is refused at the edge: file:line:col, field; nothing starts', async () => {
    const service = uniqueName('badrepo');
    const d = specDir(
      [`service: ${service}`, 'source:', '  kind: build', '  repoDir: .', '  imageRepo: "127.0.0.1:5000/x$(id)"', 'target: { kind: docker }', 'strategy: { kind: recreate }'].join(
        '\n',
      ),
    );
    dirs.push(d);
    const r = await runCli(['deploy', '-f', d.file, '--env', 'production', '--wait'], {});
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /invalid spec .*sluice\.yaml \(1 problem\)/, describeResult(r));
    assert.match(r.stderr, /sluice\.yaml:5:14: source\.imageRepo: image repository must look like 127\.0\.0\.1:5000\/name/, describeResult(r));
    assert.doesNotMatch(r.stdout, /workflow|started/, describeResult(r));
    // Nothing was started: Temporal answers, and knows no deployment of this service.
    const s = await runCli(['status', service, 'production']);
    assert.equal(s.code, 1, describeResult(s));
    assert.match(s.stderr, new RegExp(`no deployment deploy/${service}/production`), describeResult(s));
  });

  test('an environment the spec does not define is named', async () => {
    const d = specDir('service: x\nenvironments:\n  staging: {}\n');
    dirs.push(d);
    const r = await runCli(['deploy', '--env', 'production'], { cwd: d.dir });
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /no environment "production" \(defined: staging\)/, describeResult(r));
  });

  test('missing sluice.yaml is reported by name', async () => {
    const d = specDir('');
    dirs.push(d);
    const r = await runCli(['deploy', '-f', 'nope.yaml'], { cwd: d.dir });
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /nope\.yaml.*no such file/, describeResult(r));
  });

  test('unknown service: status, abort, approve and history say so and exit 1', async () => {
    const service = uniqueName('ghost');
    for (const cmd of ['status', 'abort', 'approve', 'pause']) {
      const r = await runCli([cmd, service, 'production']);
      assert.equal(r.code, 1, `${cmd}: ${describeResult(r)}`);
      assert.match(r.stderr, new RegExp(`no deployment deploy/${service}/production`), `${cmd}: ${describeResult(r)}`);
    }
    const h = await runCli(['history', service, 'production']);
    assert.equal(h.code, 0, describeResult(h));
    assert.match(h.stdout, new RegExp(`no releases of ${service} in production`), describeResult(h));
  });

  test('Temporal unreachable: the message names the address tried', async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const viaFlag = await runCli(['status', 'anything', 'production', '--address', address]);
    assert.equal(viaFlag.code, 1, describeResult(viaFlag));
    assert.match(viaFlag.stderr, new RegExp(`cannot reach Temporal at ${address.replace(/\./g, '\\.')}`), describeResult(viaFlag));
    const viaEnv = await runCli(['history', 'anything', 'production'], { env: { TEMPORAL_ADDRESS: address } });
    assert.equal(viaEnv.code, 1, describeResult(viaEnv));
    assert.match(viaEnv.stderr, new RegExp(`cannot reach Temporal at ${address.replace(/\./g, '\\.')}`), describeResult(viaEnv));
  });

  test('no service and no sluice.yaml: usage error', async () => {
    const d = specDir('');
    dirs.push(d);
    const r = await runCli(['status', '-f', 'absent.yaml'], { cwd: d.dir });
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /absent\.yaml/, describeResult(r));
  });

  test('--help on every command shows examples', async () => {
    for (const cmd of COMMANDS) {
      const r = await runCli([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd}: ${describeResult(r)}`);
      assert.match(r.stdout, /Examples:\n\s+sluice /, `${cmd} --help has examples: ${r.stdout}`);
    }
  });
});
