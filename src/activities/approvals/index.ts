/**
 * The verifyApproval activity: does a signed approval come from the approver it names? Workflow
 * code calls it from the approve handlers (an update validator cannot call activities) and
 * decides what to do with the verdict; this side only knows keys and signatures. The answer and
 * everything thrown name the approver, the gate and the run, never the token's signature.
 */
import { verify, type KeyObject } from 'node:crypto';
import { APPROVAL_CLOCK_SKEW_MS, APPROVAL_TOKEN_MAX_AGE_MS, approvalMessage, type ApprovalPort, type ApprovalVerdict, type VerifyApprovalInput } from '../../domain/approval';
import { ApprovalToken } from '../../domain/approval-token';
import { formatMs } from '../../domain/duration';
import { ErrorType } from '../../domain/errors';
import { readApproverKeys } from './trust-store';

export { APPROVER_KEYS_ENV, readApproverKeys } from './trust-store';

export interface ApprovalDeps {
  /** The approvers' public keys (SLUICE_APPROVER_KEYS); absent = this worker does not verify approvals. */
  keysDir?: string;
  /** Wall-clock milliseconds; a test may pin it. */
  now?: () => number;
}

function refused(type: ErrorType, reason: string): ApprovalVerdict {
  return { kind: 'refused', type, reason };
}

/**
 * The token's shape. It came from outside, through workflow history, and only here is it checked:
 * the workflow takes whatever the approve update carries, so that this refusal is recorded.
 */
function parseToken(token: unknown): { ok: true; token: ApprovalToken } | { ok: false; refusal: ApprovalVerdict } {
  const parsed = ApprovalToken.safeParse(token);
  if (parsed.success) return { ok: true, token: parsed.data };
  const where = parsed.error.issues.map((i) => i.path.join('.') || 'token').join(', ');
  return { ok: false, refusal: refused(ErrorType.ApprovalSignatureInvalid, `malformed approval token (${where})`) };
}

/** The verdict for one approval against `keys` at `nowMs`. Pure, so every refusal is easy to name. */
export function checkApproval(input: VerifyApprovalInput, keys: ReadonlyMap<string, KeyObject>, nowMs: number): ApprovalVerdict {
  if (input.token === undefined) {
    return refused(ErrorType.ApprovalUnsigned, 'the approval is not signed, and this worker verifies approvals: sign it with sluice approve --key <name>.key');
  }
  const parsed = parseToken(input.token);
  if (!parsed.ok) return parsed.refusal;
  const { token } = parsed;
  if (token.workflowId !== input.workflowId || token.runId !== input.runId) {
    return refused(ErrorType.ApprovalSignatureInvalid, `the token was signed for run ${token.runId} of ${token.workflowId}, not for this run (${input.runId})`);
  }
  if (token.gate !== input.gate) return refused(ErrorType.ApprovalSignatureInvalid, `the token was signed for the gate "${token.gate}", but the open gate is "${input.gate}"`);
  const ageMs = nowMs - Date.parse(token.issuedAt);
  if (ageMs > APPROVAL_TOKEN_MAX_AGE_MS) {
    return refused(ErrorType.ApprovalExpired, `the token was signed ${formatMs(ageMs)} ago; tokens last ${formatMs(APPROVAL_TOKEN_MAX_AGE_MS)}: approve again`);
  }
  if (-ageMs > APPROVAL_CLOCK_SKEW_MS) return refused(ErrorType.ApprovalExpired, `the token was issued ${formatMs(-ageMs)} in the future: check the signer's clock`);
  const key = keys.get(input.by);
  if (!key) return refused(ErrorType.ApproverKeyUnknown, `the worker holds no public key for ${input.by} (${input.by}.pub in its approver keys)`);
  // Verified against the workflow's own run and gate, not the token's copy of them.
  const message = Buffer.from(approvalMessage({ workflowId: input.workflowId, runId: input.runId, gate: input.gate, by: input.by, issuedAt: token.issuedAt }));
  if (!verify(null, message, key, Buffer.from(token.signature, 'base64'))) {
    return refused(ErrorType.ApprovalSignatureInvalid, `the signature does not match ${input.by}'s public key`);
  }
  return { kind: 'verified' };
}

export function createApprovalActivities(deps: ApprovalDeps = {}): ApprovalPort {
  const now = deps.now ?? Date.now;
  return {
    async verifyApproval(input) {
      if (deps.keysDir === undefined) {
        // Nothing to check a signature against, but a token that is not one is still refused.
        const parsed = input.token === undefined ? undefined : parseToken(input.token);
        return parsed && !parsed.ok ? parsed.refusal : { kind: 'unverifiable' };
      }
      // Read on every check: an approver added or removed takes effect without a restart.
      return checkApproval(input, readApproverKeys(deps.keysDir), now());
    },
  };
}
