import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { apiserverUrl, type KubeStackConfig } from './kube-config';

const execFileAsync = promisify(execFile);

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
} as const;

type Identity = keyof typeof IDENTITIES;
type Tokens = Record<Identity, string>;

async function openssl(args: string[], cwd: string): Promise<void> {
  await execFileAsync('openssl', args, { cwd });
}

/** A CA plus a serving certificate for 127.0.0.1/localhost, made once and kept in the state dir. */
async function ensureCertificates(kube: KubeStackConfig): Promise<void> {
  const { pki } = kube;
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650'];
  if (!existsSync(pki.caCert) || !existsSync(pki.caKey)) {
    await openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        pki.caKey,
        '-out',
        pki.caCert,
        '-subj',
        '/CN=sluice-local-kubernetes-ca',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      pki.dir,
    );
  }
  if (!existsSync(pki.servingCert) || !existsSync(pki.servingKey)) {
    const sans = ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc'];
    await openssl(
      [
        'req',
        '-x509',
        '-CA',
        pki.caCert,
        '-CAkey',
        pki.caKey,
        ...ec,
        '-keyout',
        pki.servingKey,
        '-out',
        pki.servingCert,
        '-subj',
        '/CN=kube-apiserver',
        '-addext',
        `subjectAltName=${sans.join(',')}`,
        '-addext',
        'basicConstraints=critical,CA:FALSE',
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      pki.dir,
    );
  }
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
  let tokens: Partial<Tokens> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Tokens>) : {};
  const complete = (Object.keys(IDENTITIES) as Identity[]).every((id) => typeof tokens[id] === 'string');
  if (!complete) {
    tokens = Object.fromEntries((Object.keys(IDENTITIES) as Identity[]).map((id) => [id, randomBytes(24).toString('hex')]));
    writeFileSync(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  }
  // kube-apiserver's static token file: token,user,uid,"group1,group2"
  const rows = (Object.keys(IDENTITIES) as Identity[]).map((id) => {
    const { user, groups } = IDENTITIES[id];
    return `${tokens[id]},${user},${user},"${groups.join(',')}"`;
  });
  writeFileSync(kube.pki.tokenFile, `${rows.join('\n')}\n`, { mode: 0o600 });
  return tokens as Tokens;
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
  const write = (path: string, id: Identity) => writeFileSync(path, kubeconfigYaml(kube, IDENTITIES[id].user, tokens[id]), { mode: 0o600 });
  write(kube.kubeconfig, 'admin');
  write(kube.componentKubeconfigs.controllerManager, 'controllerManager');
  write(kube.componentKubeconfigs.scheduler, 'scheduler');
  write(kube.componentKubeconfigs.kwok, 'kwok');
}
