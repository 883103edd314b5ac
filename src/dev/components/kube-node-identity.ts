import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { StackConfig } from '../config';
import { pidFile } from '../component';
import { livePid, stopDaemon } from '../process';
import { kubeApiserverComponent } from './kube-apiserver';
import { apiserverUrl, loadKubeStackConfig, type KubeStackConfig } from './kube-config';
import { kubeNodeName } from './kube-node-config';
import { ensurePki, nodeKubeconfig } from './kube-pki';
import { waitForApiserver } from './kube-probe';

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

async function ensureNodeTokensKnown(config: StackConfig): Promise<void> {
  const kube = loadKubeStackConfig(config);
  await waitForApiserver(kube);
  await ensurePki(kube);
  const { token } = nodeKubeconfig(kube, kubeNodeName(0));
  const status = await statusWithToken(kube, token);
  if (status === 200) return;
  if (status !== 401) throw new Error(`kube-apiserver answered ${status} to a node's token check (GET /version)`);
  // The API server reads its token file only at start, and this one started before the file
  // held node identities (a stack from before real nodes existed). Every node identity is
  // written up front, so this happens once per state dir.
  const apiserverPidFile = pidFile(config, kubeApiserverComponent.name);
  if (livePid(apiserverPidFile) === undefined) {
    throw new Error(`the running kube-apiserver does not know the node identities of ${kube.pki.tokenFile} and was not started by this stack; restart it`);
  }
  await stopDaemon(apiserverPidFile);
  await kubeApiserverComponent.start(config);
  await waitForApiserver(kube);
  const after = await statusWithToken(kube, token);
  if (after !== 200) throw new Error(`kube-apiserver still refuses the node token after a restart (${after}); see its log`);
}

const checked = new Map<string, Promise<void>>();

/**
 * Makes sure the API server authenticates the kubelets' own tokens (`system:node:<name>` in
 * `system:nodes`), restarting the stack's API server once if it predates them. Nodes start side
 * by side; they share one check per state dir.
 */
export function ensureNodeIdentities(config: StackConfig): Promise<void> {
  let pending = checked.get(config.stateDir);
  if (!pending) {
    pending = ensureNodeTokensKnown(config);
    pending.catch(() => checked.delete(config.stateDir));
    checked.set(config.stateDir, pending);
  }
  return pending;
}
