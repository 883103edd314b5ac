/**
 * Every string and every byte payload in a workflow history (or any decoded protobuf object),
 * decoded as UTF-8, so a test that looks for a secret finds it even inside base64 or a payload.
 */
export function historyText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) value.forEach((v) => historyText(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => historyText(v, out));
  return out;
}
