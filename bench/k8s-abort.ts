/**
 * Kubernetes abort through the workflow, as a user sees it: a canary release at 50 % by replica
 * count waits for approval, `abort` is signalled, and the clock stops when the previous version
 * runs every replica available and the canary's ReplicaSet is at 0 with its pods gone (seen
 * through a watch on the namespace's ReplicaSets; each side's moment is printed too).
 *
 * The split, each a median of moments after the abort was sent: the signal in the history, the
 * workflow task that handles it started (history), the undo (the weight back to 0, a local
 * activity since patch local-quick-steps, so the history has no start for it) started and
 * completed (timed around the bench worker's activities), both Deployments seen patched and
 * both ReplicaSets seen scaled by the Deployment controller (watches on Deployments and
 * ReplicaSets), then each side settled. Patched minus undo started is the activity's API calls;
 * the rest up to settled is the controllers, the scheduler and kwok.
 *
 * Runs on the shared stack with Kubernetes (`node bin/sluice.js dev up --kubernetes`), in its own
 * namespace, with a worker in this process built the way the production worker is. Pods land on
 * kwok's nodes, Ready at once, so only Temporal, the API server and the controllers count.
 *
 * The replica-ratio router runs with its defaults: the stable keeps all its pods beside the
 * canary's (keepStableFull), so the abort starts none and only the canary's go.
 * `--shrink-stable` turns keepStableFull off: the stable gives the canary its pods, and the abort
 * waits for the controllers to start them again.
 *
 * Usage: npx tsx bench/k8s-abort.ts [runs=10] [replicas=4] [--shrink-stable]
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { loadStackConfig, temporalConnectionOptions } from '../src/dev/config';
import { loadKubeStackConfig } from '../src/dev/components/kube-config';
import { createKubernetesTarget } from '../src/activities/targets/kubernetes';
import { connectKubernetes, type k8s, type KubeClients } from '../src/activities/targets/kubernetes/client';
import { createDeployActivities } from '../src/activities/deploy';
import { adapterConfigFromStack } from '../src/worker/adapters';
import { createWorker } from '../src/worker/worker';
import { validateReleaseSpec } from '../src/domain/validate';
import { settleDeployment } from '../src/domain/result';
import type { Release } from '../src/domain/release';
import type { deployWorkflow } from '../src/workflows';
import { abortSignal, statusQuery } from '../src/workflows/definitions';
import { deployWorkflowId } from '../src/workflows/ids';
import { catalogue, eventually, temporalClient } from '../test/helpers/stack';
import { release } from '../test/kubernetes/fixtures';

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { runs: sorted.length, p50: q(0.5), p90: q(0.9), min: sorted[0]!, max: sorted.at(-1)! };
}

/**
 * The namespace's ReplicaSets (or Deployments) as the API server reports them, kept current by a watch, with a
 * promise for the first moment a condition holds (checked on every event, no polling).
 */
class ObjectView<T extends k8s.KubernetesObject> {
  private readonly sets = new Map<string, T>();
  private waiters: { test: () => boolean; resolve: (at: number) => void }[] = [];
  private stream?: AbortController;

  constructor(
    private readonly clients: KubeClients,
    private readonly namespace: string,
    private readonly resource: 'replicasets' | 'deployments',
  ) {}

  async start(): Promise<void> {
    const list = (
      this.resource === 'replicasets'
        ? await this.clients.apps.listNamespacedReplicaSet({ namespace: this.namespace })
        : await this.clients.apps.listNamespacedDeployment({ namespace: this.namespace })
    ) as { items: T[]; metadata?: { resourceVersion?: string } };
    for (const o of list.items) this.sets.set(o.metadata!.name!, o);
    const watch = new this.clients.k8s.Watch(this.clients.kc);
    this.stream = await watch.watch(
      `/apis/apps/v1/namespaces/${this.namespace}/${this.resource}`,
      { resourceVersion: list.metadata?.resourceVersion },
      (type: string, o: T) => {
        if (type === 'DELETED') this.sets.delete(o.metadata!.name!);
        else if (type === 'ADDED' || type === 'MODIFIED') this.sets.set(o.metadata!.name!, o);
        this.check(Date.now());
      },
      (err: unknown) => {
        if (err && this.stream) console.error(`${this.resource} watch ended:`, err);
      },
    );
  }

  stop(): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.abort();
  }

  /** Resolves with the time the condition first holds (now, if it already does). */
  when(test: (sets: T[]) => boolean): Promise<number> {
    return new Promise((resolve) => {
      this.waiters.push({ test: () => test([...this.sets.values()]), resolve });
      this.check(Date.now());
    });
  }

  private check(at: number): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve(at);
      return false;
    });
  }
}

/** The stable Deployment's ReplicaSet of `r` wants and has every replica available. */
function stableRestored(sets: k8s.V1ReplicaSet[], service: string, r: Release, replicas: number): boolean {
  return sets.some(
    (rs) =>
      rs.metadata?.ownerReferences?.[0]?.name === `${service}-bench` &&
      rs.spec?.template?.metadata?.labels?.['sluice.dev/release'] === r.imageTag &&
      rs.spec?.replicas === replicas &&
      (rs.status?.availableReplicas ?? 0) === replicas,
  );
}

/** Every other ReplicaSet of the service (the canary's above all) wants 0 pods and runs none. */
function othersGone(sets: k8s.V1ReplicaSet[], service: string, r: Release): boolean {
  return sets
    .filter((rs) => rs.metadata?.labels?.['sluice.dev/service'] === service)
    .filter((rs) => !(rs.metadata?.ownerReferences?.[0]?.name === `${service}-bench` && rs.spec?.template?.metadata?.labels?.['sluice.dev/release'] === r.imageTag))
    .every((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0);
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** From the history: when the abort was recorded and when the workflow task that handles it started. */
function historyOf(history: temporal.api.history.v1.IHistory, signalledAt: number) {
  const events = history.events ?? [];
  const signal = events.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'abort');
  const task = events.find((e) => e.workflowTaskStartedEventAttributes && Number(e.eventId) > Number(signal?.eventId ?? 0));
  return { signalRecorded: ms(signal?.eventTime) - signalledAt, workflowTaskStarted: ms(task?.eventTime) - signalledAt };
}

/** One activity call as the bench's worker ran it (local activities leave no start in the history). */
interface Call {
  name: string;
  input: unknown;
  start: number;
  end?: number;
}

/** The activities with each call's start and end recorded, so the split sees local activities too. */
function timed<A extends Record<string, unknown>>(activities: A, calls: Call[]): A {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    out[name] =
      typeof fn !== 'function'
        ? fn
        : async (...args: unknown[]) => {
            const call: Call = { name, input: args[0], start: Date.now() };
            calls.push(call);
            try {
              return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
            } finally {
              call.end = Date.now();
            }
          };
  }
  return out as A;
}

async function main(): Promise<void> {
  const keepStableFull = !process.argv.includes('--shrink-stable');
  const [runsArg, replicasArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const runs = Number(runsArg ?? 10);
  const replicas = Number(replicasArg ?? 4);
  const config = loadStackConfig();
  const kube = loadKubeStackConfig(config);
  const clients = await connectKubernetes({ kubeconfig: kube.kubeconfig });
  const namespace = `bench-abort-${Date.now().toString(36)}`;
  await clients.core.createNamespace({ body: { metadata: { name: namespace } } });

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = namespace;
  const calls: Call[] = [];
  const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config));
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities: timed(
      {
        ...createDeployActivities({ config: adapterConfigFromStack(config) }),
        // Prebuilt releases: nothing was pushed, so there is nothing to prune.
        async pruneReleases(input: { protect: string[] }) {
          return { kept: input.protect, deleted: [] };
        },
      },
      calls,
    ),
    identity: 'bench-abort',
  });
  const running = worker.run();
  const { client, connection } = await temporalClient();
  const view = new ObjectView<k8s.V1ReplicaSet>(clients, namespace, 'replicasets');
  const deployments = new ObjectView<k8s.V1Deployment>(clients, namespace, 'deployments');

  const service = 'abortbench';
  const target = { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas, progressDeadlineSeconds: 120 } };
  const ref = { service, environment: 'bench', target };
  const abortToRestored: number[] = [];
  const stableAvailable: number[] = [];
  const canaryGone: number[] = [];
  const split: Record<string, number>[] = [];
  try {
    await view.start();
    await deployments.start();
    const stable = release(service, '1.0.0+0000000');
    await createKubernetesTarget().rollOut({ ...ref, release: stable });
    for (let i = 1; i <= runs; i++) {
      const next = release(service, `1.${i}.0+${i.toString(16).padStart(7, '0')}`);
      const spec = validateReleaseSpec(
        {
          service,
          environment: 'bench',
          source: { kind: 'prebuilt', version: next.version, imageRef: next.imageRef, imageTag: next.imageTag, commit: next.commit },
          target,
          strategy: { kind: 'canary', steps: [{ setWeight: 50 }, { pause: {} }], scaleDownDelay: '1s' },
          router: { kind: 'replica-ratio', settings: { keepStableFull } },
        },
        catalogue,
      );
      const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
        taskQueue,
        workflowId: deployWorkflowId(`${service}-${namespace}-${i}`, 'bench'),
        args: [spec],
      });
      await eventually('the canary to wait for approval at 50 %', async () => ((await handle.query(statusQuery)).awaitingApproval ? true : undefined), 60000, 50);
      const signalledAt = Date.now();
      const before = calls.length;
      await handle.signal(abortSignal, 'benchmark abort', 'bench');
      const stableDeployment = `${service}-bench`;
      const canaryDeployment = `${service}-bench-canary`;
      const replicasOf = (name: string, want: number) => (items: { metadata?: k8s.V1ObjectMeta; spec?: { replicas?: number } }[]) =>
        items.some((o) => o.metadata?.name === name && o.spec?.replicas === want);
      const rsOf = (owner: string, want: number) => (items: k8s.V1ReplicaSet[]) =>
        items.some(
          (o) =>
            o.metadata?.ownerReferences?.[0]?.name === owner &&
            (o.spec?.replicas ?? 0) === want &&
            o.spec?.template?.metadata?.labels?.['sluice.dev/release'] === (owner === stableDeployment ? stable.imageTag : next.imageTag),
        );
      const [stableAt, goneAt, stablePatched, canaryPatched, stableRsScaled, canaryRsScaled] = await Promise.all([
        view.when((sets) => stableRestored(sets, service, stable, replicas)),
        view.when((sets) => othersGone(sets, service, stable)),
        deployments.when(replicasOf(stableDeployment, replicas)),
        deployments.when(replicasOf(canaryDeployment, 0)),
        view.when(rsOf(stableDeployment, replicas)),
        view.when(rsOf(canaryDeployment, 0)),
      ]);
      abortToRestored.push(Math.max(stableAt, goneAt) - signalledAt);
      stableAvailable.push(stableAt - signalledAt);
      canaryGone.push(goneAt - signalledAt);
      const result = await settleDeployment(handle.result());
      if (result.outcome !== 'aborted') throw new Error(`run ${i}: ${result.outcome}: ${result.message}`);
      const undo = calls.slice(before).find((c) => c.name === 'setTrafficWeight');
      const since = (t: number | undefined) => (t === undefined ? NaN : t - signalledAt);
      split.push({
        ...historyOf(await handle.fetchHistory(), signalledAt),
        undoStarted: since(undo?.start),
        deploymentsPatched: since(Math.max(stablePatched, canaryPatched)),
        replicaSetsScaled: since(Math.max(stableRsScaled, canaryRsScaled)),
        stableAvailable: since(stableAt),
        canaryGone: since(goneAt),
        undoCompleted: since(undo?.end),
      });
    }
  } finally {
    view.stop();
    deployments.stop();
    await connection.close();
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await clients.core.deleteNamespace({ name: namespace });
  }
  const median = (key: string) => stats(split.map((s) => s[key]!)).p50;
  console.log(
    JSON.stringify(
      {
        kubernetes: kube.versions,
        nodes: 'kwok',
        replicas,
        keepStableFull,
        abortToRestoredMs: stats(abortToRestored),
        stableAvailableMs: stats(stableAvailable),
        canaryGoneMs: stats(canaryGone),
        // Each a median of the moments after the abort was sent, in the order they happen.
        medianSplitMs: Object.fromEntries(Object.keys(split[0] ?? {}).map((key) => [key, median(key)])),
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
