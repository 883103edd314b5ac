/**
 * Signed approvals (issue 17; docs/workflows.md "Who may approve"). Temporal does not hand a
 * workflow the caller's verified identity, so an approver proves who they are by signing what
 * they approve with an Ed25519 key: one gate of one workflow run, at one time. The worker holds
 * the approvers' public keys and checks the signature in an activity; the name signed is then
 * checked against the environment's `approval.approvers`.
 *
 * Plain data and pure functions only: the CLI signs (src/client/approver-key.ts) and the activity
 * verifies (src/activities/approvals). The schemas of a token and of an approver's name are in
 * ./approval-token, which workflow code imports types from only.
 */
import type { ApprovalToken } from './approval-token';
import type { ErrorType } from './errors';

/** A signed token older than this is refused: long enough to type the command, short enough that a leaked one is soon worthless. */
export const APPROVAL_TOKEN_MAX_AGE_MS = 5 * 60_000;
/** How far in the future a token's issue time may be: the clocks of laptop and worker differ a little. */
export const APPROVAL_CLOCK_SKEW_MS = 60_000;

/** An approver's key files: `<name>.key` (private, stays with its owner) and `<name>.pub` (the worker's trust store). */
export const APPROVER_PRIVATE_KEY_SUFFIX = '.key';
export const APPROVER_PUBLIC_KEY_SUFFIX = '.pub';

/** The gate an approve during a bake opens (it ends the bake early); other gates are named by their step. */
export const BAKE_GATE = 'bake';

/** What an approver signs. */
export interface ApprovalClaims {
  workflowId: string;
  runId: string;
  /** The gate's label as the status shows it (`awaitingApproval.gate`), or BAKE_GATE while the release bakes. */
  gate: string;
  by: string;
  /** ISO 8601. */
  issuedAt: string;
}

/** The domain-separation prefix: a signature made for an approval can never pass for anything else signed with the same key. */
export const APPROVAL_SIGNING_CONTEXT = 'sluice-approval/v1';

/**
 * The exact bytes signed: the context, a newline, and the claims as JSON with sorted keys and no
 * whitespace (RFC 8785 canonical form, which for an object of strings is JSON.stringify with the
 * keys in order). Built field by field so an extra property can never slip into what is signed.
 */
export function approvalMessage(claims: ApprovalClaims): string {
  const canonical = { by: claims.by, gate: claims.gate, issuedAt: claims.issuedAt, runId: claims.runId, workflowId: claims.workflowId };
  return `${APPROVAL_SIGNING_CONTEXT}\n${JSON.stringify(canonical)}`;
}

/** What the workflow asks the worker: the approval as the workflow sees it (its own run and gate), and the token if one came. */
export interface VerifyApprovalInput {
  workflowId: string;
  runId: string;
  gate: string;
  by: string;
  token?: ApprovalToken;
}

/**
 * The worker's answer. `unverifiable`: it holds no approver keys (SLUICE_APPROVER_KEYS unset), so
 * names are taken as given, as before signed approvals. The reason never holds token material.
 */
export type ApprovalVerdict = { kind: 'verified' } | { kind: 'unverifiable' } | { kind: 'refused'; type: ErrorType; reason: string };

/** The activity (src/activities/approvals): reads the trust store and checks one approval. */
export interface ApprovalPort {
  verifyApproval(input: VerifyApprovalInput): Promise<ApprovalVerdict>;
}
