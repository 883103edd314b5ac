"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.kubeSchedulerComponent = void 0;
const component_1 = require("../component");
const process_1 = require("../process");
const kube_config_1 = require("./kube-config");
const kube_probe_1 = require("./kube-probe");
/** Binds pods to the fake kwok nodes. */
exports.kubeSchedulerComponent = {
    name: 'kube-scheduler',
    readyTimeoutMs: 60000,
    url: (config) => `https://127.0.0.1:${(0, kube_config_1.loadKubeStackConfig)(config).scheduler.port}/healthz`,
    ports: (config) => [(0, kube_config_1.loadKubeStackConfig)(config).scheduler.port],
    healthy: (config) => (0, kube_probe_1.httpsOk)(`https://127.0.0.1:${(0, kube_config_1.loadKubeStackConfig)(config).scheduler.port}/healthz`, { insecure: true, expect: /^ok/ }),
    async start(config) {
        const kube = (0, kube_config_1.loadKubeStackConfig)(config);
        const bin = (0, kube_config_1.requireBinary)(kube.bins.kubeScheduler, `kube-scheduler ${kube.versions.kubernetes}`);
        await (0, kube_probe_1.waitForApiserver)(kube);
        const kubeconfig = kube.componentKubeconfigs.scheduler;
        const args = [
            `--kubeconfig=${kubeconfig}`,
            `--authentication-kubeconfig=${kubeconfig}`,
            `--authorization-kubeconfig=${kubeconfig}`,
            '--bind-address=127.0.0.1',
            `--secure-port=${kube.scheduler.port}`,
            '--leader-elect=false',
            '--kube-api-qps=100',
            '--kube-api-burst=200',
            '--profiling=false',
            '--v=1',
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'kube-scheduler'), pidFile: (0, component_1.pidFile)(config, 'kube-scheduler') });
    },
};
//# sourceMappingURL=kube-scheduler.js.map