/**
 * The approvers' public keys, on the worker's side (the side an approver does not control): a
 * directory of `<name>.pub` files (SPKI PEM, as `sluice approver keygen` writes them), named by
 * SLUICE_APPROVER_KEYS. The file name is the approver's name. Adding or removing an approver is
 * adding or removing a file; it is read on every check, so no restart is needed.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
// The private half (.key) never belongs on the worker: whoever reads its disk would sign as the approver.
import { APPROVER_PRIVATE_KEY_SUFFIX as PRIVATE_SUFFIX, APPROVER_PUBLIC_KEY_SUFFIX as PUBLIC_SUFFIX } from '../../domain/approval';
import { ApproverName } from '../../domain/approval-token';
import { badInput, ErrorType } from '../../domain/errors';

export const APPROVER_KEYS_ENV = 'SLUICE_APPROVER_KEYS';

const PublicKeyPem = z.string().regex(/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/, 'not a PEM public key (-----BEGIN PUBLIC KEY-----)');

function invalid(message: string): Error {
  return badInput(ErrorType.ApproverKeysInvalid, message);
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

/** One `<name>.pub` file: an Ed25519 public key, or an error naming the file and what is wrong with it. */
function readPublicKey(path: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid(`cannot read the approver key ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const pem = PublicKeyPem.safeParse(text);
  if (!pem.success) throw invalid(`${path}: ${issues(pem.error)}`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem.data);
  } catch (err) {
    throw invalid(`${path}: not a readable public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw invalid(`${path}: key type ${key.asymmetricKeyType ?? 'unknown'}, but approver keys are Ed25519 (sluice approver keygen)`);
  return key;
}

/**
 * Every approver's public key in `dir`, by name. Files of other kinds are left alone (a README);
 * a private key is refused, and so is a `.pub` whose name or content is not an approver key.
 */
export function readApproverKeys(dir: string): Map<string, KeyObject> {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    throw invalid(`cannot read the approver keys directory ${dir} (${APPROVER_KEYS_ENV}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const keys = new Map<string, KeyObject>();
  for (const file of names) {
    const path = join(dir, file);
    if (file.endsWith(PRIVATE_SUFFIX))
      throw invalid(`${path} is a private key: the worker needs only ${file.slice(0, -PRIVATE_SUFFIX.length)}${PUBLIC_SUFFIX}; remove it and keep it with its approver`);
    if (!file.endsWith(PUBLIC_SUFFIX) || file.startsWith('.')) continue;
    const name = ApproverName.safeParse(file.slice(0, -PUBLIC_SUFFIX.length));
    if (!name.success) throw invalid(`${path}: the file name is the approver's name, and ${issues(name.error)}`);
    keys.set(name.data, readPublicKey(path));
  }
  return keys;
}
