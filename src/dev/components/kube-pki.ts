import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ensureLeafCertificate, ensureLocalCa } from '../local-ca';
import { apiserverUrl, type KubeStackConfig } from './kube-config';
import { MAX_KUBE_NODES, kubeNodeName } from './kube-node-config';

/**
 * The identities of the local control plane. Static bearer tokens keep it simple (no client
 * certificates to rotate); each component still gets its own user so RBAC's bootstrap roles apply:
 * the controller-manager and scheduler run as the users those roles are bound to. kwok plays the
 * kubelet of every fake node, which no single Node-authorizer identity covers, so it is an admin.
 * Each real node's kubelet is `system:node:<name>` in `system:nodes`, so the Node authorizer
 * limits it to its own Node and the pods bound to it.
 */
const CONTROL_PLANE_IDENTITIES = {
  admin: { user: 'sluice-admin', groups: ['system:masters'] },
  controllerManager: { user: 'system:kube-controller-manager', groups: [] },
  scheduler: { user: 'system:kube-scheduler', groups: [] },
  kwok: { user: 'kwok', groups: ['system:masters'] },
} as const;

type ControlPlaneIdentity = keyof typeof CONTROL_PLANE_IDENTITIES;
/** Node identities are keyed by node name (kube-node-<i>). */
type Identity = ControlPlaneIdentity | `kube-node-${number}`;

/**
 * The API server reads its token file only when it starts, so every possible node gets its
 * identity up front: starting nodes later then never needs the API server restarted.
 */
function identities(): Map<Identity, { user: string; groups: readonly string[] }> {
  const all = new Map<Identity, { user: string; groups: readonly string[] }>(
    Object.entries(CONTROL_PLANE_IDENTITIES) as [ControlPlaneIdentity, { user: string; groups: readonly string[] }][],
  );
  for (let i = 0; i < MAX_KUBE_NODES; i++) {
    const name = kubeNodeName(i) as `kube-node-${number}`;
    all.set(name, { user: `system:node:${name}`, groups: ['system:nodes'] });
  }
  return all;
}

type Tokens = Partial<Record<Identity, string>>;

/** A CA plus a serving certificate for 127.0.0.1/localhost, made once and kept in the state dir. */
async function ensureCertificates(kube: KubeStackConfig): Promise<void> {
  const { pki } = kube;
  const ca = { cert: pki.caCert, key: pki.caKey };
  const caFresh = await ensureLocalCa(ca, 'sluice-local-kubernetes-ca');
  await ensureLeafCertificate(
    ca,
    { cert: pki.servingCert, key: pki.servingKey },
    {
      commonName: 'kube-apiserver',
      sans: ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc'],
      usages: ['serverAuth'],
    },
    caFresh,
  );
  if (!existsSync(pki.saKey) || !existsSync(pki.saPub)) {
    // Service-account tokens are signed by the API server and verified with the public half.
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(pki.saKey, pair.privateKey, { mode: 0o600 });
    writeFileSync(pki.saPub, pair.publicKey);
  }
}

function tokensJson(kube: KubeStackConfig): string {
  return `${kube.pki.tokenFile}.json`;
}

function ensureTokens(kube: KubeStackConfig): Tokens {
  const file = tokensJson(kube);
  const tokens: Tokens = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Tokens) : {};
  const all = identities();
  // Only missing identities get a token: the running components keep the ones they hold.
  const missing = [...all.keys()].filter((id) => typeof tokens[id] !== 'string');
  for (const id of missing) tokens[id] = randomBytes(24).toString('hex');
  if (missing.length > 0) writeFileSync(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  // kube-apiserver's static token file: token,user,uid,"group1,group2"
  const rows = [...all].map(([id, { user, groups }]) => `${tokens[id]},${user},${user},"${groups.join(',')}"`);
  writeIfChanged(kube.pki.tokenFile, `${rows.join('\n')}\n`);
  return tokens;
}

/**
 * Rewrites a secret file (0600) only when its content changes: tests in other processes read the
 * kubeconfigs at any time, and a rewrite in place could hand them a half-written file.
 */
export function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  writeFileSync(path, content, { mode: 0o600 });
}

/** The bearer token of one identity, made by ensurePki. */
function tokenOf(tokens: Tokens, id: Identity): string {
  const token = tokens[id];
  if (token === undefined) throw new Error(`no token for ${id}; ensurePki writes one per identity`);
  return token;
}

export function kubeconfigYaml(kube: KubeStackConfig, user: string, token: string): string {
  const ca = readFileSync(kube.pki.caCert).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sluice-local', cluster: { server: apiserverUrl(kube), 'certificate-authority-data': ca } }],
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
export async function ensurePki(kube: KubeStackConfig): Promise<void> {
  mkdirSync(kube.pki.dir, { recursive: true, mode: 0o700 });
  await ensureCertificates(kube);
  const tokens = ensureTokens(kube);
  const write = (path: string, id: ControlPlaneIdentity) => writeIfChanged(path, kubeconfigYaml(kube, CONTROL_PLANE_IDENTITIES[id].user, tokenOf(tokens, id)));
  write(kube.kubeconfig, 'admin');
  write(kube.componentKubeconfigs.controllerManager, 'controllerManager');
  write(kube.componentKubeconfigs.scheduler, 'scheduler');
  write(kube.componentKubeconfigs.kwok, 'kwok');
}

/**
 * The kubeconfig of one real node's kubelet: its own token, never the admin's. The token is
 * returned too, to check that the API server knows it; it is never logged.
 */
export function nodeKubeconfig(kube: KubeStackConfig, nodeName: string): { user: string; yaml: string; token: string } {
  const identity = identities().get(nodeName as Identity);
  if (!identity) throw new Error(`${nodeName} is not a node of this stack (at most ${MAX_KUBE_NODES})`);
  const token = tokenOf(JSON.parse(readFileSync(tokensJson(kube), 'utf8')) as Tokens, nodeName as Identity);
  return { user: identity.user, token, yaml: kubeconfigYaml(kube, identity.user, token) };
}
