/**
 * Time to detect and time to restore of a bad canary on Kubernetes with real pods, against the
 * docker target, with the same example service image, the same judge, interval and load.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/k8s-real-pods.js [runs=3]
 *
 * Per target: v1 is released once (the whole canary at once); then, per run, v2 with 20% errors
 * baked into its image goes setWeight 20 → analysis → setWeight 100 and is rolled back by
 * analysis. The figures are the workflow's own: time to detect (the canary's first traffic to the
 * decision) and time to restore (the decision to the previous version serving all traffic).
 * - kubernetes: the stack's real nodes (`network: host`), 2 replicas, replica-ratio router with
 *   its defaults (keepStableFull): the canary's one pod runs beside both of the stable's, so the
 *   restore only takes the canary's away;
 * - the same with keepStableFull off: the canary at 20% is one pod of two and the restore is a
 *   scale of two Deployments, waiting for the stable's pod to start again;
 * - docker: one container per slot behind the service's own HAProxy, so the restore is a
 *   runtime weight change.
 * The judge: threshold on the error ratio, 1 s interval, 4 s initial delay, 4 measurements;
 * 40 req/s of loopback load straight at each canary instance.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { defaultThresholdTemplate } from '../src/activities/metrics/templates';
import { KUBE_NODE_LABEL, KUBE_NODE_TAINT } from '../src/dev/components/kube-node-config';
import { formatMs } from '../src/domain/duration';
import { commitFromVersion, imageTagForVersion } from '../src/domain/release';
import { settleDeployment } from '../src/domain/result';
import type { DeploymentResult } from '../src/domain/status';
import type { ReleaseSpecInput } from '../src/domain/spec';
import { validateReleaseSpec } from '../src/domain/validate';
import type { deployWorkflow } from '../src/workflows';
import { deployWorkflowId } from '../src/workflows/ids';
import { createNamespace, deleteNamespace, ensureRealNodes, kube } from '../test/kubernetes/cluster';
import { slotPortsFreeOnEveryNode } from '../test/kubernetes/real-pods-support';
import { freePort, freePortBlock } from '../test/helpers/ports';
import { catalogue, uniqueName } from '../test/helpers/stack';
import { FAST_STOP_ENV, serviceImage } from '../test/targets/fixtures';
import { startE2eWorker, type E2eWorker } from '../test/workflows/support/e2e';
import { median } from './measure';

const RUNS = Number(process.argv[2] ?? 3);
const BUDGET_MS = 5 * 60 * 1000;
const ENVIRONMENT = 'bench';
const REPO = 'bench-k8s-pods-go-service';
const GOOD = '1.0.0+aaaaaaa';
const BAD = '2.0.0+bbbbbbb';
const NODES = 3;

type Strategy = ReleaseSpecInput['strategy'];
type Target = ReleaseSpecInput['target'];
type Router = NonNullable<ReleaseSpecInput['router']>;

const ANALYSIS: ReleaseSpecInput['analysis'] = {
  templates: [{ ...defaultThresholdTemplate({ interval: '1s', count: 4, initialDelay: '4s', maxP99Seconds: 0.5, inconclusivePolicy: 'rollback' }), name: 'errors' }],
  load: { ratePerSecond: 40, via: 'candidate' },
  rateWindow: '10s',
};

const BAD_CANARY: Strategy = {
  kind: 'canary',
  steps: [
    { kind: 'setWeight', weight: 20 },
    { kind: 'analysis', templates: ['errors'] },
    { kind: 'setWeight', weight: 100 },
  ],
  scaleDownDelay: '0s',
};
const ALL_AT_ONCE: Strategy = { kind: 'canary', steps: [{ kind: 'setWeight', weight: 100 }], scaleDownDelay: '0s' };

interface Rig {
  label: string;
  service: string;
  target: Target;
  router: Router;
  cleanup(): Promise<void>;
}

async function kubernetesRig(keepStableFull: boolean): Promise<Rig> {
  const { clients } = await ensureRealNodes(NODES);
  const namespace = uniqueName('bench-pods');
  await createNamespace(clients, namespace);
  const containerPort = await slotPortsFreeOnEveryNode();
  return {
    label: keepStableFull ? 'kubernetes (real pods)' : 'kubernetes (real pods), keepStableFull off',
    service: `benchpods${Date.now().toString(36)}`,
    target: {
      kind: 'kubernetes',
      settings: {
        kubeconfig: kube.kubeconfig,
        namespace,
        replicas: 2,
        network: 'host',
        containerPort,
        nodeSelector: { [KUBE_NODE_LABEL.key]: KUBE_NODE_LABEL.value },
        tolerations: [{ key: KUBE_NODE_TAINT.key, operator: 'Equal', value: KUBE_NODE_TAINT.value, effect: KUBE_NODE_TAINT.effect }],
        env: FAST_STOP_ENV,
      },
    },
    router: { kind: 'replica-ratio', settings: { keepStableFull } },
    cleanup: () => deleteNamespace(clients, namespace),
  };
}

/** Its containers and HAProxy go when the worker stops (E2eWorker.stop retires them). */
async function dockerRig(): Promise<Rig> {
  return {
    label: 'docker',
    service: `benchdock${Date.now().toString(36)}`,
    target: { kind: 'docker', settings: { basePort: await freePortBlock(5), env: FAST_STOP_ENV, stopTimeoutSec: 5, readyTimeoutMs: 30000 } },
    router: { kind: 'haproxy', settings: { listenPort: await freePort(), drainTimeoutMs: 1000 } },
    cleanup: async () => undefined,
  };
}

async function release(e2e: E2eWorker, rig: Rig, version: string, imageRef: string, strategy: Strategy): Promise<DeploymentResult> {
  const spec = validateReleaseSpec(
    {
      service: rig.service,
      environment: ENVIRONMENT,
      source: { kind: 'prebuilt', version, imageRef, imageTag: imageTagForVersion(version), commit: commitFromVersion(version) },
      target: rig.target,
      router: rig.router,
      strategy,
      healthCheck: { interval: '500ms', window: '1s', failureThreshold: 3, timeout: '2s' },
      analysis: ANALYSIS,
    } satisfies ReleaseSpecInput,
    catalogue,
  );
  const handle = await e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
    taskQueue: e2e.taskQueue,
    workflowId: deployWorkflowId(rig.service, ENVIRONMENT),
    args: [spec],
  });
  return settleDeployment(handle.result());
}

interface Sample {
  detectMs: number;
  restoreMs: number;
}

async function measure(e2e: E2eWorker, rig: Rig, images: Record<string, string>): Promise<Sample[]> {
  const first = await release(e2e, rig, GOOD, images[GOOD]!, ALL_AT_ONCE);
  if (first.outcome !== 'promoted') throw new Error(`${rig.label}: ${GOOD} not promoted: ${first.message}`);
  const samples: Sample[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const result = await release(e2e, rig, BAD, images[BAD]!, BAD_CANARY);
    const detectMs = result.timeToDetectMs;
    const restoreMs = result.timeToRollbackMs;
    if (result.outcome !== 'rolled-back' || detectMs == null || restoreMs == null) {
      throw new Error(`${rig.label} run ${run}: expected a rollback by analysis with its times, got ${result.outcome} (${result.reason}): ${result.message}`);
    }
    samples.push({ detectMs, restoreMs });
    console.error(`${rig.label} run ${run}: detect ${formatMs(detectMs)}, restore ${formatMs(restoreMs)}`);
  }
  return samples;
}

function row(label: string, samples: Sample[]): string {
  const detect = samples.map((s) => s.detectMs);
  const restore = samples.map((s) => s.restoreMs);
  const worst = Math.max(...samples.map((s) => s.detectMs + s.restoreMs));
  const share = (ms: number) => `${((ms / BUDGET_MS) * 100).toFixed(1)}%`;
  return `| ${label} | ${samples.length} | ${formatMs(median(detect))} (worst ${formatMs(Math.max(...detect))}) | ${formatMs(median(restore))} (worst ${formatMs(Math.max(...restore))}) | ${formatMs(worst)} (${share(worst)}) |`;
}

async function main(): Promise<void> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed
  }
  const e2e = await startE2eWorker('bench-k8s-pods');
  const images = { [GOOD]: await serviceImage(e2e.docker, REPO, GOOD), [BAD]: await serviceImage(e2e.docker, REPO, BAD, { FAULT_ERROR_RATE: '0.2' }) };
  const results: [string, Sample[]][] = [];
  let docker: Rig | undefined;
  try {
    for (const make of [() => kubernetesRig(true), () => kubernetesRig(false), dockerRig]) {
      const rig = await make();
      if (rig.target.kind === 'docker') docker = rig;
      try {
        results.push([rig.label, await measure(e2e, rig, images)]);
      } finally {
        await rig.cleanup();
      }
    }
  } finally {
    const ref = docker ?? { service: 'none', target: { kind: 'docker', settings: {} }, router: { kind: 'none', settings: {} } };
    await e2e.stop(
      () => ({
        service: ref.service,
        environment: ENVIRONMENT,
        target: { kind: ref.target.kind, settings: ref.target.settings ?? {} },
        router: { kind: ref.router.kind, settings: ref.router.settings ?? {} },
      }),
      [GOOD, BAD].map((version) => ({ service: ref.service, version, imageTag: imageTagForVersion(version), commit: commitFromVersion(version) })),
    );
  }
  console.log(`\nA bad canary (20% errors) rolled back by analysis, ${RUNS} run(s) per target; median (worst); budget ${formatMs(BUDGET_MS)}\n`);
  console.log('| target | runs | time to detect | time to restore | detect + restore, worst |');
  console.log('|---|---|---|---|---|');
  for (const [label, samples] of results) console.log(row(label, samples));
  const onDocker = results.find(([label]) => label === 'docker')?.[1];
  for (const [label, k8s] of results) {
    if (label === 'docker' || !onDocker) continue;
    const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
    const of = (samples: Sample[], key: keyof Sample) => samples.map((s) => s[key]);
    console.log(`\n${label} / docker: detect ×${ratio(of(k8s, 'detectMs'), of(onDocker, 'detectMs'))}, restore ×${ratio(of(k8s, 'restoreMs'), of(onDocker, 'restoreMs'))}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
