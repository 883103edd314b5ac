"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.kubeApiserverComponent = void 0;
exports.gatewayApiCrdsFile = gatewayApiCrdsFile;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const component_1 = require("../component");
const probe_1 = require("../probe");
const process_1 = require("../process");
const paths_1 = require("../../lib/paths");
const etcd_1 = require("./etcd");
const kube_config_1 = require("./kube-config");
const kube_apply_1 = require("./kube-apply");
const kube_pki_1 = require("./kube-pki");
const kube_probe_1 = require("./kube-probe");
/** The Gateway API CRDs the project ships (deploy/gateway-api), applied on every `dev up`. */
function gatewayApiCrdsFile() {
    return (0, node_path_1.join)((0, paths_1.packageRoot)(), 'deploy', 'gateway-api', 'standard-install.yaml');
}
exports.kubeApiserverComponent = {
    name: 'kube-apiserver',
    readyTimeoutMs: 120000,
    url: (config) => (0, kube_config_1.apiserverUrl)((0, kube_config_1.loadKubeStackConfig)(config)),
    ports: (config) => [(0, kube_config_1.loadKubeStackConfig)(config).apiserver.port],
    healthy: (config) => (0, kube_probe_1.apiserverReady)((0, kube_config_1.loadKubeStackConfig)(config)),
    async start(config) {
        const kube = (0, kube_config_1.loadKubeStackConfig)(config);
        const bin = (0, kube_config_1.requireBinary)(kube.bins.kubeApiserver, `kube-apiserver ${kube.versions.kubernetes}`);
        await (0, kube_pki_1.ensurePki)(kube);
        // Components start side by side; the API server needs its store first.
        await (0, probe_1.waitFor)('etcd', () => (0, etcd_1.etcdHealthy)(kube), 60000, 'see the etcd log');
        const { pki } = kube;
        const args = [
            `--etcd-servers=${(0, etcd_1.etcdClientUrl)(kube)}`,
            '--bind-address=127.0.0.1',
            `--secure-port=${kube.apiserver.port}`,
            '--advertise-address=127.0.0.1',
            // The `kubernetes` Service's endpoints would point at 127.0.0.1, which Endpoints validation
            // refuses; nothing in this cluster reaches the API server through that Service anyway.
            '--endpoint-reconciler-type=none',
            `--service-cluster-ip-range=${kube.apiserver.serviceClusterIpRange}`,
            `--tls-cert-file=${pki.servingCert}`,
            `--tls-private-key-file=${pki.servingKey}`,
            `--token-auth-file=${pki.tokenFile}`,
            '--authorization-mode=Node,RBAC',
            '--anonymous-auth=true',
            `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
            `--service-account-key-file=${pki.saPub}`,
            `--service-account-signing-key-file=${pki.saKey}`,
            '--profiling=false',
            '--event-ttl=15m',
            '--v=1',
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'kube-apiserver'), pidFile: (0, component_1.pidFile)(config, 'kube-apiserver') });
    },
    async ensureConfigured(config) {
        const kube = (0, kube_config_1.loadKubeStackConfig)(config);
        await (0, kube_apply_1.applyManifests)(kube, (0, node_fs_1.readFileSync)(gatewayApiCrdsFile(), 'utf8'));
    },
};
//# sourceMappingURL=kube-apiserver.js.map