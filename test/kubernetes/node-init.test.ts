/**
 * What the stack does for a real node once it registers (`initializeNode`): set its InternalIP and
 * drop the cloud provider's `uninitialized` taint, on the real API server. A freshly registered
 * kubelet updates its Node at the same moment, and `dev up` once failed with 409 because the taint
 * patch carried a resourceVersion that those updates had already moved on. Here a writer changes
 * the Node between the stack's read and its patch, exactly there, through a wrapped client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initializeNode } from '../../src/dev/components/kube-node';
import { loadKubeNodeConfig, UNINITIALIZED_TAINT_KEY, type KubeNodeConfig } from '../../src/dev/components/kube-node-config';
import type { k8s, KubeClients } from '../../src/activities/targets/kubernetes/client';
import { uniqueName } from '../helpers/stack';
import { ensureCluster, skipReason, stackConfig } from './cluster';

const KEPT = { key: 'sluice.dev/kept', value: 'yes', effect: 'NoSchedule' };
const ADDED = { key: 'sluice.dev/added', value: 'meanwhile', effect: 'NoSchedule' };

/**
 * `clients` whose readNode and patchNodeStatus run `meanwhile` after the call and before they
 * answer, so every write the caller makes next meets a Node changed since it was read.
 */
function interleaved(clients: KubeClients, meanwhile: (name: string) => Promise<void>): KubeClients {
  const core = new Proxy(clients.core, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if ((prop !== 'readNode' && prop !== 'patchNodeStatus') || typeof value !== 'function') return value;
      return async (params: { name: string }, ...rest: unknown[]) => {
        const answer: unknown = await (value as (...a: unknown[]) => Promise<unknown>).call(target, params, ...rest);
        await meanwhile(params.name);
        return answer;
      };
    },
  });
  return { ...clients, core };
}

describe('a real node initialized while something else writes its Node', { skip: skipReason() }, () => {
  let clients: KubeClients;
  const created: string[] = [];

  before(async () => {
    clients = await ensureCluster();
  });
  after(async () => {
    for (const name of created) await clients.core.deleteNode({ name }).catch(() => undefined);
  });

  /** A Node as a kubelet with --cloud-provider=external registers it, without the kubelet. */
  async function registered(extraTaints: k8s.V1Taint[]): Promise<KubeNodeConfig> {
    const node = { ...loadKubeNodeConfig(stackConfig, 7), name: uniqueName('init-node') };
    await clients.core.createNode({
      body: { metadata: { name: node.name }, spec: { taints: [{ key: UNINITIALIZED_TAINT_KEY, value: 'true', effect: 'NoSchedule' }, ...extraTaints] } },
    });
    created.push(node.name);
    return node;
  }

  const merge = () => clients.k8s.setHeaderOptions('Content-Type', clients.k8s.PatchStrategy.MergePatch);

  it('a status update between the read and the patch (as the kubelet makes) does not fail it', async () => {
    const node = await registered([KEPT]);
    let writes = 0;
    const busy = interleaved(clients, async (name) => {
      writes++;
      await clients.core.patchNode({ name, body: { metadata: { annotations: { 'sluice.dev/heartbeat': String(writes) } } } }, merge());
    });
    await initializeNode(busy, node);
    assert.ok(writes >= 2, `the Node changed after each read and write of the stack (${writes} times)`);
    const after = await clients.core.readNode({ name: node.name });
    const taints = after.spec?.taints ?? [];
    assert.ok(!taints.some((t) => t.key === UNINITIALIZED_TAINT_KEY), `the uninitialized taint is gone: ${JSON.stringify(taints)}`);
    assert.ok(
      taints.some((t) => t.key === KEPT.key),
      `the other taint stays: ${JSON.stringify(taints)}`,
    );
    assert.ok(
      after.status?.addresses?.some((a) => a.type === 'InternalIP' && a.address === node.address),
      JSON.stringify(after.status?.addresses),
    );
  });

  it("a taint with a timeAdded (as the node-lifecycle controller's not-ready taint has) does not keep it from being initialized", async () => {
    // The controller puts its not-ready taint on a node whose Ready condition is not True yet, and
    // takes it off a few seconds after it is: `dev up` can initialize a node in between (CI).
    // The taint here has the same shape under a key of ours: the real controller rewrites its own
    // keys on this kubelet-less Node at its next pass, which once fell between the patch and the
    // read below.
    const notReady: k8s.V1Taint = { key: 'sluice.dev/not-ready-yet', effect: 'NoExecute', timeAdded: new Date() };
    const node = await registered([notReady, KEPT]);
    await initializeNode(clients, node);
    const taints = (await clients.core.readNode({ name: node.name })).spec?.taints ?? [];
    assert.ok(!taints.some((t) => t.key === UNINITIALIZED_TAINT_KEY), `the uninitialized taint is gone: ${JSON.stringify(taints)}`);
    for (const taint of [notReady, KEPT]) {
      assert.ok(
        taints.some((t) => t.key === taint.key && t.effect === taint.effect),
        `${taint.key}:${taint.effect} stays: ${JSON.stringify(taints)}`,
      );
    }
  });

  it('a taint added between the read and the patch is kept: the patch is refused, and made again on what is there now', async () => {
    const node = await registered([KEPT]);
    // After the address patch, which is the stack's last word before its taint patch.
    let calls = 0;
    const busy = interleaved(clients, async (name) => {
      if (++calls !== 2) return;
      const current = await clients.core.readNode({ name });
      await clients.core.patchNode({ name, body: { spec: { taints: [...(current.spec?.taints ?? []), ADDED] } } }, merge());
    });
    await initializeNode(busy, node);
    const taints = (await clients.core.readNode({ name: node.name })).spec?.taints ?? [];
    assert.ok(!taints.some((t) => t.key === UNINITIALIZED_TAINT_KEY), `the uninitialized taint is gone: ${JSON.stringify(taints)}`);
    for (const taint of [KEPT, ADDED]) {
      assert.ok(
        taints.some((t) => t.key === taint.key && t.value === taint.value),
        `${taint.key} stays: ${JSON.stringify(taints)}`,
      );
    }
  });
});
