/**
 * The payload codec on its own: AES-256-GCM round trips, rotation (new payloads under the active
 * key, old ones still readable), and every way a payload or a keys file can be wrong, each refused
 * with a message that names a key id and never a key.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, EncryptionCodec, encryptionKeysFrom, KEY_ID_METADATA, readEncryptionKeys } from '../../src/lib/payload-encryption';
import { CodecSessions, SESSION_COOKIE } from '../../src/receivers/codec/sessions';

const key = () => randomBytes(32).toString('base64');
const k1 = key();
const k2 = key();
const text = (p: Payload) => Buffer.from(p.data ?? []).toString();
/** A payload as comparable text: encoding and data. */
const shown = (p: Payload) => ({ encoding: Buffer.from(p.metadata?.encoding ?? []).toString(), data: text(p) });

describe('the payload encryption codec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-codec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('encrypts with the active key and decrypts back to the same payload', async () => {
    const codec = new EncryptionCodec(encryptionKeysFrom({ active: 'k1', keys: { k1 } }));
    const plain = defaultPayloadConverter.toPayload({ changelog: 'Ada: fix the checkout total', secretName: 'DB_PASSWORD' });
    const [sealed] = await codec.encode([plain]);
    assert.equal(Buffer.from(sealed!.metadata!.encoding!).toString(), ENCRYPTED_ENCODING);
    assert.equal(Buffer.from(sealed!.metadata![KEY_ID_METADATA]!).toString(), 'k1');
    assert.ok(!text(sealed!).includes('checkout'), 'no plaintext in the sealed payload');
    assert.deepEqual((await codec.decode([sealed!])).map(shown), [shown(plain)]);
    // Random IVs: the same value never seals to the same bytes.
    const [again] = await codec.encode([plain]);
    assert.notDeepEqual(again!.data, sealed!.data);
  });

  test('after a rotation new payloads use the new key and old ones still decrypt', async () => {
    const before = new EncryptionCodec(encryptionKeysFrom({ active: 'k1', keys: { k1 } }));
    const rotated = new EncryptionCodec(encryptionKeysFrom({ active: 'k2', keys: { k1, k2 } }));
    const plain = defaultPayloadConverter.toPayload('release 1.4.2');
    const [old] = await before.encode([plain]);
    const [fresh] = await rotated.encode([plain]);
    assert.equal(Buffer.from(fresh!.metadata![KEY_ID_METADATA]!).toString(), 'k2');
    assert.deepEqual((await rotated.decode([old!, fresh!])).map(shown), [shown(plain), shown(plain)]);
    await assert.rejects(before.decode([fresh!]), { name: 'SluiceCodecKeyUnknown', message: /key "k2", which the keys file does not hold/ });
  });

  test('an altered payload, or one moved under another key id, does not decrypt', async () => {
    const codec = new EncryptionCodec(encryptionKeysFrom({ active: 'k1', keys: { k1, k2: k1 } }));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await assert.rejects(codec.decode([{ ...sealed!, data: flipped }]), { name: 'SluiceCodecKeyUnknown', message: /does not decrypt with key "k1"/ });
    // Same key bytes under another id: the id is authenticated, so this fails too.
    const moved = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await assert.rejects(codec.decode([moved]), { name: 'SluiceCodecKeyUnknown' });
  });

  test('payloads that are not encrypted pass through decode untouched', async () => {
    const codec = new EncryptionCodec(encryptionKeysFrom({ active: 'k1', keys: { k1 } }));
    const plain = defaultPayloadConverter.toPayload({ a: 1 });
    assert.deepEqual(await codec.decode([plain]), [plain]);
  });

  test('a keys file is refused when others may read it, when it is not JSON, or when a key is not 32 bytes', () => {
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ active: 'k1', keys: { k1 } }), { mode: 0o644 });
    chmodSync(file, 0o644);
    assert.throws(() => readEncryptionKeys(file), { name: 'SluiceCodecKeysInvalid', message: /may be read by others: chmod 600/ });
    chmodSync(file, 0o600);
    assert.equal(readEncryptionKeys(file).activeId, 'k1');
    writeFileSync(file, 'not json');
    assert.throws(() => readEncryptionKeys(file), { message: /is not JSON/ });
    const short = randomBytes(16).toString('base64');
    writeFileSync(file, JSON.stringify({ active: 'k1', keys: { k1: short } }));
    assert.throws(
      () => readEncryptionKeys(file),
      (err: Error) => err.name === 'SluiceCodecKeysInvalid' && /key k1 is not the base64 of 32 bytes/.test(err.message) && !err.message.includes(short),
    );
    writeFileSync(file, JSON.stringify({ active: 'k9', keys: { k1 } }));
    assert.throws(() => readEncryptionKeys(file), { message: /active names a key that is not in keys/ });
  });
});

test("the codec server's browser sessions: a random id per sign-in, valid until it expires or is closed", () => {
  let now = 1_000_000;
  const sessions = new CodecSessions(60_000, () => now);
  const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;
  const first = cookieOf(sessions.open());
  const second = cookieOf(sessions.open());
  assert.match(first, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
  assert.notEqual(first, second);
  assert.ok(sessions.valid(first) && sessions.valid(`other=1; ${second}`));
  assert.ok(!sessions.valid(undefined) && !sessions.valid(`${SESSION_COOKIE}=made-up`));
  assert.match(sessions.close(first), /Max-Age=0/);
  assert.ok(!sessions.valid(first), 'closed');
  now += 60_000;
  assert.ok(!sessions.valid(second), 'expired');
});
