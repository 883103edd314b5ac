import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { apiserverUrl, type KubeStackConfig } from './kube-config';
import { kubeNodeName } from './kube-node-config';
import { ensurePki, nodeKubeconfig } from './kube-pki';

/** The HTTP status the API server answers a GET /version with this bearer token (401: unknown token). */
function statusWithToken(kube: KubeStackConfig, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${apiserverUrl(kube)}/version`,
      { method: 'GET', ca: readFileSync(kube.pki.caCert), headers: { authorization: `Bearer ${token}` }, timeout: 5000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('GET /version timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Whether the running API server authenticates the kubelets' own tokens (`system:node:<name>`
 * in `system:nodes`). It reads its token file only when it starts, so one started before the file
 * held node identities (a stack from before real nodes existed) does not. Writes the identities
 * first (ensurePki keeps every existing token).
 */
export async function apiserverKnowsNodeIdentities(kube: KubeStackConfig): Promise<boolean> {
  await ensurePki(kube);
  const status = await statusWithToken(kube, nodeKubeconfig(kube, kubeNodeName(0)).token);
  if (status === 200) return true;
  if (status === 401) return false;
  throw new Error(`kube-apiserver answered ${status} to a node token check (GET /version)`);
}
