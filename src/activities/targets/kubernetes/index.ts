import type { CandidateInfo, DeployPort, HealthProbeInput, HealthProbeResult, InstancesPort, RolloutPort, TargetRef } from '../../../domain/ports';
import type { RouterRegistry } from '../../routers/router';
import type { TargetAdapter } from '../target';
import { connectKubernetes } from './client';
import { createKubernetesTarget, type KubernetesCandidateInfo, type KubernetesTargetRef } from './target';
import { probeHealth as probeHttp } from '../../health';
import { deploymentOfUrl, readyPodUrls } from './instances';
import { deploymentRolloutStatus } from './rollout';
import { KubernetesTargetSettings, parseKubernetesSettings } from './schema';

/**
 * The Kubernetes target behind the workflows' DeployPort. Candidates are addressed as
 * `kubernetes://<namespace>/deployments/<name>?kubeconfig=…&context=…` instead of a loopback
 * URL. "Healthy" is what the cluster says about the Deployment (rolled out, every desired pod
 * available) and, for host-network pods (reachable on their nodes' addresses), what each ready
 * pod answers on the check's paths; probed with the same activity.
 */
export const KUBERNETES_URL_SCHEME = 'kubernetes:';

function toRef(input: TargetRef): KubernetesTargetRef {
  return { service: input.service, environment: input.environment, target: input.target, router: input.router };
}

function withLocation(input: TargetRef, info: KubernetesCandidateInfo): CandidateInfo {
  const settings = parseKubernetesSettings(input.target.settings);
  const query = new URLSearchParams();
  if (settings.kubeconfig) query.set('kubeconfig', settings.kubeconfig);
  if (settings.context) query.set('context', settings.context);
  const suffix = query.toString() ? `?${query.toString()}` : '';
  return { role: info.role, release: info.release, url: `kubernetes://${info.namespace}/deployments/${info.deployment}${suffix}` };
}

export function isKubernetesUrl(url: string): boolean {
  return url.startsWith(`${KUBERNETES_URL_SCHEME}//`);
}

/**
 * One look at the Deployment a kubernetes:// URL names: rolled out with every desired pod
 * available and, for host-network pods, every ready pod answering the check's paths. Never
 * throws (errors are `ok: false`).
 */
export async function probeKubernetes(input: HealthProbeInput): Promise<HealthProbeResult> {
  const started = Date.now();
  const check = (ok: boolean, status: number | null, error?: string): HealthProbeResult => ({
    ok,
    checks: [{ path: 'rollout', status, ok, ms: Date.now() - started, ...(error ? { error } : {}) }],
  });
  try {
    const where = deploymentOfUrl(input.url);
    if (!where) return check(false, null, `not a deployment URL: ${input.url}`);
    const url = new URL(input.url);
    const clients = await connectKubernetes({
      kubeconfig: url.searchParams.get('kubeconfig') ?? undefined,
      context: url.searchParams.get('context') ?? undefined,
    });
    const d = await clients.apps.readNamespacedDeployment({ name: where.name, namespace: where.namespace });
    const status = deploymentRolloutStatus(d);
    const desired = d.spec?.replicas ?? 1;
    const available = d.status?.availableReplicas ?? 0;
    const ok = status.done && available >= desired;
    if (!ok) return check(false, available, status.failed || !status.done ? status.message : `${available} of ${desired} pods available`);
    // Host-network pods answer on their node's address, reachable from here: ask each ready pod of
    // the release for the check's paths, as the other targets do (the kubelet only sees its own
    // probes). Pods on the cluster's network are not reachable from the worker: rollout status only.
    if (!d.spec?.template?.spec?.hostNetwork) return check(true, available);
    const urls = await readyPodUrls(clients, where, d.spec.template.spec.containers[0]?.name ?? '');
    const pods = await Promise.all(urls.map(async (podUrl) => ({ podUrl, result: await probeHttp({ url: podUrl, paths: input.paths, timeoutMs: input.timeoutMs }) })));
    return {
      ok: pods.every((p) => p.result.ok),
      checks: pods.flatMap(({ podUrl, result }) => result.checks.map((c) => ({ ...c, path: `${podUrl}${c.path}` }))),
    };
  } catch (err) {
    return check(false, null, (err as Error).message);
  }
}

export interface KubernetesDeployDeps {
  env?: NodeJS.ProcessEnv;
  /** Probes of non-kubernetes URLs (the HTTP probe of the other targets), when composed. */
  probeHttp?: DeployPort['probeHealth'];
  routers?: RouterRegistry;
}

export function createKubernetesDeployActivities(deps: KubernetesDeployDeps = {}): DeployPort & RolloutPort & InstancesPort {
  const target = createKubernetesTarget({ env: deps.env, ...(deps.routers ? { routers: deps.routers } : {}) });
  return {
    currentRelease: (input) => target.currentRelease(toRef(input)),
    async deployCandidate(input) {
      return withLocation(input, await target.deployCandidate({ ...toRef(input), release: input.release, role: input.role, ...(input.env ? { env: input.env } : {}) }));
    },
    setTrafficWeight: (input) => target.setTrafficWeight({ ...toRef(input), weight: input.weight }),
    async promoteCandidate(input) {
      return withLocation(input, await target.promoteCandidate({ ...toRef(input), release: input.release, role: input.role }));
    },
    removeCandidate: (input) => target.removeCandidate({ ...toRef(input), role: input.role }),
    async rollbackToRelease(input) {
      return withLocation(input, await target.rollbackToRelease({ ...toRef(input), release: input.release }));
    },
    retireRelease: (input) => target.retireRelease({ ...toRef(input), release: input.release }),
    async rollOut(input) {
      return withLocation(input, await target.rollOut({ ...toRef(input), release: input.release, rollingUpdate: input.rollingUpdate }));
    },
    readyInstances: (input) => target.readyInstances({ ...toRef(input), url: input.url }),
    async probeHealth(input) {
      if (isKubernetesUrl(input.url)) return probeKubernetes(input);
      if (deps.probeHttp) return deps.probeHttp(input);
      return { ok: false, checks: [{ path: input.url, status: null, ok: false, error: 'only kubernetes:// URLs are probed here', ms: 0 }] };
    },
  };
}

export const kubernetesAdapter: TargetAdapter = {
  kind: 'kubernetes',
  artifact: 'image',
  routerFamily: 'kubernetes',
  settings: KubernetesTargetSettings,
  urlScheme: KUBERNETES_URL_SCHEME,
  rollsOut: true,
  probeHealth: probeKubernetes,
  deployActivities: ({ config, routers }) => createKubernetesDeployActivities({ env: config.env, routers }),
};

export { createKubernetesTarget, type KubernetesCandidateInfo, type KubernetesTarget, type KubernetesTargetRef } from './target';
