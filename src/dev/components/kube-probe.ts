import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { apiserverUrl, type KubeStackConfig } from './kube-config';
import { waitFor } from '../probe';

/**
 * GET over HTTPS on loopback. The API server is checked against our own CA; the controller-manager
 * and scheduler serve an in-memory self-signed certificate, so for those only the answer matters.
 */
export function httpsOk(url: string, opts: { ca?: Buffer; insecure?: boolean; expect?: RegExp; timeoutMs?: number } = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', ca: opts.ca, rejectUnauthorized: !opts.insecure, timeout: opts.timeoutMs ?? 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 && (opts.expect?.test(body) ?? true)));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

export function apiserverReady(kube: KubeStackConfig): Promise<boolean> {
  let ca: Buffer;
  try {
    ca = readFileSync(kube.pki.caCert);
  } catch {
    return Promise.resolve(false);
  }
  // /readyz is open to anonymous users (system:public-info-viewer) and turns true only once the
  // post-start hooks (RBAC bootstrap roles, priority classes) have run.
  return httpsOk(`${apiserverUrl(kube)}/readyz`, { ca, expect: /^ok/ });
}

/** Components start side by side; the ones that need the API server wait for it here. */
export async function waitForApiserver(kube: KubeStackConfig, timeoutMs = 90000): Promise<void> {
  await waitFor('kube-apiserver', () => apiserverReady(kube), timeoutMs, 'see the kube-apiserver log');
}
