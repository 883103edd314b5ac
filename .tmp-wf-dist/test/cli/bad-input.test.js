"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const stack_1 = require("../helpers/stack");
const helpers_1 = require("./helpers");
const COMMANDS = ['deploy', 'status', 'watch', 'abort', 'approve', 'pause', 'resume', 'rollback', 'history', 'releases', 'worker', 'demo'];
(0, node_test_1.describe)('sluice CLI: bad input gets a clear error and a non-zero exit', () => {
    const dirs = [];
    (0, node_test_1.after)(() => dirs.forEach((d) => d.remove()));
    (0, node_test_1.test)('malformed sluice.yaml: YAML error with file, line and column; exit 1', async () => {
        const d = (0, helpers_1.specDir)('service: x\nstrategy:\n  kind: canary\n  steps: [ {setWeight: 10}\n');
        dirs.push(d);
        const r = await (0, helpers_1.runCli)(['deploy', '--wait'], { cwd: d.dir });
        strict_1.default.equal(r.code, 1, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stderr, /invalid spec sluice\.yaml/, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stderr, /sluice\.yaml:\d+:\d+: YAML /, (0, helpers_1.describeResult)(r));
    });
    (0, node_test_1.test)('invalid fields: each error names file:line:col and the field path; nothing starts', async () => {
        const service = (0, stack_1.uniqueName)('badspec');
        const d = (0, helpers_1.specDir)([
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
        ].join('\n'));
        dirs.push(d);
        const r = await (0, helpers_1.runCli)(['deploy', '-f', d.file, '--env', 'production'], {});
        strict_1.default.equal(r.code, 1, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stderr, /sluice\.yaml:7:7: strategy\.steps\[0\]\.weight: /, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stderr, /sluice\.yaml:8:7: strategy\.steps\[1\]\.duration: must be a duration/, (0, helpers_1.describeResult)(r));
        // The override under environments.production is where the user wrote it.
        strict_1.default.match(r.stderr, /sluice\.yaml:11:\d+: retention\.keep: /, (0, helpers_1.describeResult)(r));
        // Nothing was started for this service.
        const s = await (0, helpers_1.runCli)(['status', service, 'production']);
        strict_1.default.equal(s.code, 1, (0, helpers_1.describeResult)(s));
    });
    (0, node_test_1.test)('an environment the spec does not define is named', async () => {
        const d = (0, helpers_1.specDir)('service: x\nenvironments:\n  staging: {}\n');
        dirs.push(d);
        const r = await (0, helpers_1.runCli)(['deploy', '--env', 'production'], { cwd: d.dir });
        strict_1.default.equal(r.code, 1, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stderr, /no environment "production" \(defined: staging\)/, (0, helpers_1.describeResult)(r));
    });
    (0, node_test_1.test)('missing sluice.yaml is reported by name', async () => {
        const d = (0, helpers_1.specDir)('');
        dirs.push(d);
        const r = await (0, helpers_1.runCli)(['deploy', '-f', 'nope.yaml'], { cwd: d.dir });
        strict_1.default.equal(r.code, 1, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stderr, /nope\.yaml.*no such file/, (0, helpers_1.describeResult)(r));
    });
    (0, node_test_1.test)('unknown service: status, abort, approve and history say so and exit 1', async () => {
        const service = (0, stack_1.uniqueName)('ghost');
        for (const cmd of ['status', 'abort', 'approve', 'pause']) {
            const r = await (0, helpers_1.runCli)([cmd, service, 'production']);
            strict_1.default.equal(r.code, 1, `${cmd}: ${(0, helpers_1.describeResult)(r)}`);
            strict_1.default.match(r.stderr, new RegExp(`no deployment deploy/${service}/production`), `${cmd}: ${(0, helpers_1.describeResult)(r)}`);
        }
        const h = await (0, helpers_1.runCli)(['history', service, 'production']);
        strict_1.default.equal(h.code, 0, (0, helpers_1.describeResult)(h));
        strict_1.default.match(h.stdout, new RegExp(`no releases of ${service} in production`), (0, helpers_1.describeResult)(h));
    });
    (0, node_test_1.test)('Temporal unreachable: the message names the address tried', async () => {
        const port = await (0, stack_1.freePort)();
        const address = `127.0.0.1:${port}`;
        const viaFlag = await (0, helpers_1.runCli)(['status', 'anything', 'production', '--address', address]);
        strict_1.default.equal(viaFlag.code, 1, (0, helpers_1.describeResult)(viaFlag));
        strict_1.default.match(viaFlag.stderr, new RegExp(`cannot reach Temporal at ${address.replace(/\./g, '\\.')}`), (0, helpers_1.describeResult)(viaFlag));
        const viaEnv = await (0, helpers_1.runCli)(['history', 'anything', 'production'], { env: { TEMPORAL_ADDRESS: address } });
        strict_1.default.equal(viaEnv.code, 1, (0, helpers_1.describeResult)(viaEnv));
        strict_1.default.match(viaEnv.stderr, new RegExp(`cannot reach Temporal at ${address.replace(/\./g, '\\.')}`), (0, helpers_1.describeResult)(viaEnv));
    });
    (0, node_test_1.test)('no service and no sluice.yaml: usage error', async () => {
        const d = (0, helpers_1.specDir)('');
        dirs.push(d);
        const r = await (0, helpers_1.runCli)(['status', '-f', 'absent.yaml'], { cwd: d.dir });
        strict_1.default.equal(r.code, 1, (0, helpers_1.describeResult)(r));
        strict_1.default.match(r.stderr, /absent\.yaml/, (0, helpers_1.describeResult)(r));
    });
    (0, node_test_1.test)('--help on every command shows examples', async () => {
        for (const cmd of COMMANDS) {
            const r = await (0, helpers_1.runCli)([cmd, '--help']);
            strict_1.default.equal(r.code, 0, `${cmd}: ${(0, helpers_1.describeResult)(r)}`);
            strict_1.default.match(r.stdout, /Examples:\n\s+sluice /, `${cmd} --help has examples: ${r.stdout}`);
        }
    });
});
//# sourceMappingURL=bad-input.test.js.map