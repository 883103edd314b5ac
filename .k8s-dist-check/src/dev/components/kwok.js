"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.kwokComponent = exports.KWOK_NODE_ANNOTATION = void 0;
exports.kwokNodeName = kwokNodeName;
const component_1 = require("../component");
const probe_1 = require("../probe");
const process_1 = require("../process");
const kubernetes_client_1 = require("../../activities/targets/kubernetes-client");
const kube_config_1 = require("./kube-config");
const kube_probe_1 = require("./kube-probe");
/** Nodes kwok manages carry this annotation; kwok ignores every other node. */
exports.KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
function kwokNodeName(index) {
    return `kwok-node-${index}`;
}
function kwokUrl(kube) {
    return `http://127.0.0.1:${kube.kwok.port}`;
}
/**
 * Fake nodes without taints, so ordinary pods schedule onto them. Their status is kwok's to
 * write (node-initialize stage), so only metadata and spec are applied here.
 */
async function ensureFakeNodes(kube) {
    const clients = await (0, kubernetes_client_1.connectKubernetes)({ kubeconfig: kube.kubeconfig });
    for (let i = 0; i < kube.kwok.nodes; i++) {
        const name = kwokNodeName(i);
        const existing = await (0, kubernetes_client_1.readOrUndefined)(() => clients.core.readNode({ name }));
        if (existing)
            continue;
        await (0, kubernetes_client_1.serverSideApply)(clients, {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: {
                name,
                annotations: { [exports.KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
                labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
            },
            spec: {},
        });
    }
}
/** Plays the kubelet of every fake node: marks nodes Ready and moves bound pods to Running/Ready. */
exports.kwokComponent = {
    name: 'kwok',
    readyTimeoutMs: 60000,
    url: (config) => kwokUrl((0, kube_config_1.loadKubeStackConfig)(config)),
    ports: (config) => [(0, kube_config_1.loadKubeStackConfig)(config).kwok.port],
    healthy: (config) => (0, probe_1.httpOk)(`${kwokUrl((0, kube_config_1.loadKubeStackConfig)(config))}/healthz`),
    async start(config) {
        const kube = (0, kube_config_1.loadKubeStackConfig)(config);
        const bin = (0, kube_config_1.requireBinary)(kube.bins.kwok, `kwok ${kube.versions.kwok}`);
        await (0, kube_probe_1.waitForApiserver)(kube);
        const args = [
            `--kubeconfig=${kube.componentKubeconfigs.kwok}`,
            // Pod stages from tools/k8s/kwok/stages.yaml: the built-in ones, except that pods whose image
            // names contain "never-ready" never turn Ready (the missed-progress-deadline scenario).
            `--config=${kube.kwok.stagesFile}`,
            `--manage-nodes-with-annotation-selector=${exports.KWOK_NODE_ANNOTATION}=fake`,
            `--server-address=127.0.0.1:${kube.kwok.port}`,
            '--cidr=10.0.0.1/16',
            '--node-ip=10.0.0.1',
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'kwok'), pidFile: (0, component_1.pidFile)(config, 'kwok') });
    },
    async ensureConfigured(config) {
        await ensureFakeNodes((0, kube_config_1.loadKubeStackConfig)(config));
    },
};
//# sourceMappingURL=kwok.js.map