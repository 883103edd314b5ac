/**
 * The pieces of signed approvals that need no stack: what is signed (a wire contract between CLI
 * and worker versions), the worker's verdicts, and the errors for key files, each naming the
 * file. The end-to-end behaviour is test/workflows/signed-approvals.test.ts.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkApproval, createApprovalActivities, readApproverKeys } from '../../src/activities/approvals';
import { readApproverKey, signApproval, writeApproverKeyPair } from '../../src/client/approver-key';
import { approvalMessage } from '../../src/domain/approval';
import { ErrorType } from '../../src/domain/errors';

const root = mkdtempSync(join(tmpdir(), 'sluice-approval-keys-'));
after(() => rmSync(root, { recursive: true, force: true }));

const own = join(root, 'own');
const alice = writeApproverKeyPair(own, 'alice');
const carol = writeApproverKeyPair(own, 'carol');
const trusted = join(root, 'trusted');
mkdirSync(trusted);
copyFileSync(alice.publicFile, join(trusted, 'alice.pub'));
copyFileSync(carol.publicFile, join(trusted, 'carol.pub'));
writeFileSync(join(trusted, 'README'), 'public keys of the approvers\n');

const run = { workflowId: 'deploy/checkout/production', runId: '0190-run', gate: 'canary step 2 (pause)' };
const NOW = Date.parse('2026-01-02T03:04:05.000Z');

function refusal(verdict: ReturnType<typeof checkApproval>): { type: string; reason: string } {
  assert.equal(verdict.kind, 'refused', JSON.stringify(verdict));
  return verdict as { kind: 'refused'; type: string; reason: string };
}

test('the signed message is the context line and the claims as sorted, compact JSON', () => {
  assert.equal(
    approvalMessage({ ...run, by: 'alice', issuedAt: '2026-01-02T03:04:05.000Z' }),
    'sluice-approval/v1\n{"by":"alice","gate":"canary step 2 (pause)","issuedAt":"2026-01-02T03:04:05.000Z","runId":"0190-run","workflowId":"deploy/checkout/production"}',
  );
});

test('the worker verifies a signature made for this run and gate by the named approver, and refuses every other one', () => {
  const keys = readApproverKeys(trusted);
  assert.deepEqual([...keys.keys()], ['alice', 'carol'], 'the README is left alone');
  const key = readApproverKey(alice.keyFile);
  const token = signApproval(key, run, new Date(NOW - 1000));
  assert.deepEqual(checkApproval({ ...run, by: 'alice', token }, keys, NOW), { kind: 'verified' });

  assert.equal(refusal(checkApproval({ ...run, by: 'alice' }, keys, NOW)).type, ErrorType.ApprovalUnsigned);
  // Alice's token presented as carol's: carol's public key does not verify it.
  assert.match(refusal(checkApproval({ ...run, by: 'carol', token }, keys, NOW)).reason, /does not match carol's public key/);
  const flipped = `${token.signature[0] === 'A' ? 'B' : 'A'}${token.signature.slice(1)}`;
  assert.equal(refusal(checkApproval({ ...run, by: 'alice', token: { ...token, signature: flipped } }, keys, NOW)).type, ErrorType.ApprovalSignatureInvalid);
  // Claims edited to match another run: the signature was over the original ones.
  const moved = { ...token, runId: 'another-run' };
  assert.match(refusal(checkApproval({ ...run, runId: 'another-run', by: 'alice', token: moved }, keys, NOW)).reason, /signature does not match/);
  assert.match(refusal(checkApproval({ ...run, runId: 'another-run', by: 'alice', token }, keys, NOW)).reason, /signed for run 0190-run/);
  const future = signApproval(key, run, new Date(NOW + 5 * 60_000));
  assert.match(refusal(checkApproval({ ...run, by: 'alice', token: future }, keys, NOW)).reason, /in the future/);
  assert.deepEqual(checkApproval({ ...run, by: 'alice', token: signApproval(key, run, new Date(NOW + 30_000)) }, keys, NOW), { kind: 'verified' }, 'a small clock skew is fine');
  assert.equal(refusal(checkApproval({ ...run, by: 'dave', token }, keys, NOW)).type, ErrorType.ApproverKeyUnknown);
  const malformed = { ...token, signature: 'short' };
  assert.match(refusal(checkApproval({ ...run, by: 'alice', token: malformed }, keys, NOW)).reason, /malformed approval token \(signature\)/);
});

test('without a keys directory the worker cannot verify, and says so instead of refusing', async () => {
  assert.deepEqual(await createApprovalActivities().verifyApproval({ ...run, by: 'alice' }), { kind: 'unverifiable' });
});

test('a keys directory that is missing, holds a private key, an RSA key or a badly named file is refused, naming it', () => {
  const bad = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(root, 'bad-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const refused = (dir: string, re: RegExp) =>
    assert.throws(
      () => readApproverKeys(dir),
      (err: Error & { type?: string }) => err.type === ErrorType.ApproverKeysInvalid && re.test(err.message),
    );
  refused(join(root, 'nowhere'), /nowhere \(SLUICE_APPROVER_KEYS\): ENOENT/);
  refused(bad({ 'alice.key': 'x' }), /alice\.key is a private key: the worker needs only alice\.pub/);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  refused(bad({ 'bob.pub': rsa }), /bob\.pub: key type rsa, but approver keys are Ed25519/);
  refused(bad({ 'bob smith.pub': rsa }), /bob smith\.pub: the file name is the approver's name/);
  refused(bad({ 'bob.pub': 'ssh-ed25519 AAAA bob@laptop\n' }), /bob\.pub: not a PEM public key/);
});

test("the approver's key file must be private, Ed25519, and named after its approver", () => {
  const loose = join(root, 'loose.key');
  copyFileSync(alice.keyFile, loose);
  chmodSync(loose, 0o644);
  assert.throws(() => readApproverKey(loose), /loose\.key may be read by others: chmod 600/);
  const rsa = join(root, 'rsa.key');
  writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  assert.throws(() => readApproverKey(rsa), /rsa\.key: key type rsa, but approver keys are Ed25519/);
  assert.throws(() => readApproverKey(alice.publicFile), /named <name>\.key/);
  const junk = join(root, 'junk.key');
  writeFileSync(junk, 'not a key', { mode: 0o600 });
  assert.throws(
    () => readApproverKey(junk),
    (err: Error & { type?: string }) => err.type === ErrorType.ApproverKeyInvalid && /junk\.key is not a PEM private key/.test(err.message),
  );
});
