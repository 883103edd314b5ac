"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.etcdComponent = void 0;
exports.etcdClientUrl = etcdClientUrl;
exports.etcdHealthy = etcdHealthy;
const node_fs_1 = require("node:fs");
const component_1 = require("../component");
const probe_1 = require("../probe");
const process_1 = require("../process");
const kube_config_1 = require("./kube-config");
function etcdClientUrl(kube) {
    return `http://127.0.0.1:${kube.etcd.clientPort}`;
}
function etcdHealthy(kube) {
    return (0, probe_1.httpOk)(`${etcdClientUrl(kube)}/health`, { looksRight: (a) => /"health":\s*"true"/.test(a.body) });
}
/** A single-member etcd on loopback: the API server's store. */
exports.etcdComponent = {
    name: 'etcd',
    readyTimeoutMs: 30000,
    url: (config) => etcdClientUrl((0, kube_config_1.loadKubeStackConfig)(config)),
    ports: (config) => {
        const kube = (0, kube_config_1.loadKubeStackConfig)(config);
        return [kube.etcd.clientPort, kube.etcd.peerPort];
    },
    healthy: (config) => etcdHealthy((0, kube_config_1.loadKubeStackConfig)(config)),
    async start(config) {
        const kube = (0, kube_config_1.loadKubeStackConfig)(config);
        const bin = (0, kube_config_1.requireBinary)(kube.bins.etcd, `etcd ${kube.versions.etcd}`);
        (0, node_fs_1.mkdirSync)(kube.etcd.dataDir, { recursive: true, mode: 0o700 });
        const client = etcdClientUrl(kube);
        const peer = `http://127.0.0.1:${kube.etcd.peerPort}`;
        const args = [
            '--name=sluice',
            `--data-dir=${kube.etcd.dataDir}`,
            `--listen-client-urls=${client}`,
            `--advertise-client-urls=${client}`,
            `--listen-peer-urls=${peer}`,
            `--initial-advertise-peer-urls=${peer}`,
            `--initial-cluster=sluice=${peer}`,
            '--initial-cluster-state=new',
            // A throwaway dev/test cluster on a shared disk: durability across power loss is not worth
            // an fsync per write, which would make every rollout step wait on the disk.
            '--unsafe-no-fsync',
            '--quota-backend-bytes=2147483648',
            '--log-level=warn',
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'etcd'), pidFile: (0, component_1.pidFile)(config, 'etcd') });
    },
};
//# sourceMappingURL=etcd.js.map