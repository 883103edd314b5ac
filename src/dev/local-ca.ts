import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A certificate and its private key (PEM files; the key 0600). */
export interface CertificateFiles {
  cert: string;
  key: string;
}

export interface LeafCertificate {
  commonName: string;
  /** subjectAltName entries, e.g. IP:127.0.0.1, DNS:localhost. */
  sans?: string[];
  usages: ('serverAuth' | 'clientAuth')[];
}

/** P-256 keys, ten years: a local stack's CA is made once per state dir and never rotated by hand. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650'];

async function openssl(args: string[], cwd: string): Promise<void> {
  await execFileAsync('openssl', args, { cwd });
}

/**
 * A self-signed CA, made by openssl when its files are missing and kept otherwise. True when it was
 * made now (certificates signed by an earlier one are then worthless).
 */
export async function ensureLocalCa(ca: CertificateFiles, commonName: string): Promise<boolean> {
  if (existsSync(ca.cert) && existsSync(ca.key)) return false;
  mkdirSync(dirname(ca.cert), { recursive: true, mode: 0o700 });
  await openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      ca.key,
      '-out',
      ca.cert,
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dirname(ca.cert),
  );
  return true;
}

/**
 * A certificate signed by `ca`, made when its files are missing (or `reissue`, e.g. after a new CA
 * or a changed address) and kept otherwise.
 */
export async function ensureLeafCertificate(ca: CertificateFiles, out: CertificateFiles, leaf: LeafCertificate, reissue = false): Promise<void> {
  if (!reissue && existsSync(out.cert) && existsSync(out.key)) return;
  mkdirSync(dirname(out.cert), { recursive: true, mode: 0o700 });
  await openssl(
    [
      'req',
      '-x509',
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      ...EC_KEY,
      '-keyout',
      out.key,
      '-out',
      out.cert,
      '-subj',
      `/CN=${leaf.commonName}`,
      ...(leaf.sans?.length ? ['-addext', `subjectAltName=${leaf.sans.join(',')}`] : []),
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-addext',
      `extendedKeyUsage=${leaf.usages.join(',')}`,
    ],
    dirname(out.cert),
  );
}
