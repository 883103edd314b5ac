"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.kubeconfigYaml = kubeconfigYaml;
exports.ensurePki = ensurePki;
const node_child_process_1 = require("node:child_process");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_util_1 = require("node:util");
const yaml_1 = require("yaml");
const kube_config_1 = require("./kube-config");
const execFileAsync = (0, node_util_1.promisify)(node_child_process_1.execFile);
/**
 * The identities of the local control plane. Static bearer tokens keep it simple (no client
 * certificates to rotate); each component still gets its own user so RBAC's bootstrap roles apply:
 * the controller-manager and scheduler run as the users those roles are bound to. kwok plays the
 * kubelet of every fake node, which no single Node-authorizer identity covers, so it is an admin.
 */
const IDENTITIES = {
    admin: { user: 'sluice-admin', groups: ['system:masters'] },
    controllerManager: { user: 'system:kube-controller-manager', groups: [] },
    scheduler: { user: 'system:kube-scheduler', groups: [] },
    kwok: { user: 'kwok', groups: ['system:masters'] },
};
async function openssl(args, cwd) {
    await execFileAsync('openssl', args, { cwd });
}
/** A CA plus a serving certificate for 127.0.0.1/localhost, made once and kept in the state dir. */
async function ensureCertificates(kube) {
    const { pki } = kube;
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650'];
    if (!(0, node_fs_1.existsSync)(pki.caCert) || !(0, node_fs_1.existsSync)(pki.caKey)) {
        await openssl(['req', '-x509', ...ec, '-keyout', pki.caKey, '-out', pki.caCert, '-subj', '/CN=sluice-local-kubernetes-ca',
            '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], pki.dir);
    }
    if (!(0, node_fs_1.existsSync)(pki.servingCert) || !(0, node_fs_1.existsSync)(pki.servingKey)) {
        const sans = ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc'];
        await openssl(['req', '-x509', '-CA', pki.caCert, '-CAkey', pki.caKey, ...ec, '-keyout', pki.servingKey, '-out', pki.servingCert,
            '-subj', '/CN=kube-apiserver', '-addext', `subjectAltName=${sans.join(',')}`,
            '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth'], pki.dir);
    }
    if (!(0, node_fs_1.existsSync)(pki.saKey) || !(0, node_fs_1.existsSync)(pki.saPub)) {
        // Service-account tokens are signed by the API server and verified with the public half.
        const pair = (0, node_crypto_1.generateKeyPairSync)('rsa', {
            modulusLength: 2048,
            publicKeyEncoding: { type: 'spki', format: 'pem' },
            privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        });
        (0, node_fs_1.writeFileSync)(pki.saKey, pair.privateKey, { mode: 0o600 });
        (0, node_fs_1.writeFileSync)(pki.saPub, pair.publicKey);
    }
}
function tokensJson(kube) {
    return `${kube.pki.tokenFile}.json`;
}
function ensureTokens(kube) {
    const file = tokensJson(kube);
    let tokens = (0, node_fs_1.existsSync)(file) ? JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8')) : {};
    const complete = Object.keys(IDENTITIES).every((id) => typeof tokens[id] === 'string');
    if (!complete) {
        tokens = Object.fromEntries(Object.keys(IDENTITIES).map((id) => [id, (0, node_crypto_1.randomBytes)(24).toString('hex')]));
        (0, node_fs_1.writeFileSync)(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
    }
    // kube-apiserver's static token file: token,user,uid,"group1,group2"
    const rows = Object.keys(IDENTITIES).map((id) => {
        const { user, groups } = IDENTITIES[id];
        return `${tokens[id]},${user},${user},"${groups.join(',')}"`;
    });
    (0, node_fs_1.writeFileSync)(kube.pki.tokenFile, `${rows.join('\n')}\n`, { mode: 0o600 });
    return tokens;
}
function kubeconfigYaml(kube, user, token) {
    const ca = (0, node_fs_1.readFileSync)(kube.pki.caCert).toString('base64');
    return (0, yaml_1.stringify)({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'sluice-local', cluster: { server: (0, kube_config_1.apiserverUrl)(kube), 'certificate-authority-data': ca } }],
        users: [{ name: user, user: { token } }],
        contexts: [{ name: 'sluice-local', context: { cluster: 'sluice-local', user, namespace: 'default' } }],
        'current-context': 'sluice-local',
    });
}
/**
 * Certificates, keys, the token file and one kubeconfig per identity. Safe to call on every start:
 * existing keys are kept (so running components stay valid), kubeconfigs are rewritten because
 * they carry the configured port.
 */
async function ensurePki(kube) {
    (0, node_fs_1.mkdirSync)(kube.pki.dir, { recursive: true, mode: 0o700 });
    await ensureCertificates(kube);
    const tokens = ensureTokens(kube);
    const write = (path, id) => (0, node_fs_1.writeFileSync)(path, kubeconfigYaml(kube, IDENTITIES[id].user, tokens[id]), { mode: 0o600 });
    write(kube.kubeconfig, 'admin');
    write(kube.componentKubeconfigs.controllerManager, 'controllerManager');
    write(kube.componentKubeconfigs.scheduler, 'scheduler');
    write(kube.componentKubeconfigs.kwok, 'kwok');
}
//# sourceMappingURL=kube-pki.js.map