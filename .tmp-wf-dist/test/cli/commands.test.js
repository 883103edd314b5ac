"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const stack_1 = require("../helpers/stack");
const helpers_1 = require("./helpers");
const worker_fixture_1 = require("./worker-fixture");
/**
 * Every `sluice` command end to end: the CLI runs as a child process against the shared Temporal
 * dev server and a real worker running the real workflows (see worker-fixture.ts).
 */
(0, node_test_1.describe)('sluice CLI end to end', { timeout: 600_000 }, () => {
    let w;
    const cleanups = [];
    const cli = (args, cwd) => (0, helpers_1.runCli)(args, { env: w.env, cwd });
    (0, node_test_1.before)(async () => {
        w = await (0, worker_fixture_1.startCliWorker)();
    });
    (0, node_test_1.after)(async () => {
        cleanups.forEach((c) => c());
        await w?.close();
    });
    function newSpec(service, version, steps) {
        const d = (0, helpers_1.specDir)((0, worker_fixture_1.fixtureSpec)(w, service, version, steps));
        cleanups.push(d.remove);
        return d;
    }
    (0, node_test_1.test)('deploy --wait: a good release is promoted, exit 0; status, history and releases show it', async () => {
        const service = (0, stack_1.uniqueName)('cli-ok');
        w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
        const d = newSpec(service, worker_fixture_1.VERSIONS.v2, '[ { setWeight: 20 }, { analysis: { window: 1s } }, { setWeight: 100 } ]');
        const r = await cli(['deploy', '--wait'], d.dir);
        strict_1.default.equal(r.code, 0, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stdout, /workflow deploy\/.+\/production/);
        strict_1.default.match(r.stdout, /web ui\s+http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/deploy%2F/);
        strict_1.default.match(r.stdout, /weight\s+.*20/, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stdout, new RegExp(`promoted ${service} 2\\.0\\.0\\+bbbbbbb`), (0, helpers_1.describeResult)(r));
        const s = await cli(['status', '-o', 'json'], d.dir);
        strict_1.default.equal(s.code, 0, (0, helpers_1.describeResult)(s));
        const snap = JSON.parse(s.stdout);
        strict_1.default.equal(snap.execution, 'COMPLETED');
        strict_1.default.equal(snap.result.outcome, 'promoted');
        const text = await cli(['status', service, 'production']);
        strict_1.default.equal(text.code, 0, (0, helpers_1.describeResult)(text));
        strict_1.default.match(text.stdout, /result\s+promoted/);
        const h = await cli(['history', service, 'production', '-o', 'json']);
        strict_1.default.equal(h.code, 0, (0, helpers_1.describeResult)(h));
        const entries = JSON.parse(h.stdout);
        strict_1.default.deepEqual(entries.map((e) => [e.kind, e.outcome, e.version]), [['deploy', 'promoted', worker_fixture_1.VERSIONS.v2]]);
        const rel = await cli(['releases', service, 'production', '-o', 'json']);
        strict_1.default.equal(rel.code, 0, (0, helpers_1.describeResult)(rel));
        const listed = JSON.parse(rel.stdout);
        strict_1.default.deepEqual(listed.releases.map((x) => x.version), [worker_fixture_1.VERSIONS.bad, worker_fixture_1.VERSIONS.v2, worker_fixture_1.VERSIONS.v1]);
        strict_1.default.equal(listed.live, worker_fixture_1.VERSIONS.v2);
    });
    (0, node_test_1.test)('deploy --wait: a release failing its health check is rolled back, exit 3; JSON output', async () => {
        const service = (0, stack_1.uniqueName)('cli-bad');
        w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
        const d = newSpec(service, worker_fixture_1.VERSIONS.bad, '[ { setWeight: 20 }, { analysis: { window: 3s } }, { setWeight: 100 } ]');
        const r = await cli(['deploy', '--wait', '--output', 'json', '-f', d.file]);
        strict_1.default.equal(r.code, 3, (0, helpers_1.describeResult)(r));
        const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
        strict_1.default.equal(lines[0].type, 'started');
        strict_1.default.ok(lines.some((l) => l.type === 'status'));
        const last = lines.at(-1);
        strict_1.default.equal(last.type, 'result');
        strict_1.default.equal(last.result.outcome, 'rolled-back');
        strict_1.default.equal(last.result.reason, 'HealthCheckFailed');
    });
    (0, node_test_1.test)('approve unblocks a manual gate; a second approve is refused', async () => {
        const service = (0, stack_1.uniqueName)('cli-gate');
        w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
        const d = newSpec(service, worker_fixture_1.VERSIONS.v2, '[ { setWeight: 10 }, { pause: {} }, { setWeight: 100 } ]');
        const deploy = (0, helpers_1.startCli)(['deploy', '--wait', '-f', d.file], { env: w.env });
        try {
            await (0, helpers_1.waitForOutput)(deploy, 'approval-requested');
            const status = await cli(['status', service, 'production']);
            strict_1.default.match(status.stdout, /approval waiting at/, (0, helpers_1.describeResult)(status));
            const ok = await cli(['approve', service, 'production', '--by', 'alice']);
            strict_1.default.equal(ok.code, 0, (0, helpers_1.describeResult)(ok));
            strict_1.default.match(ok.stdout, /approved .* as alice/);
            const r = await deploy.done;
            strict_1.default.equal(r.code, 0, (0, helpers_1.describeResult)(r));
            const again = await cli(['approve', service, 'production']);
            strict_1.default.equal(again.code, 1, (0, helpers_1.describeResult)(again));
            strict_1.default.match(again.stderr, /already ended|refused/);
        }
        finally {
            deploy.kill('SIGKILL');
        }
    });
    (0, node_test_1.test)('abort from a second process while deploy --wait streams: exit 4', async () => {
        const service = (0, stack_1.uniqueName)('cli-abort');
        w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
        const d = newSpec(service, worker_fixture_1.VERSIONS.v2, '[ { setWeight: 10 }, { pause: { duration: 60s } }, { setWeight: 100 } ]');
        const deploy = (0, helpers_1.startCli)(['deploy', '--wait', '-f', d.file], { env: w.env });
        try {
            await (0, helpers_1.waitForOutput)(deploy, /weight\s+.*10/);
            const a = await cli(['abort', service, 'production', '--reason', 'cli test', '--by', 'bob']);
            strict_1.default.equal(a.code, 0, (0, helpers_1.describeResult)(a));
            strict_1.default.match(a.stdout, /abort sent/);
            const r = await deploy.done;
            strict_1.default.equal(r.code, 4, (0, helpers_1.describeResult)(r));
            strict_1.default.match(r.stdout, /ABORTED/);
        }
        finally {
            deploy.kill('SIGKILL');
        }
    });
    (0, node_test_1.test)('pause and resume hold and release a running deploy; watch exits with the outcome', async () => {
        const service = (0, stack_1.uniqueName)('cli-pause');
        w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
        const d = newSpec(service, worker_fixture_1.VERSIONS.v2, '[ { setWeight: 10 }, { pause: { duration: 2s } }, { setWeight: 50 }, { setWeight: 100 } ]');
        const started = await cli(['deploy', '-f', d.file, '-o', 'json']);
        strict_1.default.equal(started.code, 0, (0, helpers_1.describeResult)(started));
        const p = await cli(['pause', service, 'production']);
        strict_1.default.equal(p.code, 0, (0, helpers_1.describeResult)(p));
        // Paused: it holds at a step boundary, so after the 2 s pause it must not reach 100%.
        await new Promise((r) => setTimeout(r, 4000));
        const s = await cli(['status', service, 'production', '-o', 'json']);
        const snap = JSON.parse(s.stdout);
        strict_1.default.equal(snap.execution, 'RUNNING', s.stdout);
        strict_1.default.equal(snap.status.paused, true);
        strict_1.default.notEqual(snap.status.weight, 100);
        const watch = (0, helpers_1.startCli)(['watch', service, 'production'], { env: w.env });
        await (0, helpers_1.waitForOutput)(watch, 'workflow deploy/');
        const res = await cli(['resume', service, 'production']);
        strict_1.default.equal(res.code, 0, (0, helpers_1.describeResult)(res));
        const r = await watch.done;
        strict_1.default.equal(r.code, 0, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stdout, /promoted/);
    });
    (0, node_test_1.test)('rollback --to a retained version; history lists the releases and the rollback', async () => {
        const service = (0, stack_1.uniqueName)('cli-rb');
        w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
        const d = newSpec(service, worker_fixture_1.VERSIONS.v2, '[ { setWeight: 50 }, { setWeight: 100 } ]');
        strict_1.default.equal((await cli(['deploy', '--wait', '-f', d.file])).code, 0);
        const rb = await cli(['rollback', service, 'production', '--to', '1.0.0', '--wait']);
        strict_1.default.equal(rb.code, 0, (0, helpers_1.describeResult)(rb));
        strict_1.default.match(rb.stdout, /rolled-back: rolled back from 2\.0\.0\+bbbbbbb to 1\.0\.0\+aaaaaaa/, (0, helpers_1.describeResult)(rb));
        strict_1.default.match(rb.stdout, /workflow rollback\//);
        const missing = await cli(['rollback', service, 'production', '--to', '9.9.9', '--wait']);
        strict_1.default.equal(missing.code, 1, (0, helpers_1.describeResult)(missing));
        const h = await cli(['history', service, 'production']);
        strict_1.default.equal(h.code, 0, (0, helpers_1.describeResult)(h));
        strict_1.default.match(h.stdout, /rollback\s+1\.0\.0\+aaaaaaa\s+rolled-back/, (0, helpers_1.describeResult)(h));
        strict_1.default.match(h.stdout, /deploy\s+2\.0\.0\+bbbbbbb\s+promoted/, (0, helpers_1.describeResult)(h));
        strict_1.default.match(h.stdout, /query: WorkflowType IN/);
    });
    (0, node_test_1.test)('a second deploy while one runs is refused, naming the running workflow', async () => {
        const service = (0, stack_1.uniqueName)('cli-dup');
        w.seedStable(service, 'production', worker_fixture_1.VERSIONS.v1);
        const d = newSpec(service, worker_fixture_1.VERSIONS.v2, '[ { setWeight: 10 }, { pause: {} } ]');
        strict_1.default.equal((await cli(['deploy', '-f', d.file])).code, 0);
        const again = await cli(['deploy', '-f', d.file]);
        strict_1.default.equal(again.code, 1, (0, helpers_1.describeResult)(again));
        strict_1.default.match(again.stderr, new RegExp(`already running: workflow deploy/${service}/production`));
        strict_1.default.equal((await cli(['abort', service, 'production'])).code, 0);
        const r = await cli(['watch', service, 'production']);
        strict_1.default.equal(r.code, 4, (0, helpers_1.describeResult)(r));
    });
});
//# sourceMappingURL=commands.test.js.map