"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const duration_1 = require("../../src/domain/duration");
const release_1 = require("../../src/domain/release");
const validate_1 = require("../../src/domain/validate");
const ids_1 = require("../../src/workflows/ids");
const rollback_1 = require("../../src/workflows/rollback");
const base = {
    service: 'go-service',
    environment: 'production',
    source: { kind: 'build', repoDir: '/src/go-service', imageRepo: '127.0.0.1:5000/go-service' },
    target: { kind: 'docker' },
    router: { kind: 'haproxy', settings: { port: 18080 } },
    strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '5s' } }, { setWeight: 50 }, { pause: {} }, { analysis: { window: '20s' } }] },
};
(0, node_test_1.test)('a valid spec gets its defaults, and Argo-style step shorthand becomes tagged steps', () => {
    const spec = (0, validate_1.validateReleaseSpec)(base);
    strict_1.default.deepEqual(spec.strategy.kind === 'canary' && spec.strategy.steps, [
        { kind: 'setWeight', weight: 10 },
        { kind: 'pause', duration: '5s' },
        { kind: 'setWeight', weight: 50 },
        { kind: 'pause' },
        { kind: 'analysis', window: '20s' },
    ]);
    strict_1.default.deepEqual(spec.healthCheck, { paths: ['/healthz', '/readyz'], interval: '1s', window: '10s', failureThreshold: 3, timeout: '2s' });
    strict_1.default.deepEqual(spec.target, { kind: 'docker', settings: {} });
    strict_1.default.equal(spec.retention.keep, 5);
    strict_1.default.deepEqual(spec.approval, { approvers: [] });
});
(0, node_test_1.test)('bad specs are refused with one error per field, naming the path', () => {
    const result = (0, validate_1.parseReleaseSpec)({
        ...base,
        service: 'Go_Service',
        source: { kind: 'build', repoDir: '/src' },
        strategy: { kind: 'canary', steps: [{ setWeight: 120 }, { pause: { duration: '5 minutes' } }, { analysis: { templates: ['nope'] } }] },
        healthCheck: { failureThreshold: 0 },
        surprise: true,
    });
    strict_1.default.equal(result.ok, false);
    const errors = result.ok ? [] : result.errors;
    const paths = errors.map((e) => e.path).sort();
    strict_1.default.deepEqual(paths, ['(root)', 'healthCheck.failureThreshold', 'service', 'source.imageRepo', 'strategy.steps[0].weight', 'strategy.steps[1].duration', 'strategy.steps[2].templates'].sort(), JSON.stringify(errors));
    strict_1.default.match(errors.find((e) => e.path === '(root)').message, /surprise/);
    const text = (0, validate_1.formatFieldErrors)(errors, 'sluice.yaml');
    strict_1.default.match(text, /^sluice\.yaml: service: must be a DNS label/m);
    strict_1.default.match(text, /sluice\.yaml: strategy\.steps\[1\]\.duration: must be a duration like "500ms"/);
});
(0, node_test_1.test)('cross-field rules: image targets need an image repository, templates must exist', () => {
    const noRepo = (0, validate_1.parseReleaseSpec)({ ...base, source: { kind: 'build', repoDir: '/src' } });
    strict_1.default.equal(noRepo.ok, false);
    strict_1.default.deepEqual(!noRepo.ok && noRepo.errors, [{ path: 'source.imageRepo', message: 'is required to build for the docker target' }]);
    const prebuiltProcess = (0, validate_1.parseReleaseSpec)({ ...base, target: { kind: 'process' }, source: { kind: 'prebuilt', version: '1.2.3+abcdef0', imageRef: `r/x@sha256:${'a'.repeat(64)}` } });
    strict_1.default.deepEqual(!prebuiltProcess.ok && prebuiltProcess.errors, [{ path: 'source.binaryPath', message: 'is required for the process target' }]);
    const unknownTemplate = (0, validate_1.parseReleaseSpec)({ ...base, strategy: { kind: 'canary', steps: [{ analysis: { templates: ['error-rate'] } }] } });
    strict_1.default.deepEqual(!unknownTemplate.ok && unknownTemplate.errors, [{ path: 'strategy.steps[0].templates', message: 'names unknown analysis template "error-rate"' }]);
    strict_1.default.throws(() => (0, validate_1.validateReleaseSpec)({ ...base, strategy: { kind: 'rolling' } }, 'sluice.yaml'), (err) => {
        strict_1.default.ok(err instanceof validate_1.SpecValidationError);
        strict_1.default.equal(err.errors[0]?.path, 'strategy.kind');
        strict_1.default.match(err.message, /invalid release spec in sluice\.yaml/);
        return true;
    });
});
(0, node_test_1.test)('durations, ids and version matching', () => {
    strict_1.default.equal((0, duration_1.toMs)('500ms'), 500);
    strict_1.default.equal((0, duration_1.toMs)('5s'), 5000);
    strict_1.default.equal((0, duration_1.toMs)('10m'), 600000);
    strict_1.default.throws(() => (0, duration_1.toMs)('5'), RangeError);
    strict_1.default.equal((0, ids_1.deployWorkflowId)('api', 'production'), 'deploy/api/production');
    strict_1.default.deepEqual((0, ids_1.parseDeployWorkflowId)('deploy/api/production'), { service: 'api', environment: 'production' });
    strict_1.default.equal((0, ids_1.parseDeployWorkflowId)('rollback/api/production'), undefined);
    const r = { version: '1.4.2+a1b2c3d', imageTag: 'v1.4.2-a1b2c3d', imageRef: undefined };
    for (const wanted of ['1.4.2+a1b2c3d', 'v1.4.2-a1b2c3d', '1.4.2', 'v1.4.2'])
        strict_1.default.ok((0, release_1.matchesVersion)(r, wanted), wanted);
    strict_1.default.ok(!(0, release_1.matchesVersion)(r, '1.4.3'));
});
(0, node_test_1.test)('rollback picks the named retained release, or the newest older than the live one', () => {
    const retained = ['1.4.3+ccccccc', '1.4.2+bbbbbbb', '1.4.1+aaaaaaa'].map((version) => ({
        version,
        imageTag: `v${version.replace('+', '-')}`,
        digest: null,
        imageRef: `r/x@sha256:${version[4].repeat(64)}`,
        binaryPath: null,
        commit: null,
    }));
    const live = { service: 'x', version: '1.4.3+ccccccc', imageTag: 'v1.4.3-ccccccc', commit: '' };
    const previous = (0, rollback_1.chooseRollbackTarget)('x', retained, live, undefined);
    strict_1.default.equal('release' in previous && previous.release.version, '1.4.2+bbbbbbb');
    const named = (0, rollback_1.chooseRollbackTarget)('x', retained, live, 'v1.4.1');
    strict_1.default.equal('release' in named && named.release.version, '1.4.1+aaaaaaa');
    const missing = (0, rollback_1.chooseRollbackTarget)('x', retained, live, '0.9.0');
    strict_1.default.equal('reason' in missing && missing.reason, 'ReleaseNotRetained');
    strict_1.default.match('message' in missing ? missing.message : '', /retained: 1\.4\.3\+ccccccc, 1\.4\.2\+bbbbbbb, 1\.4\.1\+aaaaaaa/);
    const oldest = (0, rollback_1.chooseRollbackTarget)('x', retained.slice(2), { ...live, version: '1.4.1+aaaaaaa' }, undefined);
    strict_1.default.equal('reason' in oldest && oldest.reason, 'NothingToRollBackTo');
});
//# sourceMappingURL=spec.test.js.map