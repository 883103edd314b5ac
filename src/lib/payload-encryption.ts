import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { ErrorType } from '../domain/errors';

/**
 * Payload encryption for everything Sluice puts in Temporal (specs, changelogs, results, signals):
 * AES-256-GCM over the whole serialized payload, so the server, its database and anyone who reads
 * raw history see only ciphertext and the id of the key. Keys rotate: new payloads use the active
 * key, and every key still in the file decrypts what it once encrypted.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
/** The environment variable naming the keys file, for the worker, the CLI and the receiver alike. */
export const KEYS_FILE_ENV = 'SLUICE_CODEC_KEYS_FILE';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class PayloadEncryptionError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const KeyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id is 1-64 letters, digits, dots, dashes or underscores');

/** The keys file: `{ "active": "<id>", "keys": { "<id>": "<base64 of 32 random bytes>", ... } }`. */
export const EncryptionKeysFile = z
  .object({
    active: KeyId,
    keys: z.record(KeyId, z.string().min(1)),
  })
  .strict()
  .refine((file) => file.active in file.keys, { message: 'active names a key that is not in keys', path: ['active'] });
export type EncryptionKeysFile = z.infer<typeof EncryptionKeysFile>;

export interface EncryptionKeys {
  activeId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Checks and decodes the keys; the message names the key id, never a key. */
export function encryptionKeysFrom(file: EncryptionKeysFile): EncryptionKeys {
  const keys = new Map<string, Buffer>();
  for (const [id, encoded] of Object.entries(file.keys)) {
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== encoded.replace(/\s/g, '')) {
      throw new PayloadEncryptionError(ErrorType.CodecKeysInvalid, `key ${id} is not the base64 of ${KEY_BYTES} bytes (make one with \`sluice codec keygen\`)`);
    }
    keys.set(id, key);
  }
  return { activeId: file.active, keys };
}

/**
 * Reads a keys file. It holds secrets, so one that its group or others may read is refused, as
 * ssh refuses such a private key.
 */
export function readEncryptionKeys(path: string): EncryptionKeys {
  return encryptionKeysFrom(readEncryptionKeysFile(path));
}

/** The keys file as written, checked (mode, JSON, schema, every key 32 bytes). */
export function readEncryptionKeysFile(path: string): EncryptionKeysFile {
  let text: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      throw new PayloadEncryptionError(ErrorType.CodecKeysInvalid, `${path} may be read by others: chmod 600 ${path}`);
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof PayloadEncryptionError) throw err;
    throw new PayloadEncryptionError(ErrorType.CodecKeysInvalid, `cannot read the payload keys file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PayloadEncryptionError(ErrorType.CodecKeysInvalid, `${path} is not JSON`);
  }
  const parsed = EncryptionKeysFile.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PayloadEncryptionError(ErrorType.CodecKeysInvalid, `${path}: ${detail}`);
  }
  encryptionKeysFrom(parsed.data);
  return parsed.data;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.keys.get(this.keys.activeId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: moving ciphertext under another id fails to decrypt.
      cipher.setAAD(Buffer.from(this.keys.activeId));
      const body = Buffer.concat([cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final()]);
      return {
        metadata: {
          encoding: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(this.keys.activeId),
        },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCRYPTED_ENCODING) return payload;
      const id = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
      const key = this.keys.keys.get(id);
      if (!key) {
        throw new PayloadEncryptionError(
          ErrorType.CodecKeyUnknown,
          `a payload is encrypted with key ${JSON.stringify(id)}, which the keys file does not hold (keep old keys after a rotation)`,
        );
      }
      const data = Buffer.from(payload.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadEncryptionError(ErrorType.CodecKeyUnknown, 'an encrypted payload is too short to hold its IV and tag');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadEncryptionError(ErrorType.CodecKeyUnknown, `a payload does not decrypt with key ${JSON.stringify(id)}: altered, or encrypted with another key of that id`);
      }
      const decoded = temporal.api.common.v1.Payload.decode(plain);
      return { metadata: decoded.metadata, data: decoded.data };
    });
  }
}

/** The data converter for `SLUICE_CODEC_KEYS_FILE`, or undefined when it is not set (payloads in the clear). */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const file = env[KEYS_FILE_ENV];
  if (!file) return undefined;
  return { payloadCodecs: [new EncryptionCodec(readEncryptionKeys(file))] };
}
