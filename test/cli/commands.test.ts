import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestRepo } from '../build/helpers';
import { freePort, uniqueName } from '../helpers/stack';
import { describeResult, runCli, specDir, startCli, waitForOutput } from './helpers';
import { fixtureSpec, startCliWorker, VERSIONS, type CliWorker } from './worker-fixture';

/**
 * Every `sluice` command end to end: the CLI runs as a child process against the shared Temporal
 * dev server and a real worker running the real workflows (see worker-fixture.ts).
 */
describe('sluice CLI end to end', { timeout: 600_000 }, () => {
  let w: CliWorker;
  const cleanups: (() => void)[] = [];
  const cli = (args: string[], cwd?: string) => runCli(args, { env: w.env, cwd });

  before(async () => {
    w = await startCliWorker();
  });
  after(async () => {
    cleanups.forEach((c) => c());
    await w?.close();
  });

  function newSpec(service: string, version: string, steps: string) {
    const d = specDir(fixtureSpec(w, service, version, steps));
    cleanups.push(d.remove);
    return d;
  }

  test('deploy --wait: a good release is promoted, exit 0; status, history and releases show it', async () => {
    const service = uniqueName('cli-ok');
    await w.seedStable(service, 'production', VERSIONS.v1);
    const d = newSpec(service, VERSIONS.v2, '[ { setWeight: 20 }, { analysis: { window: 1s } }, { setWeight: 100 } ]');
    const r = await cli(['deploy', '--wait'], d.dir);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /workflow deploy\/.+\/production/);
    assert.match(r.stdout, /web ui\s+http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/deploy%2F/);
    assert.match(r.stdout, /weight\s+candidate weight 20%/, describeResult(r));
    assert.match(r.stdout, new RegExp(`promoted ${service} 2\\.0\\.0\\+bbbbbbb`), describeResult(r));

    const s = await cli(['status', '-o', 'json'], d.dir);
    assert.equal(s.code, 0, describeResult(s));
    const snap = JSON.parse(s.stdout) as { execution: string; result: { outcome: string }; link: string };
    assert.equal(snap.execution, 'COMPLETED');
    assert.equal(snap.result.outcome, 'promoted');

    const text = await cli(['status', service, 'production']);
    assert.equal(text.code, 0, describeResult(text));
    assert.match(text.stdout, /result\s+promoted/);

    const h = await cli(['history', service, 'production', '-o', 'json']);
    assert.equal(h.code, 0, describeResult(h));
    const entries = JSON.parse(h.stdout) as { outcome: string; version: string; kind: string }[];
    assert.deepEqual(
      entries.map((e) => [e.kind, e.outcome, e.version]),
      [['deploy', 'promoted', VERSIONS.v2]],
    );

    const rel = await cli(['releases', service, 'production', '-o', 'json']);
    assert.equal(rel.code, 0, describeResult(rel));
    const listed = JSON.parse(rel.stdout) as { live: string; releases: { version: string }[] };
    assert.deepEqual(
      listed.releases.map((x) => x.version),
      [VERSIONS.bad, VERSIONS.v2, VERSIONS.v1],
    );
    assert.equal(listed.live, VERSIONS.v2);
  });

  test('deploy --wait: a release failing its health check is rolled back, exit 3; JSON output', async () => {
    const service = uniqueName('cli-bad');
    await w.seedStable(service, 'production', VERSIONS.v1);
    const d = newSpec(service, VERSIONS.bad, '[ { setWeight: 20 }, { analysis: { window: 3s } }, { setWeight: 100 } ]');
    const r = await cli(['deploy', '--wait', '--output', 'json', '-f', d.file]);
    assert.equal(r.code, 3, describeResult(r));
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; result?: { outcome: string; reason: string } });
    assert.equal(lines[0]!.type, 'started');
    assert.ok(lines.some((l) => l.type === 'status'));
    const last = lines.at(-1)!;
    assert.equal(last.type, 'result');
    assert.equal(last.result!.outcome, 'rolled-back');
    assert.equal(last.result!.reason, 'HealthCheckFailed');
  });

  test('deploy --wait: a build that fails after the version is known names that version, exit 1', async () => {
    const service = uniqueName('cli-nobuild');
    // A tagged repository the build activity refuses (no go.mod): it fails right after resolveVersion.
    const repo = TestRepo.create('cli-nobuild');
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-cli-nobuild-'));
    cleanups.push(
      () => repo.remove(),
      () => rmSync(stateDir, { recursive: true, force: true }),
    );
    repo.commit('docs: no Go module here');
    repo.git('tag', 'v3.1.0');
    const version = `3.1.0+${repo.short()}`;
    const d = specDir(
      [
        `service: ${service}`,
        `source: { kind: build, repoDir: ${JSON.stringify(repo.dir)} }`,
        `target: { kind: process, settings: { stateDir: ${JSON.stringify(stateDir)}, basePort: ${await freePort()} } }`,
        'strategy: { kind: recreate }',
      ].join('\n'),
    );
    cleanups.push(d.remove);
    const r = await cli(['deploy', '--wait', '-f', d.file]);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stdout, new RegExp(`^FAILED ${service} ${version.replace(/[.+]/g, '\\$&')}: .*not a Go module`, 'm'), describeResult(r));
    const json = await cli(['status', service, 'production', '-o', 'json']);
    const snap = JSON.parse(json.stdout) as { result: { outcome: string; release: { version: string } | null } };
    assert.equal(snap.result.outcome, 'failed', json.stdout);
    assert.equal(snap.result.release?.version, version, json.stdout);
  });

  test('approve unblocks a manual gate; a second approve is refused', async () => {
    const service = uniqueName('cli-gate');
    await w.seedStable(service, 'production', VERSIONS.v1);
    const d = newSpec(service, VERSIONS.v2, '[ { setWeight: 10 }, { pause: {} }, { setWeight: 100 } ]');
    const deploy = startCli(['deploy', '--wait', '-f', d.file], { env: w.env });
    try {
      await waitForOutput(deploy, 'approval-requested');
      const status = await cli(['status', service, 'production']);
      assert.match(status.stdout, /approval waiting at/, describeResult(status));
      const ok = await cli(['approve', service, 'production', '--by', 'alice']);
      assert.equal(ok.code, 0, describeResult(ok));
      assert.match(ok.stdout, /approved .* as alice/);
      const r = await deploy.done;
      assert.equal(r.code, 0, describeResult(r));
      const again = await cli(['approve', service, 'production']);
      assert.equal(again.code, 1, describeResult(again));
      assert.match(again.stderr, /already ended|refused/);
    } finally {
      deploy.kill('SIGKILL');
    }
  });

  test('abort from a second process while deploy --wait streams: exit 4', async () => {
    const service = uniqueName('cli-abort');
    await w.seedStable(service, 'production', VERSIONS.v1);
    const d = newSpec(service, VERSIONS.v2, '[ { setWeight: 10 }, { pause: { duration: 60s } }, { setWeight: 100 } ]');
    const deploy = startCli(['deploy', '--wait', '-f', d.file], { env: w.env });
    try {
      await waitForOutput(deploy, /weight\s+candidate weight 10%/);
      const a = await cli(['abort', service, 'production', '--reason', 'cli test', '--by', 'bob']);
      assert.equal(a.code, 0, describeResult(a));
      assert.match(a.stdout, /abort sent/);
      const r = await deploy.done;
      assert.equal(r.code, 4, describeResult(r));
      assert.match(r.stdout, /ABORTED/);
    } finally {
      deploy.kill('SIGKILL');
    }
  });

  test('pause and resume hold and release a running deploy; watch exits with the outcome', async () => {
    const service = uniqueName('cli-pause');
    await w.seedStable(service, 'production', VERSIONS.v1);
    // The pause is sent while the release waits at an approval gate, so it is in before the next
    // step boundary however slowly the CLI starts; the approve then lets it reach that boundary.
    const d = newSpec(service, VERSIONS.v2, '[ { setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { setWeight: 100 } ]');
    const started = await cli(['deploy', '-f', d.file, '-o', 'json']);
    assert.equal(started.code, 0, describeResult(started));
    type Snap = { execution: string; status: { phase: string; paused: boolean; weight: number; stepIndex: number } };
    const snapshot = async (): Promise<Snap> => {
      const s = await cli(['status', service, 'production', '-o', 'json']);
      assert.equal(s.code, 0, describeResult(s));
      return JSON.parse(s.stdout) as Snap;
    };
    let gate = await snapshot();
    for (let i = 0; i < 60 && gate.status.phase !== 'awaiting-approval'; i++) gate = await snapshot();
    assert.equal(gate.status.phase, 'awaiting-approval', JSON.stringify(gate));
    const p = await cli(['pause', service, 'production']);
    assert.equal(p.code, 0, describeResult(p));
    const ok = await cli(['approve', service, 'production', '--by', 'alice']);
    assert.equal(ok.code, 0, describeResult(ok));
    // Paused: it stops at the next step boundary (phase paused) and holds there; in 4 s a release
    // that did not hold would have taken its two remaining steps.
    let held = await snapshot();
    for (let i = 0; i < 60 && held.status.phase !== 'paused'; i++) held = await snapshot();
    assert.equal(held.status.phase, 'paused', JSON.stringify(held));
    await new Promise((r) => setTimeout(r, 4000));
    const snap = await snapshot();
    assert.equal(snap.execution, 'RUNNING', JSON.stringify(snap));
    assert.equal(snap.status.paused, true);
    assert.deepEqual([snap.status.phase, snap.status.stepIndex, snap.status.weight], ['paused', held.status.stepIndex, held.status.weight], 'no step taken while paused');
    assert.ok(snap.status.weight < 100, `held below 100%: ${snap.status.weight}`);
    const watch = startCli(['watch', service, 'production'], { env: w.env });
    await waitForOutput(watch, 'workflow deploy/');
    const res = await cli(['resume', service, 'production']);
    assert.equal(res.code, 0, describeResult(res));
    const r = await watch.done;
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /promoted/);
  });

  test('rollback --to a retained version; history lists the releases and the rollback', async () => {
    const service = uniqueName('cli-rb');
    await w.seedStable(service, 'production', VERSIONS.v1);
    const d = newSpec(service, VERSIONS.v2, '[ { setWeight: 50 }, { setWeight: 100 } ]');
    assert.equal((await cli(['deploy', '--wait', '-f', d.file])).code, 0);
    const rb = await cli(['rollback', service, 'production', '--to', '1.0.0', '--wait']);
    assert.equal(rb.code, 0, describeResult(rb));
    assert.match(rb.stdout, /rolled-back: rolled back from 2\.0\.0\+bbbbbbb to 1\.0\.0\+aaaaaaa/, describeResult(rb));
    assert.match(rb.stdout, /workflow rollback\//);
    const missing = await cli(['rollback', service, 'production', '--to', '9.9.9', '--wait']);
    assert.equal(missing.code, 1, describeResult(missing));
    const h = await cli(['history', service, 'production']);
    assert.equal(h.code, 0, describeResult(h));
    assert.match(h.stdout, /rollback\s+1\.0\.0\+aaaaaaa\s+rolled-back/, describeResult(h));
    assert.match(h.stdout, /deploy\s+2\.0\.0\+bbbbbbb\s+promoted/, describeResult(h));
    assert.match(h.stdout, /query: WorkflowType IN/);
  });

  test('a second deploy while one runs is refused, naming the running workflow', async () => {
    const service = uniqueName('cli-dup');
    await w.seedStable(service, 'production', VERSIONS.v1);
    const d = newSpec(service, VERSIONS.v2, '[ { setWeight: 10 }, { pause: {} } ]');
    assert.equal((await cli(['deploy', '-f', d.file])).code, 0);
    const again = await cli(['deploy', '-f', d.file]);
    assert.equal(again.code, 1, describeResult(again));
    assert.match(again.stderr, new RegExp(`already running: workflow deploy/${service}/production`));
    assert.equal((await cli(['abort', service, 'production'])).code, 0);
    const r = await cli(['watch', service, 'production']);
    assert.equal(r.code, 4, describeResult(r));
  });
});
