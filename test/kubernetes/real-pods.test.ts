/**
 * The Kubernetes target on real pods, through the real worker and deployWorkflow: the example Go
 * service on the stack's real kubelet nodes (kube-node-0..2 on 127.0.0.2-4) with `network: host`,
 * two replicas, the replica-ratio router, and analysis on the pods themselves: Prometheus scrapes
 * every ready pod of the canary, and the load generator sends its requests to each pod directly.
 * - a good release passes two analyses (one canary pod at 20%, two at 100%) and is promoted;
 * - a release with 20% errors is rolled back by analysis, and the previous one serves every pod;
 * - the kubelet really probes /readyz: a release whose /readyz answers 503 never gets a Ready pod,
 *   misses its progress deadline, and the rolling update goes back to the previous ReplicaSet.
 * Each test has a namespace and a service of its own, deleted at the end.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it, type TestContext } from 'node:test';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import { portFree } from '../../src/activities/targets/readiness';
import type { k8s, KubeClients } from '../../src/activities/targets/kubernetes/client';
import { SLOT_PORT_OFFSET } from '../../src/activities/targets/kubernetes/manifests';
import { kubeNodeComponents } from '../../src/dev/components/kube-stack';
import { KUBE_NODE_LABEL, KUBE_NODE_TAINT, kubeNodeAddress, loadKubeNodeConfig } from '../../src/dev/components/kube-node-config';
import { stackDown, type Ownership } from '../../src/dev/stack';
import { ErrorType } from '../../src/domain/errors';
import { Reason } from '../../src/domain/reasons';
import { commitFromVersion, imageTagForVersion, type Release } from '../../src/domain/release';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { freePortBlock } from '../helpers/ports';
import { catalogue, eventually, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, serviceImage } from '../targets/fixtures';
import { startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { createNamespace, deleteNamespace, ensureRealNodes, kube, skipReason, stackConfig, withLock } from './cluster';

const NODES = 3;
const NODE_ADDRESSES = Array.from({ length: NODES }, (_, i) => kubeNodeAddress(i));
const REPLICAS = 2;
const ENVIRONMENT = 'test';
const REPO = 'k8s-real-pods-go-service';
const V1 = '1.0.0+aaaaaaa';
const V2 = '2.0.0+bbbbbbb';
/** The bad build: one answer in five is a 500. */
const V3 = '3.0.0+ccccccc';
/** Starts, answers, but its /readyz is always 503. */
const V4 = '4.0.0+ddddddd';
const FAULTS: Record<string, Record<string, string>> = { [V3]: { FAULT_ERROR_RATE: '0.2' }, [V4]: { FAULT_READYZ_FAIL: 'true' } };
const INTERVAL_MS = 1000;

type Steps = Extract<ReleaseSpecInput['strategy'], { kind: 'canary' }>['steps'];
type Strategy = ReleaseSpecInput['strategy'];

/** The first of five consecutive ports (one per slot) free on every node's address. */
async function slotPortsFreeOnEveryNode(): Promise<number> {
  const slots = Object.keys(SLOT_PORT_OFFSET).length;
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePortBlock(slots, NODE_ADDRESSES[0]);
    const free = await Promise.all(NODE_ADDRESSES.flatMap((address) => Array.from({ length: slots }, (_, i) => portFree(address, base + i))));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${slots} consecutive ports free on ${NODE_ADDRESSES.join(', ')}`);
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000), headers: { connection: 'close' } });
  assert.equal(res.status, 200, `GET ${url}`);
  return (await res.json()) as T;
}

function isReady(pod: k8s.V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** One environment of the example service on the real nodes: its namespace, service name and ports. */
class Environment {
  readonly service = `pods${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  readonly namespace = uniqueName('k8s-pods');
  port = 0;

  constructor(
    private readonly clients: KubeClients,
    private readonly e2e: E2eWorker,
    private readonly images: Record<string, string>,
  ) {}

  async open(t: TestContext): Promise<void> {
    this.port = await slotPortsFreeOnEveryNode();
    await createNamespace(this.clients, this.namespace);
    t.after(() => deleteNamespace(this.clients, this.namespace));
  }

  release(version: string): Release {
    return { service: this.service, version, imageTag: imageTagForVersion(version), commit: commitFromVersion(version), imageRef: this.images[version]! };
  }

  spec(version: string, strategy: Strategy, settings: Record<string, unknown> = {}) {
    const r = this.release(version);
    return validateReleaseSpec(
      {
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
            nodeSelector: { [KUBE_NODE_LABEL.key]: KUBE_NODE_LABEL.value },
            tolerations: [{ key: KUBE_NODE_TAINT.key, operator: 'Equal', value: KUBE_NODE_TAINT.value, effect: KUBE_NODE_TAINT.effect }],
            env: FAST_STOP_ENV,
            progressDeadlineSeconds: 90,
            ...settings,
          },
        },
        router: { kind: 'replica-ratio' },
        strategy,
        healthCheck: { interval: '500ms', window: '1s', failureThreshold: 3, timeout: '2s' },
        analysis: {
          templates: [
            {
              // A slow p99 on this busy machine is not what these tests are about.
              ...defaultThresholdTemplate({ interval: `${INTERVAL_MS}ms`, count: 4, initialDelay: '4s', maxP99Seconds: 0.5, inconclusivePolicy: 'rollback' }),
              name: 'errors',
            },
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

  async deploy(spec: ReturnType<Environment['spec']>) {
    const handle = await this.e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue: this.e2e.taskQueue,
      workflowId: deployWorkflowId(this.service, ENVIRONMENT),
      args: [spec],
    });
    return { handle, result: await settleDeployment(handle.result()) };
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
   * Every pod of the stable slot is Ready on `version`, one per node on a node's address, and
   * answers /version there on the slot's port; nothing else of the slot is left.
   */
  async servesEverywhere(version: string): Promise<void> {
    const pods = await eventually(
      `${REPLICAS} ready pods of ${version}, and no other`,
      async () => {
        const all = await this.pods('main');
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
      assert.ok(NODE_ADDRESSES.includes(host), `${host} is a real node's address`);
      assert.equal((await getJson<{ version: string }>(`http://${host}:${this.port}/version`)).version, version, `the pod on ${host} serves ${version}`);
    }
  }
}

function skip(): string | undefined {
  const reason = skipReason();
  if (reason) return reason;
  const kubelet = loadKubeNodeConfig(stackConfig, 0).kubeletBin;
  return existsSync(kubelet) ? undefined : `the kubelet is not built (${kubelet}); run bash scripts/bootstrap-kubernetes.sh`;
}

describe('the Kubernetes target on real pods: network host, replica-ratio canary, analysis on the pods', { skip: skip() }, () => {
  let clients: KubeClients;
  let ownership: Map<string, Ownership> | undefined;
  let e2e: E2eWorker;
  const images: Record<string, string> = {};

  before(async () => {
    const nodes = await ensureRealNodes(NODES);
    clients = nodes.clients;
    ownership = nodes.ownership;
    e2e = await startE2eWorker('k8s-pods');
    const docker = e2e.docker;
    for (const version of [V1, V2, V3, V4]) images[version] = await serviceImage(docker, REPO, version, FAULTS[version]);
  });

  after(async () => {
    await e2e?.stop(() => ({ service: 'none', environment: ENVIRONMENT, target: { kind: 'kubernetes', settings: {} }, router: { kind: 'none', settings: {} } }), []);
    // The nodes this file started (none when the stack runs them); the shared ones stay.
    const started = kubeNodeComponents(NODES).filter((c) => ownership?.get(c.name) === 'started');
    if (started.length > 0) await withLock('kubernetes-up', () => stackDown(stackConfig, started));
  });

  it('promotes a good release after analysis on one canary pod, then on two, and its pods serve it on the nodes', { timeout: 300000 }, async (t) => {
    const env = new Environment(clients, e2e, images);
    await env.open(t);
    await env.first(V1);
    await env.servesEverywhere(V1);

    const { handle, result } = await env.deploy(
      env.canary(V2, [
        { kind: 'setWeight', weight: 20 },
        { kind: 'analysis', templates: ['errors'] },
        { kind: 'setWeight', weight: 100 },
        { kind: 'analysis', templates: ['errors'] },
      ]),
    );
    assert.equal(result.outcome, 'promoted', result.message);
    const status = await handle.query(statusQuery);
    const analyses = status.events.filter((e) => e.type === 'analysis');
    assert.equal(analyses.length, 2, 'two analyses ran');
    for (const a of analyses) assert.match(a.message, /analysis Successful → promote/);

    // What each check measured: the canary's ready pods then, on the node addresses and the canary's port.
    const canaryPort = env.port + SLOT_PORT_OFFSET.canary;
    const looked = status.events.filter((e) => e.type === 'info' && e.message.startsWith(`canary ${V2}: `)).map((e) => e.message);
    assert.equal(looked.length, 2, looked.join('\n'));
    const urls = looked.map((m) => m.replace(/^.*ready instance\(s\) /, '').split(', '));
    assert.deepEqual(
      urls.map((u) => u.length),
      [1, 2],
      '20% of two replicas is one canary pod, 100% is two',
    );
    for (const url of urls.flat()) assert.match(url, new RegExp(`^http://127\\.0\\.0\\.[234]:${canaryPort}$`));

    await env.servesEverywhere(V2);
    const canary = await clients.apps.readNamespacedDeployment({ name: `${env.service}-${ENVIRONMENT}-canary`, namespace: env.namespace });
    assert.equal(canary.spec?.replicas, 0, 'the canary is scaled to zero after the promotion');
  });

  it('rolls back a release with 20% errors on analysis; the previous release serves every pod again', { timeout: 300000 }, async (t) => {
    const env = new Environment(clients, e2e, images);
    await env.open(t);
    await env.first(V2);

    const { handle, result } = await env.deploy(
      env.canary(V3, [
        { kind: 'setWeight', weight: 20 },
        { kind: 'analysis', templates: ['errors'] },
        { kind: 'setWeight', weight: 100 },
      ]),
    );
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.AnalysisFailed, result.message);
    assert.match(result.message, /analysis Failed → rollback/);
    const status = await handle.query(statusQuery);
    assert.ok(
      status.events.some((e) => e.type === 'info' && new RegExp(`^canary ${V3.replace(/[.+]/g, '\\$&')}: 1 ready instance`).test(e.message)),
      'the analysis measured the canary pod',
    );

    await env.servesEverywhere(V2);
    await eventually('no canary pod left', async () => ((await env.pods('canary')).length === 0 ? true : undefined), 60000, 500);
  });

  it('the kubelet probes /readyz: a release whose /readyz fails never gets a Ready pod and is rolled back at its progress deadline', { timeout: 300000 }, async (t) => {
    const env = new Environment(clients, e2e, images);
    await env.open(t);
    await env.first(V1);
    await env.servesEverywhere(V1);

    // Two replicas on three nodes: the surge pod of the rolling update has a node of its own.
    const rolling = env.spec(V4, { kind: 'rolling', maxSurge: 1, maxUnavailable: 0, progressDeadline: '20s', checks: { window: '1s' } });
    const running = env.deploy(rolling);
    const v4Tag = imageTagForVersion(V4);
    // While the workflow waits: the new pod runs, the kubelet asks its /readyz and gets 503s, and never marks it Ready.
    const probed = await eventually(
      'the kubelet probed the new pod /readyz and got 503s',
      async () => {
        const pod = (await env.pods('main')).find((p) => p.metadata?.labels?.['sluice.dev/release'] === v4Tag && p.status?.containerStatuses?.[0]?.state?.running);
        if (!pod?.status?.hostIP) return undefined;
        const metrics = await fetch(`http://${pod.status.hostIP}:${env.port}/metrics`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.text())
          .catch(() => '');
        // The node's port could answer for another pod only if two pods of the slot shared a node.
        if (!metrics.includes(`go_service_build_info{commit="${commitFromVersion(V4)}",version="${V4}"} 1`)) return undefined;
        const failed = /http_requests_total\{code="503",handler="readyz"\} (\d+)/.exec(metrics);
        return failed && Number(failed[1]) >= 2 ? { pod, failed: Number(failed[1]) } : undefined;
      },
      60000,
      250,
    );
    t.diagnostic(`${probed.failed} failed readiness probes on ${probed.pod.status!.hostIP}`);
    const now = await clients.core.readNamespacedPod({ name: probed.pod.metadata!.name!, namespace: env.namespace });
    assert.ok(!isReady(now), 'a pod whose /readyz fails is not Ready');
    assert.equal(now.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');

    const { result } = await running;
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.HealthCheckFailed);
    assert.equal(result.errorType, ErrorType.ProgressDeadlineExceeded, result.message);
    await env.servesEverywhere(V1);
  });
});
