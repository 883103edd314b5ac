import assert from 'node:assert/strict';
import { instanceUrl } from '../../src/activities/targets/target';
import { test } from 'node:test';
import { relative, resolve } from 'node:path';
import { buildImageInputSchema, resolveVersionInputSchema } from '../../src/activities/build/schema';
import { pushImageInputSchema } from '../../src/activities/registry/push';
import { toMs } from '../../src/domain/duration';
import { isPathInside } from '../../src/domain/references';
import { matchesVersion } from '../../src/domain/release';
import { adapterCatalogue } from '../../src/activities/catalogue';
import { formatFieldErrors, parseReleaseSpec as parseWith, SpecValidationError, validateReleaseSpec as validateWith } from '../../src/domain/validate';
import { deployWorkflowId, parseDeployWorkflowId } from '../../src/workflows/ids';
import { chooseRollbackTarget } from '../../src/workflows/rollback';

/** The production targets and routers, as the CLI validates with. */
const catalogue = adapterCatalogue();
const parseReleaseSpec = (input: unknown) => parseWith(input, catalogue);
const validateReleaseSpec = (input: unknown, source?: string) => validateWith(input, catalogue, source);

const base = {
  service: 'go-service',
  environment: 'production',
  source: { kind: 'build', repoDir: '/src/go-service', imageRepo: '127.0.0.1:5000/go-service' },
  target: { kind: 'docker' },
  router: { kind: 'haproxy', settings: { listenPort: 18080 } },
  strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: { duration: '5s' } }, { setWeight: 50 }, { pause: {} }, { analysis: { window: '20s' } }] },
};

test('a valid spec gets its defaults, and Argo-style step shorthand becomes tagged steps', () => {
  const spec = validateReleaseSpec(base);
  assert.deepEqual(spec.strategy.kind === 'canary' && spec.strategy.steps, [
    { kind: 'setWeight', weight: 10 },
    { kind: 'pause', duration: '5s' },
    { kind: 'setWeight', weight: 50 },
    { kind: 'pause' },
    { kind: 'analysis', window: '20s' },
  ]);
  assert.deepEqual(spec.healthCheck, { paths: ['/healthz', '/readyz'], interval: '1s', window: '10s', failureThreshold: 3, timeout: '2s' });
  assert.deepEqual(spec.target, { kind: 'docker', settings: {} });
  assert.deepEqual(spec.capabilities, { artifact: 'image', routerUrl: 'http://127.0.0.1:18080/' }, 'what the workflow needs to know about the adapters');
  assert.equal(spec.retention.keep, 5);
  assert.deepEqual(spec.approval, { approvers: [] });
});

test('bad specs are refused with one error per field, naming the path', () => {
  const result = parseReleaseSpec({
    ...base,
    service: 'Go_Service',
    source: { kind: 'build', repoDir: '/src' },
    strategy: { kind: 'canary', steps: [{ setWeight: 120 }, { pause: { duration: '5 minutes' } }, { analysis: { templates: ['nope'] } }] },
    healthCheck: { failureThreshold: 0 },
    surprise: true,
  });
  assert.equal(result.ok, false);
  const errors = result.ok ? [] : result.errors;
  const paths = errors.map((e) => e.path).sort();
  assert.deepEqual(
    paths,
    ['(root)', 'healthCheck.failureThreshold', 'service', 'source.imageRepo', 'strategy.steps[0].weight', 'strategy.steps[1].duration', 'strategy.steps[2].templates'].sort(),
    JSON.stringify(errors),
  );
  assert.match(errors.find((e) => e.path === '(root)')!.message, /surprise/);
  const text = formatFieldErrors(errors, 'sluice.yaml');
  assert.match(text, /^sluice\.yaml: service: must be a DNS label/m);
  assert.match(text, /sluice\.yaml: strategy\.steps\[1\]\.duration: must be a duration like "500ms"/);
});

test('cross-field rules: image targets need an image repository, templates must exist', () => {
  const noRepo = parseReleaseSpec({ ...base, source: { kind: 'build', repoDir: '/src' } });
  assert.equal(noRepo.ok, false);
  assert.deepEqual(!noRepo.ok && noRepo.errors, [{ path: 'source.imageRepo', message: 'is required to build for the docker target' }]);

  const prebuiltProcess = parseReleaseSpec({
    ...base,
    target: { kind: 'process' },
    source: { kind: 'prebuilt', version: '1.2.3+abcdef0', imageRef: `127.0.0.1:5000/x@sha256:${'a'.repeat(64)}` },
  });
  assert.deepEqual(!prebuiltProcess.ok && prebuiltProcess.errors, [{ path: 'source.binaryPath', message: 'is required for the process target' }]);

  const unknownTemplate = parseReleaseSpec({ ...base, strategy: { kind: 'canary', steps: [{ analysis: { templates: ['error-rate'] } }] } });
  assert.deepEqual(!unknownTemplate.ok && unknownTemplate.errors, [{ path: 'strategy.steps[0].templates', message: 'names unknown analysis template "error-rate"' }]);

  assert.throws(
    () => validateReleaseSpec({ ...base, strategy: { kind: 'shadow' } }, 'sluice.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof SpecValidationError);
      assert.equal(err.errors[0]?.path, 'strategy.kind');
      assert.match(err.message, /invalid release spec in sluice\.yaml/);
      return true;
    },
  );
});

test('a fleet: the rolling strategy needs hosts, hosts need the rolling strategy, host names are unique', () => {
  const errorsOf = (fields: Record<string, unknown>) => {
    const r = parseReleaseSpec({ ...base, ...fields });
    return r.ok ? [] : r.errors;
  };
  assert.deepEqual(errorsOf({ strategy: { kind: 'rolling' } }), [
    { path: 'hosts', message: 'the rolling strategy releases a fleet: name its hosts (the docker target does not roll its own instances)' },
  ]);
  const hosts = [
    { name: 'web-1', address: '127.0.0.2' },
    { name: 'web-2', address: '127.0.0.3' },
  ];
  assert.deepEqual(errorsOf({ hosts }), [{ path: 'strategy.kind', message: 'a fleet (hosts) is released with the rolling strategy' }]);
  assert.deepEqual(errorsOf({ hosts: [...hosts, { name: 'web-1', address: '127.0.0.4' }], strategy: { kind: 'rolling' } }), [
    { path: 'hosts[2].name', message: 'host "web-1" is named twice' },
  ]);
  const ok = parseReleaseSpec({ ...base, hosts, strategy: { kind: 'rolling', batchSize: 2 } });
  assert.ok(ok.ok);
  assert.deepEqual(ok.ok && ok.spec.strategy, {
    kind: 'rolling',
    canaryHosts: 1,
    batchSize: 2,
    checks: {},
    agentTimeout: '2m',
    onAgentLost: 'rollback',
    maxUnavailable: 0,
    analysis: false,
    hostSwitch: 'inPlace',
    maxSurge: '25%',
  });
  // A host is checked out of the router (no traffic): analysis goes between batches, by known templates.
  assert.deepEqual(errorsOf({ hosts, strategy: { kind: 'rolling', checks: { templates: ['errors'] } } }), [
    { path: 'strategy.checks.templates', message: "a fleet's hosts are checked by a health window; name analysis templates in strategy.analysis (between batches)" },
  ]);
  assert.deepEqual(errorsOf({ hosts, strategy: { kind: 'rolling', analysis: { templates: ['nope'] } } }), [
    { path: 'strategy.analysis.templates', message: 'names unknown analysis template "nope"' },
  ]);
  assert.deepEqual(
    errorsOf({ hosts, strategy: { kind: 'rolling', analysis: { templates: [] } } }).map((e) => e.path),
    ['strategy.analysis.templates'],
  );
});

test('addresses of hosts and instances are IP literals where they are reached; real hosts are not limited to loopback', () => {
  const errorsOf = (fields: Record<string, unknown>) => {
    const r = parseReleaseSpec({ ...base, strategy: { kind: 'rolling' }, ...fields });
    return r.ok ? [] : r.errors;
  };
  // Validation only: nothing is sent to these addresses.
  assert.deepEqual(
    errorsOf({
      hosts: [
        { name: 'web-1', address: '10.0.0.11' },
        { name: 'web-2', address: 'fd00::12' },
      ],
    }),
    [],
  );
  assert.deepEqual(errorsOf({ hosts: [{ name: 'web-1', address: 'web-1.example.com' }] }), [{ path: 'hosts[0].address', message: 'must be an IP address' }]);
  assert.deepEqual(errorsOf({ hosts: [{ name: 'web-1', address: '0.0.0.0' }] }), [
    { path: 'hosts[0].address', message: 'must be the address it is reached at, not 0.0.0.0 or ::' },
  ]);
  const single = (settings: Record<string, unknown>) => {
    const r = parseReleaseSpec({ ...base, target: { kind: 'docker', settings } });
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  assert.deepEqual(single({ host: '192.0.2.10' }), []);
  assert.deepEqual(single({ host: '::' }), ['target.settings.host: must be the address it is reached at, not 0.0.0.0 or ::']);
  assert.equal(instanceUrl({ host: '::1', port: 18080 }), 'http://[::1]:18080');
});

test('rolling without hosts needs a target that rolls its own instances; such a target takes no hosts', () => {
  const kube = {
    ...base,
    source: { kind: 'prebuilt', version: '1.0.0', imageRef: '127.0.0.1:5000/go-service@sha256:' + 'a'.repeat(64) },
    target: { kind: 'kubernetes' },
    router: { kind: 'none' },
  };
  const ok = parseReleaseSpec({ ...kube, strategy: { kind: 'rolling', maxSurge: 1, maxUnavailable: 1, progressDeadline: '90s' } });
  assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.errors));
  const bad = parseReleaseSpec({ ...kube, strategy: { kind: 'rolling', maxSurge: 'lots' }, hosts: [{ name: 'web-1', address: '127.0.0.2' }] });
  assert.deepEqual(!bad.ok && bad.errors.map((e) => `${e.path}: ${e.message}`), [
    'strategy.maxSurge: is a count or a percentage such as 25%',
    "hosts: the kubernetes target places its own instances: a fleet's hosts run a target that does not",
  ]);
});

test('source names are refused at the edge by the rules the build and registry activities apply', () => {
  const errorsOf = (source: Record<string, unknown>) => {
    const r = parseReleaseSpec({ ...base, source });
    return r.ok ? [] : r.errors.map((e) => e.path);
  };
  const version = { version: '1.0.0+abcdef0', imageTag: 'v1.0.0-abcdef0', commit: 'abcdef0' };
  for (const imageRepo of [
    '127.0.0.1:5000/x$(id)',
    '127.0.0.1:5000/Upper',
    'go-service',
    'localhost/a b',
    '127.0.0.1:5000/team/svc',
    'localhost/svc',
    'registry.example.com/a/b-c',
  ]) {
    const spec = errorsOf({ kind: 'build', repoDir: '/src', imageRepo }).length === 0;
    const build = buildImageInputSchema.safeParse({ contextDir: '/src', imageRepo, version }).success;
    const push = pushImageInputSchema.safeParse({ imageRepo, tags: ['v1.0.0-abcdef0'] }).success;
    assert.deepEqual([spec, build, push], [spec, spec, spec], `${imageRepo}: spec ${spec}, buildImage ${build}, pushImage ${push}`);
    assert.equal(spec, /^[a-z0-9.:]+\/[a-z0-9/-]+$/.test(imageRepo), imageRepo);
  }
  for (const tagPrefix of ['v', 'go-service/v', '', 'a b', '$(id)']) {
    const spec = errorsOf({ kind: 'build', repoDir: '/src', imageRepo: '127.0.0.1:5000/x', tagPrefix }).length === 0;
    assert.equal(resolveVersionInputSchema.safeParse({ repoDir: '/src', service: 'x', tagPrefix }).success, spec, tagPrefix);
    assert.equal(spec, !/[ $()]/.test(tagPrefix), tagPrefix);
  }
  // A Dockerfile must stay inside the build context: the answer path.resolve gives, without the file system.
  for (const dockerfile of ['Dockerfile', 'build/Dockerfile', './a/../Dockerfile', '../Dockerfile', 'a/../../Dockerfile', '/etc/Dockerfile', '.', 'a/..']) {
    const rel = relative('/ctx', resolve('/ctx', dockerfile));
    assert.equal(isPathInside(dockerfile), rel !== '' && !rel.startsWith('..'), dockerfile);
    assert.deepEqual(errorsOf({ kind: 'build', repoDir: '/src', imageRepo: '127.0.0.1:5000/x', dockerfile }), isPathInside(dockerfile) ? [] : ['source.dockerfile'], dockerfile);
  }
  assert.deepEqual(errorsOf({ kind: 'build', repoDir: '/src', imageRepo: '127.0.0.1:5000/x', buildArgs: { 'GO-VERSION': '1' } }), ['source.buildArgs.GO-VERSION']);
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(errorsOf({ kind: 'prebuilt', version: '1.0.0+abcdef0', imageRef: `127.0.0.1:5000/x@${digest}`, imageTag: 'v1.0.0-abcdef0', commit: 'abcdef0' }), []);
  assert.deepEqual(errorsOf({ kind: 'prebuilt', version: '1.0.0+abcdef0', imageRef: `x@${digest}`, imageTag: 'v1.0.0+abcdef0', commit: 'main' }).sort(), [
    'source.commit',
    'source.imageRef',
    'source.imageTag',
  ]);
  assert.deepEqual(errorsOf({ kind: 'prebuilt', version: '1.0.0', imageRef: `127.0.0.1:5000/x$(id)@${digest}` }), ['source.imageRef']);
});

test('durations, ids and version matching', () => {
  assert.equal(toMs('500ms'), 500);
  assert.equal(toMs('5s'), 5000);
  assert.equal(toMs('10m'), 600000);
  assert.throws(() => toMs('5'), RangeError);
  assert.equal(deployWorkflowId('api', 'production'), 'deploy/api/production');
  assert.deepEqual(parseDeployWorkflowId('deploy/api/production'), { service: 'api', environment: 'production' });
  assert.equal(parseDeployWorkflowId('rollback/api/production'), undefined);
  const r = { version: '1.4.2+a1b2c3d', imageTag: 'v1.4.2-a1b2c3d', imageRef: undefined };
  for (const wanted of ['1.4.2+a1b2c3d', 'v1.4.2-a1b2c3d', '1.4.2', 'v1.4.2']) assert.ok(matchesVersion(r, wanted), wanted);
  assert.ok(!matchesVersion(r, '1.4.3'));
});

test('rollback picks the named retained release, or the newest older than the live one', () => {
  const retained = ['1.4.3+ccccccc', '1.4.2+bbbbbbb', '1.4.1+aaaaaaa'].map((version) => ({
    version,
    imageTag: `v${version.replace('+', '-')}`,
    digest: null,
    imageRef: `r/x@sha256:${version[4]!.repeat(64)}`,
    binaryPath: null,
    commit: null,
  }));
  const live = { service: 'x', version: '1.4.3+ccccccc', imageTag: 'v1.4.3-ccccccc', commit: '' };
  const previous = chooseRollbackTarget('x', retained, live, undefined);
  assert.equal('release' in previous && previous.release.version, '1.4.2+bbbbbbb');
  const named = chooseRollbackTarget('x', retained, live, 'v1.4.1');
  assert.equal('release' in named && named.release.version, '1.4.1+aaaaaaa');
  const missing = chooseRollbackTarget('x', retained, live, '0.9.0');
  assert.equal('reason' in missing && missing.reason, 'ReleaseNotRetained');
  assert.match('message' in missing ? missing.message : '', /retained: 1\.4\.3\+ccccccc, 1\.4\.2\+bbbbbbb, 1\.4\.1\+aaaaaaa/);
  const oldest = chooseRollbackTarget('x', retained.slice(2), { ...live, version: '1.4.1+aaaaaaa' }, undefined);
  assert.equal('reason' in oldest && oldest.reason, 'NothingToRollBackTo');
});

test('router kinds must suit the target: haproxy for loopback targets, replica-ratio or HTTPRoute for Kubernetes', () => {
  const kube = { ...base, source: { kind: 'prebuilt', version: '1.0.0', imageRef: '127.0.0.1:5000/go-service@sha256:' + 'a'.repeat(64) }, target: { kind: 'kubernetes' } };
  assert.equal(validateReleaseSpec({ ...kube, router: { kind: 'gateway-httproute', settings: { gateway: 'web' } } }).router.kind, 'gateway-httproute');
  assert.equal(validateReleaseSpec({ ...kube, router: { kind: 'replica-ratio' } }).router.kind, 'replica-ratio');
  const wrong = parseReleaseSpec({ ...kube, router: { kind: 'haproxy', settings: {} } });
  assert.deepEqual(!wrong.ok && wrong.errors, [{ path: 'router.kind', message: 'the kubernetes target takes replica-ratio, gateway-httproute or none' }]);
  const loopback = parseReleaseSpec({ ...base, router: { kind: 'replica-ratio' } });
  assert.deepEqual(!loopback.ok && loopback.errors, [{ path: 'router.kind', message: 'the docker target takes haproxy or none' }]);
});

test('kinds and settings are checked against the adapter catalogue, naming the field', () => {
  const unknown = parseReleaseSpec({ ...base, target: { kind: 'ftp' }, router: { kind: 'nginx' } });
  assert.deepEqual(!unknown.ok && unknown.errors, [
    { path: 'target.kind', message: 'unknown target kind "ftp" (known: docker, process, kubernetes)' },
    { path: 'router.kind', message: 'unknown router kind "nginx" (known: haproxy, replica-ratio, gateway-httproute, none)' },
  ]);
  const badSettings = parseReleaseSpec({ ...base, target: { kind: 'docker', settings: { host: 'db.internal', basePort: 80 } }, router: { kind: 'haproxy', settings: {} } });
  assert.equal(badSettings.ok, false);
  const paths = !badSettings.ok ? badSettings.errors.map((e) => e.path).sort() : [];
  assert.deepEqual(paths, ['router.settings.listenPort', 'target.settings.basePort', 'target.settings.host']);
  assert.match(!badSettings.ok ? badSettings.errors.find((e) => e.path === 'target.settings.host')!.message : '', /must be an IP address/);
  const kube = parseReleaseSpec({
    ...base,
    source: { kind: 'prebuilt', version: '1.0.0', imageRef: `127.0.0.1:5000/x@sha256:${'a'.repeat(64)}` },
    target: { kind: 'kubernetes', settings: { replicas: 0 } },
    router: { kind: 'gateway-httproute', settings: { pathPrefix: 'x' } },
  });
  assert.deepEqual(!kube.ok && kube.errors.map((e) => e.path).sort(), ['router.settings.pathPrefix', 'target.settings.replicas']);
  const process = validateReleaseSpec({ ...base, target: { kind: 'process' }, router: { kind: 'none' }, source: { kind: 'prebuilt', version: '1.0.0', binaryPath: '/bin/x' } });
  assert.deepEqual(process.capabilities, { artifact: 'binary', routerUrl: null });
});

test('drill settings are validated at the edge: a fault is environment variables, the budget a duration (default 5m)', () => {
  const ok = parseReleaseSpec({ ...base, drill: { fault: { env: { FAULT_ERROR_RATE: '0.3' } } } });
  assert.ok(ok.ok, JSON.stringify(ok));
  if (ok.ok) {
    assert.deepEqual(ok.spec.drill, { fault: { env: { FAULT_ERROR_RATE: '0.3' } }, budget: '5m' });
    assert.equal(ok.spec.drillRun, undefined, 'the drill marker is set by the drill workflow only');
  }
  const plain = parseReleaseSpec(base);
  assert.ok(plain.ok && plain.spec.drill === undefined, 'no drill settings unless written');
  const bad = parseReleaseSpec({ ...base, drill: { fault: { env: { 'NOT A NAME': '1' } }, budget: 'five minutes', surprise: 1 } });
  assert.equal(bad.ok, false);
  const paths = bad.ok ? [] : bad.errors.map((e) => e.path).sort();
  assert.deepEqual(paths, ['drill', 'drill.budget', 'drill.fault.env.NOT A NAME'].sort(), JSON.stringify(bad));
  // Never something a person writes: the marker is not a spec field.
  assert.equal(parseReleaseSpec({ ...base, drillRun: { kind: 'bad-canary', faultEnv: {} } }).ok, false);
});
