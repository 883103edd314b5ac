/**
 * The stack's fake nodes stay healthy for as long as the control plane runs. kwok renews each
 * node's Lease, as a kubelet does; without that the node lifecycle controller took every node for
 * dead once its grace period had passed, and marked every pod on them NotReady, every 5 minutes.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { kwokNodeName } from '../../src/dev/components/kwok';
import { ensureCluster, kube, skipReason } from './cluster';

describe('kwok nodes', { skip: skipReason() }, () => {
  it('have their Leases renewed every few seconds and stay Ready', { timeout: 60000 }, async () => {
    const clients = await ensureCluster();
    const coordination = clients.kc.makeApiClient(clients.k8s.CoordinationV1Api);
    const names = Array.from({ length: kube.kwok.nodes }, (_, i) => kwokNodeName(i));
    const renewed = async () =>
      Promise.all(
        names.map(async (name) => {
          const lease = await coordination.readNamespacedLease({ name, namespace: 'kube-node-lease' }).catch(() => undefined);
          return lease?.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : undefined;
        }),
      );
    const first = await renewed();
    assert.ok(
      first.every((t) => t !== undefined),
      `every kwok node has a Lease: ${names.filter((_, i) => first[i] === undefined).join(', ') || 'yes'}`,
    );
    await sleep(15000);
    const later = await renewed();
    names.forEach((name, i) => assert.ok(later[i]! > first[i]!, `the Lease of ${name} was renewed within 15 s`));
    for (const name of names) {
      const ready = (await clients.core.readNode({ name })).status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'True', `${name} is Ready`);
    }
  });
});
