"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.httpsOk = httpsOk;
exports.apiserverReady = apiserverReady;
exports.waitForApiserver = waitForApiserver;
const node_fs_1 = require("node:fs");
const node_https_1 = require("node:https");
const kube_config_1 = require("./kube-config");
const probe_1 = require("../probe");
/**
 * GET over HTTPS on loopback. The API server is checked against our own CA; the controller-manager
 * and scheduler serve an in-memory self-signed certificate, so for those only the answer matters.
 */
function httpsOk(url, opts = {}) {
    return new Promise((resolve) => {
        const req = (0, node_https_1.request)(url, { method: 'GET', ca: opts.ca, rejectUnauthorized: !opts.insecure, timeout: opts.timeoutMs ?? 2000 }, (res) => {
            let body = '';
            res.on('data', (c) => (body += c.toString()));
            res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 && (opts.expect?.test(body) ?? true)));
            res.on('error', () => resolve(false));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => resolve(false));
        req.end();
    });
}
function apiserverReady(kube) {
    let ca;
    try {
        ca = (0, node_fs_1.readFileSync)(kube.pki.caCert);
    }
    catch {
        return Promise.resolve(false);
    }
    // /readyz is open to anonymous users (system:public-info-viewer) and turns true only once the
    // post-start hooks (RBAC bootstrap roles, priority classes) have run.
    return httpsOk(`${(0, kube_config_1.apiserverUrl)(kube)}/readyz`, { ca, expect: /^ok/ });
}
/** Components start side by side; the ones that need the API server wait for it here. */
async function waitForApiserver(kube, timeoutMs = 90000) {
    await (0, probe_1.waitFor)('kube-apiserver', () => apiserverReady(kube), timeoutMs, 'see the kube-apiserver log');
}
//# sourceMappingURL=kube-probe.js.map