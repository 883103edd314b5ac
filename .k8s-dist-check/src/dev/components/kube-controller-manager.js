"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.kubeControllerManagerComponent = void 0;
const component_1 = require("../component");
const process_1 = require("../process");
const kube_config_1 = require("./kube-config");
const kube_probe_1 = require("./kube-probe");
/** Runs the Deployment, ReplicaSet, garbage-collector and service-account controllers. */
exports.kubeControllerManagerComponent = {
    name: 'kube-controller-manager',
    readyTimeoutMs: 60000,
    url: (config) => `https://127.0.0.1:${(0, kube_config_1.loadKubeStackConfig)(config).controllerManager.port}/healthz`,
    ports: (config) => [(0, kube_config_1.loadKubeStackConfig)(config).controllerManager.port],
    healthy: (config) => (0, kube_probe_1.httpsOk)(`https://127.0.0.1:${(0, kube_config_1.loadKubeStackConfig)(config).controllerManager.port}/healthz`, { insecure: true, expect: /^ok/ }),
    async start(config) {
        const kube = (0, kube_config_1.loadKubeStackConfig)(config);
        const bin = (0, kube_config_1.requireBinary)(kube.bins.kubeControllerManager, `kube-controller-manager ${kube.versions.kubernetes}`);
        await (0, kube_probe_1.waitForApiserver)(kube);
        const kubeconfig = kube.componentKubeconfigs.controllerManager;
        const args = [
            `--kubeconfig=${kubeconfig}`,
            `--authentication-kubeconfig=${kubeconfig}`,
            `--authorization-kubeconfig=${kubeconfig}`,
            '--bind-address=127.0.0.1',
            `--secure-port=${kube.controllerManager.port}`,
            '--leader-elect=false',
            // Each controller acts under its own service account, as kubeadm sets it up, so the
            // bootstrap RBAC roles apply unchanged.
            '--use-service-account-credentials=true',
            `--service-account-private-key-file=${kube.pki.saKey}`,
            `--root-ca-file=${kube.pki.caCert}`,
            `--service-cluster-ip-range=${kube.apiserver.serviceClusterIpRange}`,
            // kwok heartbeats fake nodes every 20-45 s; on a busy shared machine a beat can come late,
            // and a node marked NotReady would stall every rollout on it. Fake nodes never really die.
            '--node-monitor-grace-period=5m',
            '--kube-api-qps=100',
            '--kube-api-burst=200',
            '--profiling=false',
            '--v=1',
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'kube-controller-manager'), pidFile: (0, component_1.pidFile)(config, 'kube-controller-manager') });
    },
};
//# sourceMappingURL=kube-controller-manager.js.map