/**
 * A node's kubelet SIGKILLed during a rolling update on real pods. The suite runs on three real
 * nodes of its own (spare slots with a taint of their own), so no other test's pod can be
 * scheduled onto the node it breaks. Two replicas of v1 on two of the three nodes; required anti-affinity (one pod of a slot per node) leaves the surge pod of the
 * rolling update (maxSurge 1, maxUnavailable 0) exactly one place to go: the third node, whose
 * kubelet this test kills as soon as the Deployment carries v2's template.
 *
 * What that means here: the controller-manager's node grace period is 5 minutes, so for the whole
 * test the API server still says the Node is Ready and the scheduler binds the surge pod to it.
 * Nothing runs it: no container, no readiness, the rollout cannot progress. The release must end
 * in a stated state — rolled back at its (short) progress deadline, never promoted on a pod that
 * does not exist — and v1 keeps serving on the two live pods. The kubelet is brought back in a
 * finally block (the stack starts only what is missing: here that kubelet, its containerd still
 * runs), and the test waits for the Node to be Ready again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentName } from '../../src/activities/targets/kubernetes/manifests';
import { pidFile, type Component } from '../../src/dev/component';
import { livePid } from '../../src/dev/process';
import { ErrorType } from '../../src/domain/errors';
import { Reason } from '../../src/domain/reasons';
import { imageTagForVersion } from '../../src/domain/release';
import { statusQuery } from '../../src/workflows/definitions';
import { eventually } from '../helpers/stack';
import { stackUp } from '../../src/dev/stack';
import { stackConfig, withLock } from './cluster';
import { ENVIRONMENT, getJson, isReady, NODES, realPodsSuite, REPLICAS, skip, V1, V2 } from './real-pods-support';

/** Brings a killed kubelet back (only what is missing starts) and waits until its Node is Ready. */
async function restoreNode(component: Component): Promise<void> {
  // The lock keeps another test file's stackUp from running at the same time.
  await withLock('kubernetes-up', () => stackUp(stackConfig, [component]));
}

describe('a node kubelet killed during a rolling update on real pods', { skip: skip() }, () => {
  const suite = realPodsSuite('k8s-kubelet-kill', [V1, V2], undefined, { ownNodes: NODES });

  it('the surge pod bound to the dead node never runs: rolled back at the progress deadline, v1 serves on the live pods', { timeout: 420000 }, async (t) => {
    const env = await suite.environment(t);
    await env.first(V1);
    await env.servesEverywhere(V1);

    const own = suite.ownNodes!;
    const used = new Set((await env.pods('main')).map((p) => p.status!.hostIP!));
    const free = own.nodes.findIndex((n) => !used.has(n.address));
    assert.ok(free >= 0, `a node without a v1 pod (pods on ${[...used].join(', ')})`);
    const victim = own.nodes[free]!.name;
    const kubeletPid = livePid(pidFile(stackConfig, victim));
    assert.ok(kubeletPid, `the kubelet of ${victim} runs`);

    const running = env.deploy(env.spec(V2, { kind: 'rolling', maxSurge: 1, maxUnavailable: 0, progressDeadline: '15s', checks: { window: '1s' } }));
    const v2Tag = imageTagForVersion(V2);
    const name = deploymentName({ service: env.service, environment: ENVIRONMENT }, 'main');
    try {
      // Mid-rollout: the Deployment has v2's template; the surge pod is being created and scheduled.
      await eventually(
        'the rolling update to v2 has begun',
        async () => {
          const d = await suite.clients.apps.readNamespacedDeployment({ name, namespace: env.namespace });
          return d.spec?.template?.metadata?.labels?.['sluice.dev/release'] === v2Tag ? true : undefined;
        },
        120000,
        50,
      );
      process.kill(kubeletPid, 'SIGKILL');
      t.diagnostic(`SIGKILLed the kubelet of ${victim} (pid ${kubeletPid})`);

      const surge = await eventually(
        `the v2 surge pod is bound to ${victim}`,
        async () => (await env.pods('main')).find((p) => p.metadata?.labels?.['sluice.dev/release'] === v2Tag && p.spec?.nodeName),
        60000,
        250,
      );
      assert.equal(surge.spec!.nodeName, victim, 'anti-affinity leaves the surge pod only the node without a v1 pod');
      const node = await suite.clients.core.readNode({ name: victim });
      assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'within the 5-minute node grace period the API still says the dead node is Ready');

      const { handle, result } = await running;
      assert.equal(result.outcome, 'rolled-back', result.message);
      assert.equal(result.reason, Reason.HealthCheckFailed, result.message);
      assert.equal(result.errorType, ErrorType.ProgressDeadlineExceeded, result.message);
      const status = await handle.query(statusQuery);
      assert.ok(!status.events.some((e) => /promot/i.test(e.message) && !/not promot/i.test(e.message)), status.events.map((e) => e.message).join('\n'));

      // The surge pod never ran: no v2 pod was ever Ready, so nothing was promoted on it.
      const v2Pods = (await env.pods('main')).filter((p) => p.metadata?.labels?.['sluice.dev/release'] === v2Tag);
      assert.ok(
        v2Pods.every((p) => !isReady(p)),
        'no v2 pod is Ready',
      );
      // v1 serves on the two live pods (the surge pod, Terminating on the dead node, waits for its kubelet).
      const live = (await env.pods('main')).filter((p) => isReady(p) && p.spec?.nodeName !== victim);
      assert.equal(live.length, REPLICAS, 'two Ready pods on the live nodes');
      for (const pod of live) {
        assert.equal(pod.metadata?.labels?.['sluice.dev/release'], imageTagForVersion(V1));
        assert.equal((await getJson<{ version: string }>(`http://${pod.status!.hostIP!}:${env.port}/version`)).version, V1);
      }
    } finally {
      await running.catch(() => undefined);
      await restoreNode(own.components[free]!);
    }
    const node = await suite.clients.core.readNode({ name: victim });
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', `${victim} is Ready again`);
    assert.ok(livePid(pidFile(stackConfig, victim)), `a kubelet runs for ${victim} again`);
    // Back: the kubelet finishes the Terminating surge pod, and only v1 is left, one pod per node.
    await env.servesEverywhere(V1);
  });
});
