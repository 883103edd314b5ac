import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { adapterCatalogue } from '../../src/activities/catalogue';
import { createDeployActivities } from '../../src/activities/deploy';
import { ROUTERS, createKubernetesRouter, createRouter } from '../../src/activities/routers/registry';
import { TARGETS, createTarget, withTargets } from '../../src/activities/targets/registry';
import { derivedBasePort, portLayout, PortSettings } from '../../src/activities/targets/settings';
import type { TargetAdapter } from '../../src/activities/targets/target';
import type { TargetRef } from '../../src/domain/ports';
import { packageRoot } from '../../src/lib/paths';
import { adapterConfig } from '../helpers/stack';
import { FILE_FAKE, fileFakeTargets } from '../workflows/support/file-target';
import { quiet } from './fixtures';
import { ErrorType } from '../../src/domain/errors';

const isType = (type: string) => (err: { type?: string; nonRetryable?: boolean }) => err.type === type && err.nonRetryable === true;

/** The adapter folders of a family: every directory under src/activities/<family>. */
function adapterFolders(family: 'targets' | 'routers'): string[] {
  const root = join(packageRoot(), 'src/activities', family);
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

test('each registry matches its folders: one folder per adapter, one registry line per folder', () => {
  assert.deepEqual(Object.keys(TARGETS).sort(), adapterFolders('targets'));
  for (const kind of Object.keys(TARGETS)) assert.ok(existsSync(join(packageRoot(), 'src/activities/targets', kind, 'index.ts')), kind);
  assert.deepEqual(Object.keys(ROUTERS).sort(), adapterFolders('routers'));
  for (const kind of Object.keys(ROUTERS)) assert.ok(existsSync(join(packageRoot(), 'src/activities/routers', kind, 'index.ts')), kind);
  // Each adapter is registered under its own kind.
  for (const [kind, adapter] of Object.entries(TARGETS)) assert.equal(adapter.kind, kind);
  for (const [kind, adapter] of Object.entries(ROUTERS)) assert.equal(adapter.kind, kind);
});

test('what an adapter can do is data: artifacts, router families, settings schemas', () => {
  assert.deepEqual(Object.fromEntries(Object.values(TARGETS).map((t) => [t.kind, [t.artifact, t.routerFamily]])), {
    docker: ['image', 'loopback'],
    process: ['binary', 'loopback'],
    kubernetes: ['image', 'kubernetes'],
  });
  const catalogue = adapterCatalogue();
  assert.deepEqual(catalogue.targets.docker?.routers, ['haproxy', 'none']);
  assert.deepEqual(catalogue.targets.kubernetes?.routers, ['replica-ratio', 'gateway-httproute', 'none']);
  assert.equal(catalogue.routers.haproxy?.frontendUrl?.({ listenPort: 18080 }), 'http://127.0.0.1:18080/');
  assert.equal(catalogue.routers.none?.frontendUrl, undefined);
});

test('the file-fake target exists only where a test injects it', () => {
  assert.ok(!Object.hasOwn(TARGETS, FILE_FAKE), 'production has no fake target');
  assert.ok(!Object.hasOwn(adapterCatalogue().targets, FILE_FAKE));
  const withFake = withTargets(...fileFakeTargets());
  assert.ok(Object.hasOwn(withFake, FILE_FAKE));
  assert.throws(() => withTargets({ ...TARGETS.docker }), /already registered/);
});

test('unknown kinds and bad settings are non-retryable, typed errors', async () => {
  assert.throws(() => createTarget('ftp', {}, adapterConfig), isType(ErrorType.UnknownAdapterKind));
  assert.throws(() => createRouter('nginx', {}, adapterConfig), isType(ErrorType.UnknownAdapterKind));
  assert.throws(() => createRouter('replica-ratio', {}, adapterConfig), isType(ErrorType.RouterUnsupported));
  assert.throws(() => createKubernetesRouter('haproxy', {}), isType(ErrorType.RouterUnsupported));
  assert.throws(() => createTarget('docker', { host: 'db.internal' }, adapterConfig), isType(ErrorType.InvalidTargetSettings));
  assert.throws(() => createTarget('process', { basePort: 80 }, adapterConfig), isType(ErrorType.InvalidTargetSettings));
  assert.throws(() => createRouter('haproxy', {}, adapterConfig), isType(ErrorType.InvalidTargetSettings));
  assert.throws(() => portLayout(PortSettings.parse({ ports: { stable: 31000, stableAlt: 31000, canary: 31001 } }), 's', 'e'), isType(ErrorType.InvalidTargetSettings));
  const acts = createDeployActivities({ config: adapterConfig, logger: quiet });
  const ref: TargetRef = { service: 'x', environment: 'e', target: { kind: 'docker', settings: { basePort: 31000 } }, router: { kind: 'none', settings: {} } };
  // A release without the artifact this target runs is refused before anything starts.
  await assert.rejects(
    acts.deployCandidate({ ...ref, release: { service: 'x', version: '1.0.0', imageTag: 'v1.0.0', commit: '' }, role: 'canary' }),
    isType(ErrorType.MissingArtifact),
  );
});

test('ports are deterministic: the same service and environment always get the same slots', () => {
  const a = portLayout(PortSettings.parse({}), 'svc', 'prod');
  assert.deepEqual(a, portLayout(PortSettings.parse({}), 'svc', 'prod'));
  assert.equal(a['stable-a'], derivedBasePort('svc', 'prod'));
  assert.deepEqual(Object.values(portLayout(PortSettings.parse({ basePort: 40000 }), 's', 'e')), [40000, 40001, 40002, 40003, 40004]);
});

test('deploy activities dispatch by target kind and probe URLs by their scheme, through the registry only', async () => {
  const calls: string[] = [];
  const fake: TargetAdapter = {
    kind: 'dispatch-fake',
    artifact: 'binary',
    routerFamily: 'loopback',
    settings: TARGETS.process.settings,
    urlScheme: 'dispatch-fake:',
    probeHealth: async (input) => ({ ok: true, checks: [{ path: input.url, status: 200, ok: true, ms: 0 }] }),
    deployActivities: () => ({
      currentRelease: async (input) => (calls.push(`currentRelease ${input.router.kind}`), null),
      deployCandidate: async () => assert.fail('not called'),
      setTrafficWeight: async () => undefined,
      promoteCandidate: async () => assert.fail('not called'),
      removeCandidate: async () => undefined,
      rollbackToRelease: async () => assert.fail('not called'),
      retireRelease: async () => undefined,
    }),
  };
  const acts = createDeployActivities({ config: adapterConfig, logger: quiet, targets: withTargets(fake) });
  assert.equal(await acts.currentRelease({ service: 'x', environment: 'e', target: { kind: 'dispatch-fake', settings: {} }, router: { kind: 'none', settings: {} } }), null);
  assert.deepEqual(calls, ['currentRelease none']);
  assert.equal((await acts.probeHealth({ url: 'dispatch-fake://anything', paths: ['/'], timeoutMs: 100 })).ok, true);
  await assert.rejects(
    acts.currentRelease({ service: 'x', environment: 'e', target: { kind: 'ftp', settings: {} }, router: { kind: 'none', settings: {} } }),
    isType(ErrorType.UnknownAdapterKind),
  );
  // The Kubernetes routers come from the same registry: none means the replica ratio there.
  assert.equal(createKubernetesRouter('none', {}).kind, 'replica-ratio');
  assert.equal(createKubernetesRouter('gateway-httproute', { gateway: 'web' }).kind, 'gateway-httproute');
});
