/**
 * Kubernetes benchmark: cold build time of the control plane (recorded by
 * scripts/bootstrap-kubernetes.sh), cached start time of a fresh control plane, and rollback
 * latency over N runs, from the abort to all available replicas on the previous ReplicaSet.
 *
 * Runs its own control plane on free loopback ports in a temporary state dir, so the shared
 * stack is left alone. Usage: npx tsx bench/k8s-rollback.ts [runs=10] [replicas=4]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadStackConfig } from '../src/dev/config';
import { stackDown, stackUp } from '../src/dev/stack';
import { KUBERNETES_COMPONENTS } from '../src/dev/components/kube-stack';
import { kubernetesBinariesBuilt, loadKubeStackConfig } from '../src/dev/components/kube-config';
import { createKubernetesTarget } from '../src/activities/targets/kubernetes';
import { connectKubernetes, type KubeClients } from '../src/activities/targets/kubernetes/client';
import type { Release } from '../src/domain/release';
import { freePort } from '../test/helpers/ports';

function release(version: string): Release {
  const digest = createHash('sha256').update(`bench:${version}`).digest('hex');
  return { service: 'bench', version, imageTag: `v${version.replace('+', '-')}`, commit: '', imageRef: `127.0.0.1:5000/bench@sha256:${digest}` };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { runs: sorted.length, p50: q(0.5), p90: q(0.9), max: sorted.at(-1)!, min: sorted[0]! };
}

/** True once every desired pod of the Deployment runs the ReplicaSet of `r` and is available. */
async function allOn(clients: KubeClients, namespace: string, r: Release, replicas: number): Promise<boolean> {
  const sets = await clients.apps.listNamespacedReplicaSet({ namespace, labelSelector: 'sluice.dev/slot=main' });
  return sets.items.every((rs) => {
    const mine = rs.spec?.template?.metadata?.labels?.['sluice.dev/release'] === r.imageTag;
    return mine ? (rs.status?.availableReplicas ?? 0) === replicas && rs.spec?.replicas === replicas : (rs.status?.replicas ?? 0) === 0;
  });
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 10);
  const replicas = Number(process.argv[3] ?? 4);
  const shared = loadStackConfig();
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-k8s-bench-'));
  const taken = new Set<number>();
  for (const name of [
    'SLUICE_ETCD_PORT',
    'SLUICE_ETCD_PEER_PORT',
    'SLUICE_KUBE_APISERVER_PORT',
    'SLUICE_KUBE_CONTROLLER_MANAGER_PORT',
    'SLUICE_KUBE_SCHEDULER_PORT',
    'SLUICE_KWOK_PORT',
  ]) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    process.env[name] = String(port);
  }
  process.env.SLUICE_STATE_DIR = stateDir;
  const config = { ...loadStackConfig(), cacheDir: shared.cacheDir };
  const kube = loadKubeStackConfig(config);
  if (!kubernetesBinariesBuilt(kube)) throw new Error('the control-plane binaries are not built: run bash scripts/bootstrap-kubernetes.sh');

  const buildSeconds = Object.fromEntries(
    [kube.bins.kubeApiserver, kube.bins.etcd, kube.bins.kwok].map((bin) => {
      const file = join(dirname(bin), 'build-seconds');
      return [dirname(bin).split('/').at(-1)!, existsSync(file) ? Number(readFileSync(file, 'utf8')) : null];
    }),
  );

  const startedAt = Date.now();
  try {
    await stackUp(config, [...KUBERNETES_COMPONENTS]);
    const startSeconds = (Date.now() - startedAt) / 1000;
    const clients = await connectKubernetes({ kubeconfig: kube.kubeconfig });
    const namespace = 'bench';
    await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
    const target = createKubernetesTarget();
    const ref = { service: 'bench', environment: 'bench', target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas } } };

    const undo: number[] = [];
    const abort: number[] = [];
    let stable = release('1.0.0+0000000');
    await target.rollOut({ ...ref, release: stable });
    for (let i = 1; i <= runs; i++) {
      // Rolling release, then the abort: back to the previous ReplicaSet (`rollout undo`).
      const next = release(`1.${i}.0+${i.toString(16).padStart(7, '0')}`);
      await target.rollOut({ ...ref, release: next });
      let t = Date.now();
      await target.rollbackToRelease({ ...ref, release: stable });
      while (!(await allOn(clients, namespace, stable, replicas))) await new Promise((r) => setTimeout(r, 20));
      undo.push(Date.now() - t);

      // Canary at 50 % (replica ratio), then the abort: stable back to every replica.
      await target.deployCandidate({ ...ref, release: next, role: 'canary' });
      await target.setTrafficWeight({ ...ref, weight: 50 });
      t = Date.now();
      await target.removeCandidate({ ...ref, role: 'canary' });
      while (!(await allOn(clients, namespace, stable, replicas))) await new Promise((r) => setTimeout(r, 20));
      abort.push(Date.now() - t);
      stable = next;
      await target.rollOut({ ...ref, release: stable });
    }
    console.log(
      JSON.stringify(
        {
          kubernetes: kube.versions,
          coldBuildSeconds: buildSeconds,
          cachedStartSeconds: startSeconds,
          replicas,
          rollbackToPreviousReplicaSetMs: stats(undo),
          canaryAbortMs: stats(abort),
        },
        null,
        2,
      ),
    );
  } finally {
    await stackDown(config, [...KUBERNETES_COMPONENTS]);
    if (process.env.SLUICE_BENCH_KEEP) console.error(`kept ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
