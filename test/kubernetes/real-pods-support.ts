/**
 * What the end-to-end tests on real pods share: the example Go service on the stack's real
 * kubelet nodes (kube-node-0..2 on 127.0.0.2-4) with `network: host`, two replicas, through the
 * real worker and deployWorkflow. Each test gets an Environment: a namespace and a service of its
 * own, deleted at the end. `realPodsSuite` starts the nodes if missing, the worker, and builds the
 * example images (faults baked in through their environment).
 */
import assert from 'node:assert/strict';
import { after, before, type TestContext } from 'node:test';
import { defaultThresholdTemplate, type AnalysisTemplateInput } from '../../src/activities/metrics/templates';
import { portFree } from '../../src/activities/targets/readiness';
import type { k8s, KubeClients } from '../../src/activities/targets/kubernetes/client';
import { SLOT_PORT_OFFSET } from '../../src/activities/targets/kubernetes/manifests';
import { kubeNodeComponents } from '../../src/dev/components/kube-stack';
import { KUBE_NODE_LABEL, KUBE_NODE_TAINT, kubeNodeAddress } from '../../src/dev/components/kube-node-config';
import { stackDown, type Ownership } from '../../src/dev/stack';
import { commitFromVersion, imageTagForVersion, type Release } from '../../src/domain/release';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { freePortBlock } from '../helpers/ports';
import { catalogue, eventually, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, serviceImage } from '../targets/fixtures';
import { startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { createNamespace, deleteNamespace, ensureRealNodes, kube, realNodesSkipReason, stackConfig, startOwnNodes, withLock, type OwnNodes } from './cluster';

export const NODES = 3;
export const NODE_ADDRESSES = Array.from({ length: NODES }, (_, i) => kubeNodeAddress(i));
export const REPLICAS = 2;
export const ENVIRONMENT = 'test';
const REPO = 'k8s-real-pods-go-service';
export const V1 = '1.0.0+aaaaaaa';
export const V2 = '2.0.0+bbbbbbb';
/** The bad build: one answer in five is a 500. */
export const V3 = '3.0.0+ccccccc';
/** Starts, answers, but its /readyz is always 503. */
export const V4 = '4.0.0+ddddddd';
/** Ready (its /readyz answers), but its /healthz is always 503. */
export const V5 = '5.0.0+eeeeeee';
/** Another good build. */
export const V6 = '6.0.0+fffffff';
/** Answers correctly, 300 ms late. */
export const V7 = '7.0.0+abcdef0';
export const FAULTS: Record<string, Record<string, string>> = {
  [V3]: { FAULT_ERROR_RATE: '0.2' },
  [V4]: { FAULT_READYZ_FAIL: 'true' },
  [V5]: { FAULT_HEALTHZ_FAIL: 'true' },
  [V7]: { FAULT_LATENCY_MS: '300' },
};
export const INTERVAL_MS = 1000;

export type Steps = Extract<ReleaseSpecInput['strategy'], { kind: 'canary' }>['steps'];
export type Strategy = ReleaseSpecInput['strategy'];

/** Where a suite's pods run: the nodes' addresses, and what a pod needs to be scheduled there. */
export interface Placement {
  addresses: string[];
  nodeSelector: Record<string, string>;
  tolerations: k8s.V1Toleration[];
}

/** The stack's shared real nodes. */
export const SHARED_NODES: Placement = {
  addresses: NODE_ADDRESSES,
  nodeSelector: { [KUBE_NODE_LABEL.key]: KUBE_NODE_LABEL.value },
  tolerations: [{ key: KUBE_NODE_TAINT.key, operator: 'Equal', value: KUBE_NODE_TAINT.value, effect: KUBE_NODE_TAINT.effect }],
};

/** The first of five consecutive ports (one per slot) free on every node's address. */
export async function slotPortsFreeOnEveryNode(addresses: string[] = NODE_ADDRESSES): Promise<number> {
  const slots = Object.keys(SLOT_PORT_OFFSET).length;
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePortBlock(slots, addresses[0]);
    const free = await Promise.all(addresses.flatMap((address) => Array.from({ length: slots }, (_, i) => portFree(address, base + i))));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${slots} consecutive ports free on ${addresses.join(', ')}`);
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000), headers: { connection: 'close' } });
  assert.equal(res.status, 200, `GET ${url}`);
  return (await res.json()) as T;
}

export function isReady(pod: k8s.V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** One environment of the example service on the real nodes: its namespace, service name and ports. */
export class Environment {
  readonly service = `pods${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  readonly namespace = uniqueName('k8s-pods');
  port = 0;

  constructor(
    private readonly clients: KubeClients,
    private readonly e2e: E2eWorker,
    private readonly images: Record<string, string>,
    readonly placement: Placement = SHARED_NODES,
  ) {}

  async open(t: TestContext): Promise<void> {
    this.port = await slotPortsFreeOnEveryNode(this.placement.addresses);
    await createNamespace(this.clients, this.namespace);
    t.after(() => deleteNamespace(this.clients, this.namespace));
  }

  release(version: string): Release {
    return { service: this.service, version, imageTag: imageTagForVersion(version), commit: commitFromVersion(version), imageRef: this.images[version]! };
  }

  /**
   * `extra`: more of the spec, such as `config`, a `router` other than the plain replica ratio, or
   * analysis templates beside `errors`.
   */
  spec(
    version: string,
    strategy: Strategy,
    settings: Record<string, unknown> = {},
    extra: Pick<ReleaseSpecInput, 'config' | 'router'> & { templates?: AnalysisTemplateInput[] } = {},
  ) {
    const { templates = [], ...rest } = extra;
    const r = this.release(version);
    return validateReleaseSpec(
      {
        ...rest,
        service: this.service,
        environment: ENVIRONMENT,
        source: { kind: 'prebuilt', version, imageRef: r.imageRef, imageTag: r.imageTag, commit: r.commit },
        target: {
          kind: 'kubernetes',
          settings: {
            kubeconfig: kube.kubeconfig,
            namespace: this.namespace,
            replicas: REPLICAS,
            network: 'host',
            containerPort: this.port,
            nodeSelector: this.placement.nodeSelector,
            tolerations: this.placement.tolerations,
            env: FAST_STOP_ENV,
            progressDeadlineSeconds: 90,
            ...settings,
          },
        },
        router: rest.router ?? { kind: 'replica-ratio' },
        strategy,
        healthCheck: { interval: '500ms', window: '1s', failureThreshold: 3, timeout: '2s' },
        analysis: {
          templates: [
            {
              // A slow p99 on this busy machine is not what these tests are about.
              ...defaultThresholdTemplate({ interval: `${INTERVAL_MS}ms`, count: 4, initialDelay: '4s', maxP99Seconds: 0.5, inconclusivePolicy: 'rollback' }),
              name: 'errors',
            },
            ...templates,
          ],
          // Straight at each ready pod: the replica-ratio router has no frontend of its own.
          load: { ratePerSecond: 40, via: 'candidate' },
          rateWindow: '10s',
        },
      } satisfies ReleaseSpecInput,
      catalogue,
    );
  }

  canary(version: string, steps: Steps) {
    return this.spec(version, { kind: 'canary', steps, scaleDownDelay: '0s' });
  }

  /** Starts the release on the suite's worker, or on the worker of `taskQueue`, and waits for it. */
  async deploy(spec: ReturnType<Environment['spec']>, taskQueue = this.e2e.taskQueue) {
    const handle = await this.start(spec, taskQueue);
    return { handle, result: await settleDeployment(handle.result()) };
  }

  async start(spec: ReturnType<Environment['spec']>, taskQueue = this.e2e.taskQueue) {
    return this.e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue,
      workflowId: deployWorkflowId(this.service, ENVIRONMENT),
      args: [spec],
    });
  }

  /** The first release: the whole canary at once, then the stable. */
  async first(version: string): Promise<void> {
    const { result } = await this.deploy(this.canary(version, [{ kind: 'setWeight', weight: 100 }]));
    assert.equal(result.outcome, 'promoted', result.message);
  }

  async pods(slot: string): Promise<k8s.V1Pod[]> {
    const list = await this.clients.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `sluice.dev/service=${this.service},sluice.dev/slot=${slot}` });
    return list.items;
  }

  /**
   * Every pod of the slot (the stable one unless told) is Ready on `version`, one per node on a
   * node's address, and answers /version there on the slot's port; nothing else of the slot is left.
   */
  async servesEverywhere(version: string, slot: keyof typeof SLOT_PORT_OFFSET = 'main'): Promise<void> {
    const pods = await eventually(
      `${REPLICAS} ready pods of ${version}, and no other`,
      async () => {
        const all = await this.pods(slot);
        const ready = all.filter(isReady);
        return all.length === REPLICAS && ready.length === REPLICAS && ready.every((p) => p.metadata?.labels?.['sluice.dev/release'] === imageTagForVersion(version))
          ? ready
          : undefined;
      },
      90000,
      500,
    );
    const hosts = pods.map((p) => p.status!.hostIP!);
    assert.equal(new Set(hosts).size, REPLICAS, `one pod per node (${hosts.join(', ')})`);
    for (const host of hosts) {
      assert.ok(this.placement.addresses.includes(host), `${host} is the address of one of the suite's nodes`);
      assert.equal((await getJson<{ version: string }>(`http://${host}:${this.port + SLOT_PORT_OFFSET[slot]}/version`)).version, version, `the pod on ${host} serves ${version}`);
    }
  }
}

export function skip(): string | undefined {
  return realNodesSkipReason(NODES);
}

/**
 * The shared part of a suite on real pods: call inside `describe`; read its fields in tests. A
 * repository of its own (`repo`) when a test counts the retained releases, which are per repository.
 * `ownNodes`: run on that many real nodes of the suite's own (spare slots, a taint of their own)
 * instead of the shared ones, for a suite that breaks a node.
 */
export function realPodsSuite(prefix: string, versions: string[] = [V1, V2, V3, V4], repo = REPO, options: { ownNodes?: number } = {}) {
  const suite = {
    clients: undefined as unknown as KubeClients,
    e2e: undefined as unknown as E2eWorker,
    images: {} as Record<string, string>,
    placement: SHARED_NODES,
    own: undefined as OwnNodes | undefined,
  };
  let ownership: Map<string, Ownership> | undefined;

  before(async () => {
    const nodes = await ensureRealNodes(NODES);
    suite.clients = nodes.clients;
    ownership = nodes.ownership;
    if (options.ownNodes) {
      suite.own = await startOwnNodes(options.ownNodes, prefix);
      suite.placement = { addresses: suite.own.nodes.map((n) => n.address), nodeSelector: suite.own.nodeSelector, tolerations: suite.own.tolerations };
    }
    suite.e2e = await startE2eWorker(prefix);
    for (const version of versions) suite.images[version] = await serviceImage(suite.e2e.docker, repo, version, FAULTS[version]);
  });

  after(async () => {
    await suite.e2e?.stop(() => ({ service: 'none', environment: ENVIRONMENT, target: { kind: 'kubernetes', settings: {} }, router: { kind: 'none', settings: {} } }), []);
    await suite.own?.stop();
    // The nodes this file started (none when the stack runs them); the shared ones stay.
    const started = kubeNodeComponents(NODES).filter((c) => ownership?.get(c.name) === 'started');
    if (started.length > 0) await withLock('kubernetes-up', () => stackDown(stackConfig, started));
  });

  return {
    environment: (t: TestContext) => {
      const env = new Environment(suite.clients, suite.e2e, suite.images, suite.placement);
      return env.open(t).then(() => env);
    },
    get clients() {
      return suite.clients;
    },
    get e2e() {
      return suite.e2e;
    },
    /** The suite's own nodes, when it asked for them. */
    get ownNodes(): OwnNodes | undefined {
      return suite.own;
    },
  };
}
