"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.kube = exports.stackConfig = void 0;
exports.skipReason = skipReason;
exports.ensureCluster = ensureCluster;
exports.createNamespace = createNamespace;
exports.deleteNamespace = deleteNamespace;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const promises_1 = require("node:timers/promises");
const config_1 = require("../../src/dev/config");
const stack_1 = require("../../src/dev/stack");
const kube_stack_1 = require("../../src/dev/components/kube-stack");
const kube_config_1 = require("../../src/dev/components/kube-config");
const kubernetes_client_1 = require("../../src/activities/targets/kubernetes-client");
exports.stackConfig = (0, config_1.loadStackConfig)();
exports.kube = (0, kube_config_1.loadKubeStackConfig)(exports.stackConfig);
/**
 * Why the Kubernetes tests cannot run, or undefined when they can. Only missing binaries are a
 * reason to skip (the test command builds them); a control plane that fails to start fails.
 */
function skipReason() {
    if ((0, kube_config_1.kubernetesBinariesBuilt)(exports.kube))
        return undefined;
    return `the Kubernetes control-plane binaries are not built (${exports.kube.bins.kubeApiserver}); run bash scripts/bootstrap-kubernetes.sh`;
}
/** A cross-process lock (test files run in parallel processes): exclusive create, stale after 3 min. */
async function withLock(name, fn) {
    const lock = (0, node_path_1.join)(exports.stackConfig.stateDir, 'locks', `${name}.lock`);
    (0, node_fs_1.mkdirSync)((0, node_path_1.join)(exports.stackConfig.stateDir, 'locks'), { recursive: true });
    for (;;) {
        try {
            (0, node_fs_1.closeSync)((0, node_fs_1.openSync)(lock, 'wx'));
            break;
        }
        catch {
            try {
                if (Date.now() - (0, node_fs_1.statSync)(lock).mtimeMs > 180000)
                    (0, node_fs_1.rmSync)(lock, { force: true });
            }
            catch {
                // released meanwhile
            }
            await (0, promises_1.setTimeout)(200);
        }
    }
    try {
        return await fn();
    }
    finally {
        (0, node_fs_1.rmSync)(lock, { force: true });
    }
}
/**
 * Makes sure the shared local control plane is up (`sluice dev up --kubernetes` does the same)
 * and returns admin clients for it. Left running afterwards, like the rest of the shared stack.
 */
async function ensureCluster() {
    // stackUp reuses healthy components; the lock keeps two test files from starting two etcds.
    await withLock('kubernetes-up', () => (0, stack_1.stackUp)(exports.stackConfig, [...kube_stack_1.KUBERNETES_COMPONENTS]));
    return (0, kubernetes_client_1.connectKubernetes)({ kubeconfig: exports.kube.kubeconfig });
}
/** A namespace of its own per test, deleted (with everything in it) at the end. */
async function createNamespace(clients, name) {
    await clients.core.createNamespace({ body: { metadata: { name, labels: { 'sluice.dev/test': 'true' } } } });
}
async function deleteNamespace(clients, name) {
    try {
        await clients.core.deleteNamespace({ name });
    }
    catch {
        // already gone
    }
}
//# sourceMappingURL=cluster.js.map