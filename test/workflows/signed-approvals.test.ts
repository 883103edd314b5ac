/**
 * Signed approvals end to end on the real Temporal dev server: keys made by `sluice approver
 * keygen`, approvals sent by `sluice approve --key` (CLI child processes) and, for tokens a CLI
 * would never make (replayed, stale), by the client library. The worker is a real Temporal worker
 * whose verifyApproval activity comes from the production composition root
 * (createSluiceActivities reading SLUICE_APPROVER_KEYS); the deploy target is the file fake
 * (test/workflows/support/file-target.ts), which is not what is under test here.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import pino from 'pino';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { readApproverKey, signApproval } from '../../src/client';
import { prometheusUrl } from '../../src/dev/config';
import { ErrorType } from '../../src/domain/errors';
import type { DeploymentEvent, DeploymentStatus } from '../../src/domain/status';
import { createSluiceActivities } from '../../src/worker/activities';
import { abortSignal, approveSignal, approveUpdate, statusQuery } from '../../src/workflows/definitions';
import type { deployWorkflow } from '../../src/workflows';
import { describeResult, runCli } from '../cli/helpers';
import { stack } from '../helpers/stack';
import { newService, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from './support/harness';

const V1 = '1.0.0+aaaaaaa';
const V2 = '1.1.0+bbbbbbb';
const V3 = '1.2.0+ccccccc';
const GATE_2 = 'canary step 2 (pause)';
const GATE_4 = 'canary step 4 (pause)';
const TWO_GATES = { kind: 'canary' as const, steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] };

type Handle = WorkflowHandle<typeof deployWorkflow>;

const root = mkdtempSync(join(tmpdir(), 'sluice-approvals-'));
/** Each approver's own machine: where keygen writes the pair. */
const home = join(root, 'home');
/** Another pair named alice, made elsewhere: its public key is not the one the worker trusts. */
const impostor = join(root, 'impostor');
/** The worker's SLUICE_APPROVER_KEYS: alice's and carol's public keys (carol is no approver; bob has no key here). */
const trusted = join(root, 'trusted');

async function keygen(name: string, out: string): Promise<void> {
  const r = await runCli(['approver', 'keygen', '--name', name, '--out', out]);
  assert.equal(r.code, 0, describeResult(r));
}

function refusals(status: DeploymentStatus): DeploymentEvent[] {
  return status.events.filter((e) => e.type === 'approval-refused');
}

/** Waits for the n-th refusal, and checks that it left the gate closed and says who and why, without token material. */
async function expectRefusal(handle: Handle, n: number, gate: string, by: string, errorType: string, why: RegExp): Promise<DeploymentEvent> {
  const status = await waitForStatus(handle, `refusal ${n} (${errorType})`, (s) => refusals(s).length >= n);
  const event = refusals(status)[n - 1]!;
  assert.equal(status.phase, 'awaiting-approval', JSON.stringify(event));
  assert.equal(status.awaitingApproval?.gate, gate);
  assert.deepEqual([event.data?.gate, event.data?.by, event.data?.errorType], [gate, by, errorType], JSON.stringify(event));
  assert.match(event.message, why);
  assert.doesNotMatch(JSON.stringify(event), /[A-Za-z0-9+/]{86}==|PRIVATE KEY|MC4CAQAw/, 'no signature or key in the event');
  return event;
}

/** An update refused by the workflow: the reason is the cause's message (the outer one says "Workflow Update failed"). */
function refusedWith(re: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
    assert.match((err.cause as Error).message, re);
    return true;
  };
}

function cliApprove(service: string, ...args: string[]) {
  return runCli(['approve', service, 'test', ...args]);
}

before(async () => {
  await keygen('alice', home);
  await keygen('bob', home);
  await keygen('carol', home);
  await keygen('alice', impostor);
  mkdirSync(trusted);
  for (const name of ['alice', 'carol']) copyFileSync(join(home, `${name}.pub`), join(trusted, `${name}.pub`));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('approver keygen writes a private key only its owner reads and a public key, prints neither, and never overwrites', async () => {
  assert.equal(statSync(home).mode & 0o777, 0o700);
  assert.equal(statSync(join(home, 'alice.key')).mode & 0o777, 0o600);
  const pub = statSync(join(home, 'alice.pub')).mode & 0o777;
  assert.ok((pub & 0o600) === 0o600 && (pub & 0o022) === 0, pub.toString(8));
  assert.match(readFileSync(join(home, 'alice.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(readFileSync(join(home, 'alice.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(readApproverKey(join(home, 'alice.key')).name, 'alice');

  const out = join(root, 'keygen-once');
  const first = await runCli(['approver', 'keygen', '--name', 'dave', '--out', out]);
  assert.equal(first.code, 0, describeResult(first));
  assert.doesNotMatch(first.stdout + first.stderr, /BEGIN|PRIVATE KEY-----/, 'no key material printed');
  assert.match(first.stdout, /dave\.key/);
  const again = await runCli(['approver', 'keygen', '--name', 'dave', '--out', out]);
  assert.equal(again.code, 1, describeResult(again));
  assert.match(again.stderr, /exists already/);
  const bad = await runCli(['approver', 'keygen', '--name', '../x', '--out', out]);
  assert.equal(bad.code, 1, describeResult(bad));
  assert.deepEqual(readdirSync(out).sort(), ['dave.key', 'dave.pub']);
});

describe('a worker with approver keys (SLUICE_APPROVER_KEYS)', () => {
  let h: Harness;
  before(async () => {
    // The activity as the production worker wires it: createSluiceActivities reads the variable.
    const wired = createSluiceActivities({
      docker: new Docker({ socketPath: stack.docker.socket }),
      artifactStore: root,
      prometheusUrl: prometheusUrl(stack),
      prometheusTargetsDir: root,
      logger: pino({ level: 'silent' }),
      stack,
      env: { ...process.env, SLUICE_APPROVER_KEYS: trusted },
    });
    h = await startHarness({ buildMs: 0, activities: { verifyApproval: wired.verifyApproval } });
  });
  after(async () => {
    await h?.close();
  });

  test('only a listed approver signing for this run and gate opens it; every other approve is refused and recorded', { timeout: 240000 }, async () => {
    const service = newService('signed');
    seedStable(h, service, V1);
    const a = await startDeploy(h, spec(service, V2, { strategy: TWO_GATES, approval: { approvers: ['alice', 'bob'] } }));
    await waitForStatus(a, 'the first gate', (s) => s.awaitingApproval?.gate === GATE_2);
    const { runId } = await a.describe();
    const alice = readApproverKey(join(home, 'alice.key'));
    let n = 0;

    // Signed by a key the worker does not trust: another alice key, and bob, whose key the worker lacks.
    const forged = await cliApprove(service, '--key', join(impostor, 'alice.key'));
    assert.equal(forged.code, 1, describeResult(forged));
    assert.match(forged.stderr, /refused.*signature does not match alice's public key/);
    await expectRefusal(a, ++n, GATE_2, 'alice', ErrorType.ApprovalSignatureInvalid, /signature does not match/);
    const bob = await cliApprove(service, '--key', join(home, 'bob.key'));
    assert.equal(bob.code, 1, describeResult(bob));
    await expectRefusal(a, ++n, GATE_2, 'bob', ErrorType.ApproverKeyUnknown, /no public key for bob/);

    // A valid key, but carol is not among the approvers.
    const carol = await cliApprove(service, '--key', join(home, 'carol.key'));
    assert.equal(carol.code, 1, describeResult(carol));
    assert.match(carol.stderr, /carol may not approve; approvers: alice, bob/);
    await expectRefusal(a, ++n, GATE_2, 'carol', ErrorType.ApproverNotAllowed, /carol may not approve/);

    // Unsigned, as before signed approvals: the name alone no longer opens the gate, by update or by signal.
    const unsigned = await cliApprove(service, '--by', 'alice');
    assert.equal(unsigned.code, 1, describeResult(unsigned));
    assert.match(unsigned.stderr, /not signed/);
    await expectRefusal(a, ++n, GATE_2, 'alice', ErrorType.ApprovalUnsigned, /^approve from alice for canary step 2 \(pause\) refused: the approval is not signed/);
    await a.signal(approveSignal, 'alice');
    const signal = await expectRefusal(a, ++n, GATE_2, 'alice', ErrorType.ApprovalUnsigned, /^approve signal from alice/);
    assert.equal(signal.data?.via, 'approve signal');

    // Alice's real signature, but for the other gate of this run, or issued too long ago.
    const otherGate = signApproval(alice, { workflowId: a.workflowId, runId, gate: GATE_4 });
    await assert.rejects(a.executeUpdate(approveUpdate, { args: ['alice', otherGate] }), refusedWith(/signed for the gate "canary step 4 \(pause\)"/));
    await expectRefusal(a, ++n, GATE_2, 'alice', ErrorType.ApprovalSignatureInvalid, /open gate is "canary step 2 \(pause\)"/);
    const stale = signApproval(alice, { workflowId: a.workflowId, runId, gate: GATE_2 }, new Date(Date.now() - 10 * 60_000));
    await assert.rejects(a.executeUpdate(approveUpdate, { args: ['alice', stale] }), refusedWith(/tokens last 5m/));
    await expectRefusal(a, ++n, GATE_2, 'alice', ErrorType.ApprovalExpired, /signed 10m \d+s ago/);

    // A token that is not one (the CLI never sends it; another client may): the activity parses it, so the refusal is recorded.
    const malformed = { ...signApproval(alice, { workflowId: a.workflowId, runId, gate: GATE_2 }), signature: 'short' };
    await assert.rejects(a.executeUpdate(approveUpdate, { args: ['alice', malformed] }), refusedWith(/malformed approval token \(signature\)/));
    await expectRefusal(a, ++n, GATE_2, 'alice', ErrorType.ApprovalSignatureInvalid, /malformed approval token \(signature\)/);

    // The keys are read on every check: a file in the directory that is not a key refuses approvals, naming it.
    writeFileSync(join(trusted, 'zed.pub'), 'not a key\n');
    try {
      const broken = await cliApprove(service, '--key', join(home, 'alice.key'));
      assert.equal(broken.code, 1, describeResult(broken));
      await expectRefusal(a, ++n, GATE_2, 'alice', ErrorType.ApproverKeysInvalid, /the worker could not check the approval: .*zed\.pub: not a PEM public key/);
    } finally {
      rmSync(join(trusted, 'zed.pub'));
    }

    // `sluice status` shows the refusals too.
    const status = await runCli(['status', service, 'test']);
    assert.equal(status.code, 0, describeResult(status));
    assert.match(status.stdout, /approval-refused\s+approve signal from alice/);
    assert.match(status.stdout, /approval waiting at canary step 2 \(pause\)/);

    // The real thing, through the CLI.
    const ok = await cliApprove(service, '--key', join(home, 'alice.key'));
    assert.equal(ok.code, 0, describeResult(ok));
    assert.match(ok.stdout, /^approved canary step 2 \(pause\) as alice \(verified\) at /m);
    const second = await waitForStatus(a, 'the second gate', (s) => s.awaitingApproval?.gate === GATE_4);
    assert.match(second.events.find((e) => e.type === 'approved')!.message, /^canary step 2 \(pause\) approved by alice \(verified\)$/);
    assert.equal(refusals(second).length, n, 'nothing else refused');

    // A token kept from this run: good for this gate now, and for nothing in the next release.
    const kept = signApproval(alice, { workflowId: a.workflowId, runId, gate: GATE_4 });
    const ack = await a.executeUpdate(approveUpdate, { args: ['alice', kept] });
    assert.deepEqual([ack.gate, ack.approvedBy, ack.verified], [GATE_4, 'alice', true]);
    assert.equal((await result(a)).outcome, 'promoted');

    const b = await startDeploy(h, spec(service, V3, { strategy: TWO_GATES, approval: { approvers: ['alice', 'bob'] } }));
    try {
      await waitForStatus(b, 'the next release at its first gate', (s) => s.awaitingApproval?.gate === GATE_2);
      const replay = signApproval(alice, { workflowId: a.workflowId, runId, gate: GATE_2 });
      await assert.rejects(b.executeUpdate(approveUpdate, { args: ['alice', replay] }), refusedWith(/signed for run .* not for this run/));
      await expectRefusal(b, 1, GATE_2, 'alice', ErrorType.ApprovalSignatureInvalid, new RegExp(`signed for run ${runId}`));
    } finally {
      await b.signal(abortSignal, 'test done', 'test');
      assert.equal((await result(b)).outcome, 'aborted');
    }
  });

  test('a signed approve ends a bake early', { timeout: 120000 }, async () => {
    const service = newService('signed-bake');
    seedStable(h, service, V1);
    const handle = await startDeploy(
      h,
      spec(service, V2, { strategy: { kind: 'recreate', checks: { window: '500ms' } }, postPromotion: { bake: '10m' }, approval: { approvers: ['alice'] } }),
    );
    await waitForStatus(handle, 'the bake', (s) => s.phase === 'baking' && s.bake !== null && s.bake !== undefined);
    const unsigned = await cliApprove(service, '--by', 'alice');
    assert.equal(unsigned.code, 1, describeResult(unsigned));
    await waitForStatus(handle, 'the refusal', (s) => refusals(s).some((e) => e.data?.gate === 'bake'));
    const ok = await cliApprove(service, '--key', join(home, 'alice.key'));
    assert.equal(ok.code, 0, describeResult(ok));
    assert.match(ok.stdout, /approved bake as alice \(verified\)/);
    assert.equal((await result(handle)).outcome, 'promoted');
  });
});

test('a worker without approver keys takes the name as given and says the approval is unverified', { timeout: 120000 }, async () => {
  const h = await startHarness({ buildMs: 0 });
  try {
    const service = newService('unsigned');
    seedStable(h, service, V1);
    const handle = await startDeploy(h, spec(service, V2, { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] }, approval: { approvers: ['alice'] } }));
    await waitForStatus(handle, 'the gate', (s) => s.phase === 'awaiting-approval');
    // A token that is not one is refused all the same, and recorded.
    const { runId } = await handle.describe();
    const malformed = { ...signApproval(readApproverKey(join(home, 'alice.key')), { workflowId: handle.workflowId, runId, gate: GATE_2 }), signature: 'short' };
    await assert.rejects(handle.executeUpdate(approveUpdate, { args: ['alice', malformed] }), refusedWith(/malformed approval token \(signature\)/));
    await expectRefusal(handle, 1, GATE_2, 'alice', ErrorType.ApprovalSignatureInvalid, /malformed approval token/);
    // Signed or not: with nothing to check a signature against, both are the name alone.
    const ok = await cliApprove(service, '--key', join(home, 'alice.key'));
    assert.equal(ok.code, 0, describeResult(ok));
    assert.match(ok.stdout, /as alice \(unverified\)/);
    const done = await result(handle);
    assert.equal(done.outcome, 'promoted');
    const status = await handle.query(statusQuery);
    assert.match(status.events.find((e) => e.type === 'approved')!.message, /approved by alice \(unverified: the worker holds no approver keys\)$/);
    assert.equal(refusals(status).length, 1, 'only the malformed token');
  } finally {
    await h.close();
  }
});
