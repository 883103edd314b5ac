import { chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { temporalClusterPkiDir, type StackConfig } from '../../config';
import { ensureLeafCertificate, ensureLocalCa, type CertificateFiles } from '../../local-ca';

/** The cluster's mTLS material: its CA, the servers' certificate (internode and frontend), the stack's client. */
export interface ClusterPki {
  ca: CertificateFiles;
  server: CertificateFiles;
  client: CertificateFiles;
}

export function clusterPki(config: StackConfig): ClusterPki {
  const dir = temporalClusterPkiDir(config.stateDir);
  return {
    ca: { cert: join(dir, 'ca.pem'), key: join(dir, 'ca-key.pem') },
    server: { cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem') },
    // The same paths loadStackConfig gives clients (config.temporal.tls).
    client: { cert: join(dir, 'client.pem'), key: join(dir, 'client-key.pem') },
  };
}

async function makePki(config: StackConfig): Promise<ClusterPki> {
  const pki = clusterPki(config);
  const fresh = await ensureLocalCa(pki.ca, 'sluice-temporal-cluster-ca');
  // One certificate per server process role would add nothing on one machine: every service
  // serves and dials the others (internode) with it, so it is good for both ends.
  await ensureLeafCertificate(pki.ca, pki.server, { commonName: 'temporal-cluster', sans: ['IP:127.0.0.1', 'DNS:localhost'], usages: ['serverAuth', 'clientAuth'] }, fresh);
  await ensureLeafCertificate(pki.ca, pki.client, { commonName: 'sluice', usages: ['clientAuth'] }, fresh);
  const dir = temporalClusterPkiDir(config.stateDir);
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o600);
  return pki;
}

const made = new Map<string, Promise<ClusterPki>>();

/** Once per state dir and process: the components of one `dev up` start side by side and share it. */
export function ensureClusterPki(config: StackConfig): Promise<ClusterPki> {
  const dir = temporalClusterPkiDir(config.stateDir);
  let run = made.get(dir);
  if (!run) {
    run = makePki(config);
    run.catch(() => made.delete(dir));
    made.set(dir, run);
  }
  return run;
}
