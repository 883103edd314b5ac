"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FIELD_MANAGER = void 0;
exports.loadK8s = loadK8s;
exports.connectKubernetes = connectKubernetes;
exports.apiStatus = apiStatus;
exports.readOrUndefined = readOrUndefined;
exports.serverSideApply = serverSideApply;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
let loaded;
function loadK8s() {
    loaded ??= import('@kubernetes/client-node');
    return loaded;
}
const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/**
 * Order: the spec's kubeconfig, then $SLUICE_KUBECONFIG, then $KUBECONFIG, then the pod's
 * service account when Sluice runs inside a cluster, then ~/.kube/config.
 */
function loadConfig(kc, settings, env) {
    const file = settings.kubeconfig ?? env.SLUICE_KUBECONFIG ?? env.KUBECONFIG?.split(':').find((f) => f && (0, node_fs_1.existsSync)(f));
    if (file) {
        kc.loadFromFile(file);
        return file;
    }
    if (env.KUBERNETES_SERVICE_HOST && (0, node_fs_1.existsSync)(IN_CLUSTER_NAMESPACE)) {
        kc.loadFromCluster();
        return 'in-cluster service account';
    }
    const home = (0, node_path_1.join)((0, node_os_1.homedir)(), '.kube', 'config');
    if (!(0, node_fs_1.existsSync)(home)) {
        throw new Error('no Kubernetes credentials: set target.kubeconfig, $SLUICE_KUBECONFIG or $KUBECONFIG, or run Sluice in a pod');
    }
    kc.loadFromFile(home);
    return home;
}
function pickNamespace(kc, settings, env, source) {
    if (settings.namespace)
        return settings.namespace;
    if (env.SLUICE_KUBE_NAMESPACE)
        return env.SLUICE_KUBE_NAMESPACE;
    const fromContext = kc.getContextObject(kc.getCurrentContext())?.namespace;
    if (fromContext)
        return fromContext;
    if (source === 'in-cluster service account')
        return (0, node_fs_1.readFileSync)(IN_CLUSTER_NAMESPACE, 'utf8').trim();
    return 'default';
}
const cache = new Map();
/** Clients for one cluster/context, built once per process and shared by every activity. */
function connectKubernetes(settings = {}, env = process.env) {
    const key = JSON.stringify([settings.kubeconfig, settings.context, settings.namespace, env.SLUICE_KUBECONFIG, env.KUBECONFIG]);
    let clients = cache.get(key);
    if (!clients) {
        clients = (async () => {
            const lib = await loadK8s();
            const kc = new lib.KubeConfig();
            const source = loadConfig(kc, settings, env);
            if (settings.context)
                kc.setCurrentContext(settings.context);
            return {
                k8s: lib,
                kc,
                apps: kc.makeApiClient(lib.AppsV1Api),
                core: kc.makeApiClient(lib.CoreV1Api),
                objects: lib.KubernetesObjectApi.makeApiClient(kc),
                namespace: pickNamespace(kc, settings, env, source),
                source,
            };
        })();
        clients.catch(() => cache.delete(key));
        cache.set(key, clients);
    }
    return clients;
}
/** The HTTP status of a failed API call (404, 409, ...), or undefined for other errors. */
function apiStatus(err) {
    const code = err?.code;
    return typeof code === 'number' ? code : undefined;
}
/** Reads an object, or undefined when it does not exist. */
async function readOrUndefined(read) {
    try {
        return await read();
    }
    catch (err) {
        if (apiStatus(err) === 404)
            return undefined;
        throw err;
    }
}
exports.FIELD_MANAGER = 'sluice';
/** Server-side apply of one object with the `sluice` field manager; conflicts are forced. */
async function serverSideApply(clients, object) {
    return clients.objects.patch(object, undefined, undefined, exports.FIELD_MANAGER, true, clients.k8s.PatchStrategy.ServerSideApply);
}
//# sourceMappingURL=kubernetes-client.js.map