/**
 * A release's configuration on the Kubernetes target (issue 16), against the stack's control
 * plane (kwok nodes): one immutable ConfigMap per config version, named by its content; a
 * config-only release rolls the Deployment and keeps the old ReplicaSet on the old ConfigMap; a
 * rollback to the earlier pair scales that ReplicaSet back up; secrets are secretKeyRefs into the
 * scope's Secret, checked before anything changes; ConfigMaps no kept ReplicaSet reads are removed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import { pruneReleaseConfigs } from '../../src/activities/targets/kubernetes/config-maps';
import { configVersion } from '../../src/domain/config-version';
import type { ResolvedConfig } from '../../src/domain/config';
import { ErrorType } from '../../src/domain/errors';
import type { Release } from '../../src/domain/release';
import { eventually } from '../helpers/stack';
import { skipReason, suiteNamespace } from './cluster';
import { deployment, release, replicaSets, targetRef } from './fixtures';
import { KubernetesTargetSettings } from '../../src/activities/targets/kubernetes/schema';

const skip = skipReason();

function config(values: Record<string, string>, secrets: string[] = []): ResolvedConfig {
  return { version: configVersion({ values, secrets, source: 'env', sourceKind: 'env' }), values };
}

describe('kubernetes target: configuration as ConfigMaps and Secret references', { skip }, () => {
  const target = createKubernetesTarget();
  const suite = suiteNamespace('k8s-config');
  const namespace = suite.namespace;
  const service = 'cfg';
  const ref = targetRef(service, namespace);
  const build = release(service, '1.0.0+aaaaaaa');
  const a = config({ GREETING: 'hello', LIMIT: '10' }, ['API_TOKEN']);
  const b = config({ GREETING: 'hello', LIMIT: '20' }, ['API_TOKEN']);
  const withConfig = (c: ResolvedConfig): Release => ({ ...build, config: c });
  const configMaps = async () => (await suite.clients.core.listNamespacedConfigMap({ namespace, labelSelector: 'sluice.dev/config' })).items.map((m) => m.metadata!.name!).sort();
  const readsConfigMap = async () => {
    const env = (await deployment(suite.clients, namespace, 'cfg-test')).spec!.template.spec!.containers[0]!.env ?? [];
    return [...new Set(env.flatMap((e) => (e.valueFrom?.configMapKeyRef ? [e.valueFrom.configMapKeyRef.name] : [])))];
  };

  it('refuses a release whose secret the Secret does not hold, before anything changes', async () => {
    const failure = await target.rollOut({ ...ref, release: withConfig(a) }).then(
      () => assert.fail('a release naming a secret the cluster lacks must be refused'),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof ApplicationFailure, String(failure));
    assert.equal(failure.type, ErrorType.ConfigSecretMissing);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, new RegExp(`the Secret ${namespace}/cfg-test does not exist; ${a.version.id} needs it with the key API_TOKEN`));
    assert.equal(await target.currentRelease(ref), null, 'no Deployment was made');
    assert.deepEqual(await configMaps(), [], 'no ConfigMap was made');

    await suite.clients.core.createNamespacedSecret({ namespace, body: { metadata: { name: 'cfg-test' }, stringData: { OTHER: 'x' } } });
    await assert.rejects(target.rollOut({ ...ref, release: withConfig(a) }), /the Secret .*\/cfg-test has no key API_TOKEN/);
    await suite.clients.core.replaceNamespacedSecret({ name: 'cfg-test', namespace, body: { metadata: { name: 'cfg-test' }, stringData: { API_TOKEN: 'never-read-by-sluice' } } });
  });

  it('a config-only release rolls the Deployment onto a new ConfigMap; a rollback to the earlier pair scales its ReplicaSet back up', async () => {
    await target.rollOut({ ...ref, release: withConfig(a) });
    const nameA = `cfg-test-${a.version.id}`;
    const mapA = await suite.clients.core.readNamespacedConfigMap({ name: nameA, namespace });
    assert.deepEqual(mapA.data, a.values);
    assert.equal(mapA.immutable, true);
    assert.equal(mapA.metadata!.annotations!['sluice.dev/config-digest'], a.version.digest);
    assert.deepEqual(await readsConfigMap(), [nameA]);
    const env = (await deployment(suite.clients, namespace, 'cfg-test')).spec!.template.spec!.containers[0]!.env!;
    assert.deepEqual(JSON.parse(JSON.stringify(env.find((e) => e.name === 'API_TOKEN'))), {
      name: 'API_TOKEN',
      valueFrom: { secretKeyRef: { name: 'cfg-test', key: 'API_TOKEN' } },
    });
    assert.equal((await target.currentRelease(ref))?.config?.version.id, a.version.id);
    const [first] = await replicaSets(suite.clients, namespace);

    // Same build, another config version: a new ReplicaSet, the old one kept on the old ConfigMap.
    await target.rollOut({ ...ref, release: withConfig(b) });
    const nameB = `cfg-test-${b.version.id}`;
    assert.deepEqual(await readsConfigMap(), [nameB]);
    assert.deepEqual(await configMaps(), [nameA, nameB].sort());
    const afterB = await replicaSets(suite.clients, namespace);
    assert.equal(afterB.length, 2);
    assert.equal((await target.currentRelease(ref))?.config?.version.id, b.version.id);

    // Back to build × config A: the ReplicaSet that ran it comes back, no new one is made.
    const back = await target.rollbackToRelease({ ...ref, release: withConfig(a) });
    assert.equal(back.release.config?.version.id, a.version.id);
    assert.deepEqual(await readsConfigMap(), [nameA]);
    const afterRollback = await replicaSets(suite.clients, namespace);
    assert.deepEqual(afterRollback.map((r) => r.uid).sort(), afterB.map((r) => r.uid).sort());
    assert.equal(afterRollback.find((r) => r.uid === first!.uid)?.replicas, 2);

    // The pair that is live is no reason to roll: asking for it again changes nothing.
    await target.rollbackToRelease({ ...ref, release: withConfig(a) });
    assert.equal((await replicaSets(suite.clients, namespace)).length, 2);
  });

  it('a ConfigMap pruned while its ReplicaSet is kept is made again on rollback, and one no ReplicaSet reads is removed', async () => {
    const c = config({ GREETING: 'hi', LIMIT: '30' }, ['API_TOKEN']);
    const nameA = `cfg-test-${a.version.id}`;
    const nameB = `cfg-test-${b.version.id}`;
    const nameC = `cfg-test-${c.version.id}`;
    // Keep one old ReplicaSet only: rolling onto C drops the oldest one.
    const short = targetRef(service, namespace, { revisionHistoryLimit: 1 });
    assert.equal(KubernetesTargetSettings.parse(short.target.settings).revisionHistoryLimit, 1);
    await target.rollOut({ ...short, release: withConfig(c) });
    await eventually(
      'the ConfigMaps of dropped ReplicaSets to go',
      async () => {
        await pruneReleaseConfigs({ clients: suite.clients, scope: { service, environment: 'test', namespace, settings: KubernetesTargetSettings.parse(short.target.settings) } });
        const left = await configMaps();
        return left.length === 2 ? left : undefined;
      },
      30000,
      500,
    );
    assert.deepEqual(await configMaps(), [nameA, nameC].sort(), `${nameB} was read by no kept ReplicaSet`);

    // Deleted by hand while its ReplicaSet is still kept: a rollback makes it again before the pods need it.
    await suite.clients.core.deleteNamespacedConfigMap({ name: nameA, namespace });
    await target.rollbackToRelease({ ...short, release: withConfig(a) });
    assert.deepEqual(await readsConfigMap(), [nameA]);
    assert.deepEqual((await suite.clients.core.readNamespacedConfigMap({ name: nameA, namespace })).data, a.values);
  });
});
