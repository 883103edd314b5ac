import assert from 'node:assert/strict';
import type https from 'node:https';
import { describe, it } from 'node:test';
import { createKubernetesTarget } from '../../src/activities/targets/kubernetes';
import { connectKubernetes, type k8s, type KubeClients } from '../../src/activities/targets/kubernetes/client';
import { followObject } from '../../src/activities/targets/kubernetes/follow';
import { waitForRollout } from '../../src/activities/targets/kubernetes/rollout';
import { ErrorType } from '../../src/domain/errors';
import { skipReason, suiteNamespace } from './cluster';
import { release, targetRef } from './fixtures';

const skip = skipReason();

/**
 * A bare Deployment kwok's nodes run (no containers start: the image need not exist);
 * `unschedulable` pods match no node and stay Pending, so its rollout never ends.
 */
async function createDeployment(clients: KubeClients, namespace: string, name: string, replicas: number, unschedulable = false): Promise<k8s.V1Deployment> {
  const labels = { app: name };
  return clients.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: 'app', image: '127.0.0.1:5000/follow@sha256:' + '0'.repeat(64) }],
            ...(unschedulable ? { nodeSelector: { 'sluice.dev/no-such-node': 'true' } } : {}),
          },
        },
      },
    },
  });
}

async function scale(clients: KubeClients, namespace: string, name: string, replicas: number): Promise<k8s.V1Deployment> {
  const body = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { replicas } };
  return (await clients.objects.patch(body, undefined, undefined, 'sluice-test', undefined, clients.k8s.PatchStrategy.MergePatch)) as k8s.V1Deployment;
}

describe('waiting on Kubernetes through watches', { skip }, () => {
  const suite = suiteNamespace('k8s-follow');
  const namespace = suite.namespace;

  it('a wait started from an expired resourceVersion lists again and still sees the rollout end', async () => {
    const clients = suite.clients;
    await createDeployment(clients, namespace, 'expired', 0);
    const patched = await scale(clients, namespace, 'expired', 2);
    // resourceVersion 1 is long compacted away: the watch answers 410 Gone (an ERROR event).
    const stale = { ...patched, metadata: { ...patched.metadata, resourceVersion: '1' } };
    const progress: string[] = [];
    const started = Date.now();
    const done = await waitForRollout(clients, namespace, 'expired', {
      timeoutMs: 60000,
      from: stale,
      fallbackPollMs: 10000,
      onProgress: (s) => progress.push(s.message),
    });
    assert.equal(done.status?.availableReplicas, 2);
    assert.ok(progress.length >= 2, `the wait judged the stale object, then a fresh list: ${progress.join(' | ')}`);
    // Well before the 10 s fallback read: the 410 itself led to the new list and watch.
    assert.ok(Date.now() - started < 5000, `ended after ${Date.now() - started} ms`);
  });

  it('a watch that cannot be opened falls back to reads at the fallback interval', async () => {
    const clients = suite.clients;
    await createDeployment(clients, namespace, 'nowatch', 0);
    await scale(clients, namespace, 'nowatch', 1);
    let lists = 0;
    const started = Date.now();
    const verdict = await followObject<k8s.V1Deployment, string>(clients, {
      // No such resource: every watch fails with 404, so only the lists can end the wait.
      path: `/apis/apps/v1/namespaces/${namespace}/no-such-resource`,
      name: 'nowatch',
      list: (fieldSelector) => {
        lists += 1;
        return clients.apps.listNamespacedDeployment({ namespace, fieldSelector });
      },
      decide: (d) => ((d?.status?.availableReplicas ?? 0) === 1 ? 'available' : undefined),
      timeoutMs: 60000,
      timeoutError: () => new Error('gave up'),
      fallbackPollMs: 100,
    });
    assert.equal(verdict, 'available');
    // Paced, not spinning: a failed watch waits the fallback interval before the next list.
    assert.ok(lists <= Math.ceil((Date.now() - started) / 100) + 2, `${lists} lists in ${Date.now() - started} ms`);
  });

  it('gives up at its deadline with the last state seen, and stops at once when cancelled', async () => {
    const clients = suite.clients;
    await createDeployment(clients, namespace, 'never', 0);
    // A replica count the wait below never accepts: it waits for 3 while the Deployment wants 0.
    const base = {
      path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
      name: 'never',
      list: (fieldSelector: string) => clients.apps.listNamespacedDeployment({ namespace, fieldSelector }),
      decide: (d: k8s.V1Deployment | undefined) => (d?.spec?.replicas === 3 ? true : undefined),
      fallbackPollMs: 1000,
    };
    const t = Date.now();
    await assert.rejects(followObject(clients, { ...base, timeoutMs: 300, timeoutError: () => new Error('deadline passed') }), /deadline passed/);
    assert.ok(Date.now() - t < 2000, `the deadline ended the wait (${Date.now() - t} ms)`);

    const controller = new AbortController();
    const waiting = followObject(clients, { ...base, timeoutMs: 60000, timeoutError: () => new Error('deadline passed'), signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by the test')), 200);
    const c = Date.now();
    await assert.rejects(waiting, /cancelled by the test/);
    assert.ok(Date.now() - c < 1000, `cancellation ended the wait (${Date.now() - c} ms)`);
  });

  it('a Deployment deleted during the wait fails it as retryable', async () => {
    const clients = suite.clients;
    await createDeployment(clients, namespace, 'deleted', 0, true);
    const patched = await scale(clients, namespace, 'deleted', 1);
    // The expectation is attached first: the wait may fail before the delete call returns.
    const failed = assert.rejects(
      waitForRollout(clients, namespace, 'deleted', { timeoutMs: 60000, from: patched }),
      (err: { type?: string; nonRetryable?: boolean }) => err.type === ErrorType.DeploymentGone && err.nonRetryable === false,
    );
    await clients.apps.deleteNamespacedDeployment({ name: 'deleted', namespace });
    await failed;
  });

  it('API calls share kept-alive connections instead of a TLS handshake each', async () => {
    const kubeconfig = targetRef('x', namespace).target.settings!.kubeconfig as string;
    // Clients of their own (an empty environment is another cache key): a pool nobody warmed.
    const clients = await connectKubernetes({ kubeconfig, namespace }, {});
    assert.notEqual(clients, suite.clients);
    const agentOf = async () => (await clients.kc.applyToFetchOptions({})).agent as https.Agent;
    const agent = await agentOf();
    assert.equal(await agentOf(), agent, 'every request gets the same agent');
    let connections = 0;
    const connect = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof connect>) => {
      connections += 1;
      return connect(...args);
    }) as typeof agent.createConnection;
    for (let i = 0; i < 10; i++) await clients.core.readNamespace({ name: namespace });
    // Exactly one: the first call's connection is counted (so the count is real), the rest reuse it.
    assert.equal(connections, 1, `10 sequential calls opened ${connections} connections`);
  });

  it('taking a canary back moves the stable and the canary in one step', async () => {
    const target = createKubernetesTarget();
    // With the stable shrunk during the canary, so that both sides have to move.
    const ref = targetRef('onestep', namespace, { replicas: 4 }, { kind: 'replica-ratio', settings: { keepStableFull: false } });
    await target.rollOut({ ...ref, release: release('onestep', '1.0.0+aaaaaaa') });
    await target.deployCandidate({ ...ref, release: release('onestep', '1.1.0+bbbbbbb'), role: 'canary' });
    await target.setTrafficWeight({ ...ref, weight: 50 });

    // The target's own clients (one per connection settings): record when each replica patch
    // starts and when it is answered.
    const clients = await connectKubernetes(ref.target.settings as { kubeconfig: string; namespace: string });
    const patch = clients.apps.patchNamespacedDeployment.bind(clients.apps);
    const calls: { name: string; started: number; answered?: number }[] = [];
    clients.apps.patchNamespacedDeployment = (async (...args: Parameters<typeof patch>) => {
      const call: (typeof calls)[number] = { name: args[0].name, started: performance.now() };
      if ((args[0].body as { path?: string }[]).some((op) => op.path === '/spec/replicas')) calls.push(call);
      try {
        return await patch(...args);
      } finally {
        call.answered = performance.now();
      }
    }) as typeof clients.apps.patchNamespacedDeployment;
    try {
      await target.removeCandidate({ ...ref, role: 'canary' });
    } finally {
      clients.apps.patchNamespacedDeployment = patch;
    }
    assert.deepEqual(calls.map((c) => c.name).sort(), ['onestep-test', 'onestep-test-canary']);
    const firstAnswer = Math.min(...calls.map((c) => c.answered!));
    assert.ok(
      calls.every((c) => c.started < firstAnswer),
      'both patches went out before either was answered',
    );
    const stable = await clients.apps.readNamespacedDeployment({ name: 'onestep-test', namespace });
    const canary = await clients.apps.readNamespacedDeployment({ name: 'onestep-test-canary', namespace });
    assert.equal(stable.status?.availableReplicas, 4);
    assert.equal(canary.status?.replicas ?? 0, 0);
  });
});
