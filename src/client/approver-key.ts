/**
 * An approver's own key pair (docs/workflows.md "Who may approve"): `<name>.key`, the Ed25519
 * private key in PKCS#8 PEM that only its owner reads (mode 0600), and `<name>.pub`, the SPKI
 * PEM public key the worker's SLUICE_APPROVER_KEYS directory holds. The file name is the
 * approver's name. The private key signs on this machine and is never printed or sent.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { APPROVER_PRIVATE_KEY_SUFFIX as PRIVATE_KEY_SUFFIX, APPROVER_PUBLIC_KEY_SUFFIX as PUBLIC_KEY_SUFFIX, approvalMessage, type ApprovalClaims } from '../domain/approval';
import { ApproverName, type ApprovalToken } from '../domain/approval-token';
import { ErrorType } from '../domain/errors';
import { SluiceClientError } from './errors';

/** Where `sluice approve` finds the key when neither --key nor the environment names one. */
export const APPROVER_KEY_ENV = 'SLUICE_APPROVER_KEY';

export function defaultApproverKeyDir(): string {
  return join(homedir(), '.sluice', 'approver');
}

export interface ApproverKey {
  /** The approver's name: the key file's name without `.key`. */
  name: string;
  path: string;
  privateKey: KeyObject;
}

function keyError(message: string): SluiceClientError {
  return new SluiceClientError(ErrorType.ApproverKeyInvalid, message);
}

function approverName(name: string, what: string): string {
  const parsed = ApproverName.safeParse(name);
  if (!parsed.success) throw keyError(`${what}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** Writes a new key pair for `name` in `dir` (made 0700 if missing); never overwrites one. */
export function writeApproverKeyPair(dir: string, name: string): { keyFile: string; publicFile: string } {
  approverName(name, `"${name}"`);
  const keyFile = join(dir, `${name}${PRIVATE_KEY_SUFFIX}`);
  const publicFile = join(dir, `${name}${PUBLIC_KEY_SUFFIX}`);
  for (const file of [keyFile, publicFile]) if (existsSync(file)) throw keyError(`${file} exists already; remove it first to replace the key`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // Created 0600 from the start ('wx': a new file, never one someone else put there first).
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { keyFile, publicFile };
}

/** Reads a private key file; like ssh, refuses one that its group or others may read. */
export function readApproverKey(path: string): ApproverKey {
  if (!path.endsWith(PRIVATE_KEY_SUFFIX)) throw keyError(`${path}: an approver key file is named <name>${PRIVATE_KEY_SUFFIX} (sluice approver keygen)`);
  const name = approverName(basename(path, PRIVATE_KEY_SUFFIX), `${path}: the file name is the approver's name, and`);
  let pem: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0) throw keyError(`${path} may be read by others: chmod 600 ${path}`);
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof SluiceClientError) throw err;
    throw keyError(`cannot read the approver key ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    // The parser's message may quote the file; say only what it is not.
    throw keyError(`${path} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw keyError(`${path}: key type ${privateKey.asymmetricKeyType ?? 'unknown'}, but approver keys are Ed25519 (sluice approver keygen)`);
  return { name, path, privateKey };
}

/** Signs an approval of one gate of one run, now. */
export function signApproval(key: ApproverKey, claims: Omit<ApprovalClaims, 'by' | 'issuedAt'>, now: Date = new Date()): ApprovalToken {
  const issuedAt = now.toISOString();
  const signature = sign(null, Buffer.from(approvalMessage({ ...claims, by: key.name, issuedAt })), key.privateKey).toString('base64');
  return { v: 1, workflowId: claims.workflowId, runId: claims.runId, gate: claims.gate, issuedAt, signature };
}
