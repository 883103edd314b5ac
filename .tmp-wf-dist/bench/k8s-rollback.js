"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Kubernetes benchmark: cold build time of the control plane (recorded by
 * scripts/bootstrap-kubernetes.sh), cached start time of a fresh control plane, and rollback
 * latency over N runs, from the abort to all available replicas on the previous ReplicaSet.
 *
 * Runs its own control plane on free loopback ports in a temporary state dir, so the shared
 * stack is left alone. Usage: npx tsx bench/k8s-rollback.ts [runs=10] [replicas=4]
 */
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_net_1 = require("node:net");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const config_1 = require("../src/dev/config");
const stack_1 = require("../src/dev/stack");
const kube_stack_1 = require("../src/dev/components/kube-stack");
const kube_config_1 = require("../src/dev/components/kube-config");
const kubernetes_1 = require("../src/activities/targets/kubernetes");
const kubernetes_client_1 = require("../src/activities/targets/kubernetes-client");
function freePort() {
    return new Promise((resolve, reject) => {
        const server = (0, node_net_1.createServer)();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}
function release(version) {
    const digest = (0, node_crypto_1.createHash)('sha256').update(`bench:${version}`).digest('hex');
    return { service: 'bench', version, imageTag: `v${version.replace('+', '-')}`, commit: '', imageRef: `127.0.0.1:5000/bench@sha256:${digest}` };
}
function stats(samples) {
    const sorted = [...samples].sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return { runs: sorted.length, p50: q(0.5), p90: q(0.9), max: sorted.at(-1), min: sorted[0] };
}
/** True once every desired pod of the Deployment runs the ReplicaSet of `r` and is available. */
async function allOn(clients, namespace, r, replicas) {
    const sets = await clients.apps.listNamespacedReplicaSet({ namespace, labelSelector: 'sluice.dev/slot=main' });
    return sets.items.every((rs) => {
        const mine = rs.spec?.template?.metadata?.labels?.['sluice.dev/release'] === r.imageTag;
        return mine ? (rs.status?.availableReplicas ?? 0) === replicas && rs.spec?.replicas === replicas : (rs.status?.replicas ?? 0) === 0;
    });
}
async function main() {
    const runs = Number(process.argv[2] ?? 10);
    const replicas = Number(process.argv[3] ?? 4);
    const shared = (0, config_1.loadStackConfig)();
    const stateDir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'sluice-k8s-bench-'));
    for (const name of ['SLUICE_ETCD_PORT', 'SLUICE_ETCD_PEER_PORT', 'SLUICE_KUBE_APISERVER_PORT', 'SLUICE_KUBE_CONTROLLER_MANAGER_PORT', 'SLUICE_KUBE_SCHEDULER_PORT', 'SLUICE_KWOK_PORT']) {
        process.env[name] = String(await freePort());
    }
    process.env.SLUICE_STATE_DIR = stateDir;
    const config = { ...(0, config_1.loadStackConfig)(), cacheDir: shared.cacheDir };
    const kube = (0, kube_config_1.loadKubeStackConfig)(config);
    if (!(0, kube_config_1.kubernetesBinariesBuilt)(kube))
        throw new Error('the control-plane binaries are not built: run bash scripts/bootstrap-kubernetes.sh');
    const buildSeconds = Object.fromEntries([kube.bins.kubeApiserver, kube.bins.etcd, kube.bins.kwok].map((bin) => {
        const file = (0, node_path_1.join)((0, node_path_1.dirname)(bin), 'build-seconds');
        return [(0, node_path_1.dirname)(bin).split('/').at(-1), (0, node_fs_1.existsSync)(file) ? Number((0, node_fs_1.readFileSync)(file, 'utf8')) : null];
    }));
    const startedAt = Date.now();
    try {
        await (0, stack_1.stackUp)(config, [...kube_stack_1.KUBERNETES_COMPONENTS]);
        const startSeconds = (Date.now() - startedAt) / 1000;
        const clients = await (0, kubernetes_client_1.connectKubernetes)({ kubeconfig: kube.kubeconfig });
        const namespace = 'bench';
        await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
        const target = (0, kubernetes_1.createKubernetesTarget)();
        const ref = { service: 'bench', environment: 'bench', target: { kind: 'kubernetes', settings: { kubeconfig: kube.kubeconfig, namespace, replicas } } };
        const undo = [];
        const abort = [];
        let stable = release('1.0.0+0000000');
        await target.rollOut({ ...ref, release: stable });
        for (let i = 1; i <= runs; i++) {
            // Rolling release, then the abort: back to the previous ReplicaSet (`rollout undo`).
            const next = release(`1.${i}.0+${i.toString(16).padStart(7, '0')}`);
            await target.rollOut({ ...ref, release: next });
            let t = Date.now();
            await target.rollbackToRelease({ ...ref, release: stable });
            while (!(await allOn(clients, namespace, stable, replicas)))
                await new Promise((r) => setTimeout(r, 20));
            undo.push(Date.now() - t);
            // Canary at 50 % (replica ratio), then the abort: stable back to every replica.
            await target.deployCandidate({ ...ref, release: next, role: 'canary' });
            await target.setTrafficWeight({ ...ref, weight: 50 });
            t = Date.now();
            await target.removeCandidate({ ...ref, role: 'canary' });
            while (!(await allOn(clients, namespace, stable, replicas)))
                await new Promise((r) => setTimeout(r, 20));
            abort.push(Date.now() - t);
            stable = next;
            await target.rollOut({ ...ref, release: stable });
        }
        console.log(JSON.stringify({
            kubernetes: kube.versions,
            coldBuildSeconds: buildSeconds,
            cachedStartSeconds: startSeconds,
            replicas,
            rollbackToPreviousReplicaSetMs: stats(undo),
            canaryAbortMs: stats(abort),
        }, null, 2));
    }
    finally {
        await (0, stack_1.stackDown)(config, [...kube_stack_1.KUBERNETES_COMPONENTS]);
        (0, node_fs_1.rmSync)(stateDir, { recursive: true, force: true });
    }
}
main().catch((err) => {
    console.error(err);
    process.exit(1);
});
//# sourceMappingURL=k8s-rollback.js.map