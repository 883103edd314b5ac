import type { Payload, PayloadCodec } from '@temporalio/common';
import { testDataConverter } from './stack';

/**
 * Every string and every byte payload in a workflow history (or any decoded protobuf object),
 * decoded as UTF-8, so a test that looks for a secret finds it even inside base64 or a payload.
 */
export function historyText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
  else if (Array.isArray(value)) value.forEach((v) => historyText(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => historyText(v, out));
  return out;
}

function isPayload(value: object): value is Payload {
  const metadata = (value as { metadata?: unknown }).metadata;
  return !!metadata && typeof metadata === 'object' && (metadata as Record<string, unknown>).encoding instanceof Uint8Array;
}

/** A copy of `value` with every payload run back through the codecs (last applied, first undone). */
async function decodePayloads(value: unknown, codecs: PayloadCodec[]): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => decodePayloads(v, codecs)));
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (isPayload(value)) {
    let payloads: Payload[] = [value];
    for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
    return payloads[0];
  }
  const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await decodePayloads(v, codecs)] as const));
  return Object.fromEntries(entries);
}

/**
 * What someone allowed to decode payloads reads in a history: `historyText` after the suite's
 * codec (SLUICE_CODEC_KEYS_FILE, when set) has decrypted every payload. Tests that assert no secret
 * reaches history use this, so the assertion means the same with payload encryption on or off.
 */
export async function readableHistory(value: unknown): Promise<string> {
  const codecs = testDataConverter()?.payloadCodecs ?? [];
  return historyText(codecs.length > 0 ? await decodePayloads(value, codecs) : value).join('\n');
}
