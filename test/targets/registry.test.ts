import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDeployActivities } from '../../src/activities/deploy';
import { ROUTERS, createRouter } from '../../src/activities/routers/registry';
import { TargetErrorType } from '../../src/activities/targets/errors';
import { TARGETS, createTarget } from '../../src/activities/targets/registry';
import { derivedBasePort, portLayout, PortSettings } from '../../src/activities/targets/settings';
import type { TargetRef } from '../../src/domain/ports';
import { packageRoot } from '../../src/lib/paths';
import { stack } from '../helpers/stack';
import { quiet } from './fixtures';

const isType = (type: string) => (err: { type?: string; nonRetryable?: boolean }) => err.type === type && err.nonRetryable === true;

test('the registry maps and the adapter files agree', () => {
  assert.deepEqual(Object.keys(TARGETS).sort(), ['docker', 'process']);
  assert.deepEqual(Object.keys(ROUTERS).sort(), ['haproxy', 'none']);
  for (const kind of Object.keys(TARGETS)) assert.ok(existsSync(join(packageRoot(), 'src/activities/targets', `${kind}.ts`)), kind);
  for (const kind of Object.keys(ROUTERS)) assert.ok(existsSync(join(packageRoot(), 'src/activities/routers', `${kind}.ts`)), kind);
});

test('unknown kinds and bad settings are non-retryable, typed errors', async () => {
  assert.throws(() => createTarget('ftp', {}, { stack }), isType(TargetErrorType.UnknownKind));
  assert.throws(() => createRouter('nginx', {}, stack), isType(TargetErrorType.UnknownKind));
  assert.throws(() => createTarget('docker', { host: '10.0.0.5' }, { stack }), isType(TargetErrorType.InvalidSettings));
  assert.throws(() => createTarget('process', { basePort: 80 }, { stack }), isType(TargetErrorType.InvalidSettings));
  assert.throws(() => createRouter('haproxy', {}, stack), isType(TargetErrorType.InvalidSettings));
  assert.throws(
    () => portLayout(PortSettings.parse({ ports: { stable: 31000, stableAlt: 31000, canary: 31001 } }), 's', 'e'),
    isType(TargetErrorType.InvalidSettings),
  );
  const acts = createDeployActivities({ logger: quiet, stack });
  const ref: TargetRef = { service: 'x', environment: 'e', target: { kind: 'docker', settings: { basePort: 31000 } }, router: { kind: 'none', settings: {} } };
  // A release without the artifact this target runs is refused before anything starts.
  await assert.rejects(
    acts.deployCandidate({ ...ref, release: { service: 'x', version: '1.0.0', imageTag: 'v1.0.0', commit: '' }, role: 'canary' }),
    isType(TargetErrorType.MissingArtifact),
  );
});

test('ports are deterministic: the same service and environment always get the same slots', () => {
  const a = portLayout(PortSettings.parse({}), 'svc', 'prod');
  assert.deepEqual(a, portLayout(PortSettings.parse({}), 'svc', 'prod'));
  assert.equal(a['stable-a'], derivedBasePort('svc', 'prod'));
  assert.deepEqual(Object.values(portLayout(PortSettings.parse({ basePort: 40000 }), 's', 'e')), [40000, 40001, 40002, 40003, 40004]);
});
