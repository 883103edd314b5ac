"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.KUBERNETES_URL_SCHEME = void 0;
exports.isKubernetesUrl = isKubernetesUrl;
exports.probeKubernetes = probeKubernetes;
exports.createKubernetesDeployActivities = createKubernetesDeployActivities;
const kubernetes_client_1 = require("./kubernetes-client");
const kubernetes_1 = require("./kubernetes");
const kubernetes_rollout_1 = require("./kubernetes-rollout");
const kubernetes_schema_1 = require("./kubernetes-schema");
/**
 * The Kubernetes target behind the workflows' DeployPort. Candidates are addressed as
 * `kubernetes://<namespace>/deployments/<name>?kubeconfig=…&context=…` instead of a loopback
 * URL: nothing sends traffic into the cluster, so "healthy" is what the cluster says about the
 * Deployment (rolled out, every desired pod available), probed with the same activity.
 */
exports.KUBERNETES_URL_SCHEME = 'kubernetes:';
function toRef(input) {
    return { service: input.service, environment: input.environment, target: input.target, router: input.router };
}
function withLocation(input, info) {
    const settings = (0, kubernetes_schema_1.parseKubernetesSettings)(input.target.settings);
    const query = new URLSearchParams();
    if (settings.kubeconfig)
        query.set('kubeconfig', settings.kubeconfig);
    if (settings.context)
        query.set('context', settings.context);
    const suffix = query.toString() ? `?${query.toString()}` : '';
    return { role: info.role, release: info.release, url: `kubernetes://${info.namespace}/deployments/${info.deployment}${suffix}` };
}
function isKubernetesUrl(url) {
    return url.startsWith(`${exports.KUBERNETES_URL_SCHEME}//`);
}
/** One look at the Deployment a kubernetes:// URL names; never throws (errors are `ok: false`). */
async function probeKubernetes(input) {
    const started = Date.now();
    const check = (ok, status, error) => ({
        ok,
        checks: [{ path: 'rollout', status, ok, ms: Date.now() - started, ...(error ? { error } : {}) }],
    });
    try {
        const url = new URL(input.url);
        const [, kind, name] = url.pathname.split('/');
        if (kind !== 'deployments' || !name)
            return check(false, null, `not a deployment URL: ${input.url}`);
        const clients = await (0, kubernetes_client_1.connectKubernetes)({
            kubeconfig: url.searchParams.get('kubeconfig') ?? undefined,
            context: url.searchParams.get('context') ?? undefined,
        });
        const d = await clients.apps.readNamespacedDeployment({ name, namespace: url.hostname });
        const status = (0, kubernetes_rollout_1.deploymentRolloutStatus)(d);
        const desired = d.spec?.replicas ?? 1;
        const available = d.status?.availableReplicas ?? 0;
        const ok = status.done && available >= desired;
        return check(ok, available, ok ? undefined : status.failed || !status.done ? status.message : `${available} of ${desired} pods available`);
    }
    catch (err) {
        return check(false, null, err.message);
    }
}
function createKubernetesDeployActivities(deps = {}) {
    const target = (0, kubernetes_1.createKubernetesTarget)({ env: deps.env });
    return {
        currentRelease: (input) => target.currentRelease(toRef(input)),
        async deployCandidate(input) {
            return withLocation(input, await target.deployCandidate({ ...toRef(input), release: input.release, role: input.role }));
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
        async probeHealth(input) {
            if (isKubernetesUrl(input.url))
                return probeKubernetes(input);
            if (deps.probeHttp)
                return deps.probeHttp(input);
            return { ok: false, checks: [{ path: input.url, status: null, ok: false, error: 'only kubernetes:// URLs are probed here', ms: 0 }] };
        },
    };
}
//# sourceMappingURL=kubernetes-deploy.js.map