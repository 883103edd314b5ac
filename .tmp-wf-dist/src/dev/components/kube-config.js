"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BOOTSTRAP_KUBERNETES_HINT = void 0;
exports.toolVersion = toolVersion;
exports.loadKubeStackConfig = loadKubeStackConfig;
exports.apiserverUrl = apiserverUrl;
exports.requireBinary = requireBinary;
exports.kubernetesBinariesBuilt = kubernetesBinariesBuilt;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const component_1 = require("../component");
const paths_1 = require("../../lib/paths");
exports.BOOTSTRAP_KUBERNETES_HINT = 'run `bash scripts/bootstrap-kubernetes.sh` to build it (cached after the first run)';
function portFromEnv(env, name, fallback) {
    const raw = env[name];
    if (raw === undefined || raw === '')
        return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0 || value > 65535) {
        throw new Error(`${name} must be a TCP port (1-65535), got ${JSON.stringify(raw)}`);
    }
    return value;
}
/** The version a wrapper module under tools/k8s pins: that go.mod is the one source of truth. */
function toolVersion(module, dependency) {
    const goMod = (0, node_path_1.join)((0, paths_1.packageRoot)(), 'tools', 'k8s', module, 'go.mod');
    const text = (0, node_fs_1.readFileSync)(goMod, 'utf8');
    const escaped = dependency.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const match = new RegExp(`(?:^|\\s)${escaped}\\s+(v[0-9][^\\s]*)`, 'm').exec(text);
    if (!match)
        throw new Error(`${goMod} does not require ${dependency}`);
    return match[1];
}
function loadKubeStackConfig(stack, env = process.env) {
    const dir = (0, node_path_1.join)(stack.stateDir, 'kubernetes');
    const versions = {
        kubernetes: toolVersion('kubernetes', 'k8s.io/kubernetes'),
        etcd: toolVersion('etcd', 'go.etcd.io/etcd/server/v3'),
        kwok: toolVersion('kwok', 'sigs.k8s.io/kwok'),
    };
    const k8sBin = (0, node_path_1.join)(stack.cacheDir, `kubernetes-${versions.kubernetes}`);
    const pki = (0, node_path_1.join)(dir, 'pki');
    return {
        dir,
        versions,
        bins: {
            etcd: (0, node_path_1.join)(stack.cacheDir, `etcd-${versions.etcd}`, 'etcd'),
            kubeApiserver: (0, node_path_1.join)(k8sBin, 'kube-apiserver'),
            kubeControllerManager: (0, node_path_1.join)(k8sBin, 'kube-controller-manager'),
            kubeScheduler: (0, node_path_1.join)(k8sBin, 'kube-scheduler'),
            kubectl: (0, node_path_1.join)(k8sBin, 'kubectl'),
            kwok: (0, node_path_1.join)(stack.cacheDir, `kwok-${versions.kwok}`, 'kwok'),
        },
        etcd: {
            clientPort: portFromEnv(env, 'SLUICE_ETCD_PORT', 12379),
            peerPort: portFromEnv(env, 'SLUICE_ETCD_PEER_PORT', 12380),
            dataDir: (0, node_path_1.join)(dir, 'etcd'),
        },
        apiserver: { port: portFromEnv(env, 'SLUICE_KUBE_APISERVER_PORT', 16443), serviceClusterIpRange: '10.96.0.0/16' },
        controllerManager: { port: portFromEnv(env, 'SLUICE_KUBE_CONTROLLER_MANAGER_PORT', 10257) },
        scheduler: { port: portFromEnv(env, 'SLUICE_KUBE_SCHEDULER_PORT', 10259) },
        kwok: {
            port: portFromEnv(env, 'SLUICE_KWOK_PORT', 10247),
            nodes: Number(env.SLUICE_KWOK_NODES ?? 3),
            stagesFile: (0, node_path_1.join)((0, paths_1.packageRoot)(), 'tools', 'k8s', 'kwok', 'stages.yaml'),
        },
        pki: {
            dir: pki,
            caCert: (0, node_path_1.join)(pki, 'ca.crt'),
            caKey: (0, node_path_1.join)(pki, 'ca.key'),
            servingCert: (0, node_path_1.join)(pki, 'apiserver.crt'),
            servingKey: (0, node_path_1.join)(pki, 'apiserver.key'),
            saKey: (0, node_path_1.join)(pki, 'sa.key'),
            saPub: (0, node_path_1.join)(pki, 'sa.pub'),
            tokenFile: (0, node_path_1.join)(pki, 'tokens.csv'),
        },
        kubeconfig: (0, node_path_1.join)(dir, 'admin.kubeconfig'),
        componentKubeconfigs: {
            controllerManager: (0, node_path_1.join)(dir, 'controller-manager.kubeconfig'),
            scheduler: (0, node_path_1.join)(dir, 'scheduler.kubeconfig'),
            kwok: (0, node_path_1.join)(dir, 'kwok.kubeconfig'),
        },
    };
}
function apiserverUrl(kube) {
    return `https://127.0.0.1:${kube.apiserver.port}`;
}
/** The binary, or a MissingDependencyError that says how to build it. */
function requireBinary(path, what) {
    if (!(0, node_fs_1.existsSync)(path))
        throw new component_1.MissingDependencyError(`${what} (${path})`, exports.BOOTSTRAP_KUBERNETES_HINT);
    return path;
}
/** True when every control-plane binary has been built into the cache. */
function kubernetesBinariesBuilt(kube) {
    return Object.values(kube.bins).every((path) => (0, node_fs_1.existsSync)(path));
}
//# sourceMappingURL=kube-config.js.map