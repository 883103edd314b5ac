/**
 * Who may approve (issue 17): the name an approval claims is checked against the environment's
 * approvers, and its signature, when the worker holds approver keys, by the verifyApproval
 * activity. This file decides; the activity only knows keys and signatures.
 *
 *   approvers | signed | worker keys | outcome
 *   empty     | no     | -           | approved, unverified (anyone may approve; no activity)
 *   listed    | no     | none        | approved, unverified (as before signed approvals)
 *   listed    | no     | some        | refused: ApprovalUnsigned
 *   any       | yes    | none        | approved, unverified (nothing to check it against)
 *   any       | yes    | some        | approved, verified; or refused with the activity's reason
 *   unlisted  | any    | -           | refused: ApproverNotAllowed
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import type { ApprovalVerdict } from '../domain/approval';
import type { ApprovalToken } from '../domain/approval-token';
import { ErrorType } from '../domain/errors';
import { approvalActivity, approvals, withSummary } from './activities';
import { describeError, rootApplicationFailure } from './saga';

/**
 * New commands in the approve handlers (a marker and the verifyApproval activity): histories
 * recorded before replay down the old path, which approved by name alone.
 */
export const PATCH_SIGNED_APPROVALS = 'signed-approvals';

export type IdentityCheck = { ok: true; verified: boolean; note?: string } | { ok: false; type: string; message: string };

/**
 * Whether an approval needs the checks of this file at all: not when anyone may approve and
 * nothing is signed. Asked before `patched()`, so such approvals add no marker and no activity.
 */
export function identityMatters(approvers: readonly string[], token: ApprovalToken | undefined): boolean {
  return approvers.length > 0 || token !== undefined;
}

/** True on runs (or replays) that take the checked path; call only when identityMatters. */
export function signedApprovalsPatched(): boolean {
  return patched(PATCH_SIGNED_APPROVALS);
}

/** The root ApplicationFailure's type and message of an activity failure (a broken keys directory). */
function activityFailure(err: unknown): { type: string; message: string } {
  const root = rootApplicationFailure(err);
  return root?.type ? { type: root.type, message: root.message } : { type: ErrorType.ApproverKeysInvalid, message: describeError(err) };
}

/** Checks that `by` may open `gate`, asking the worker about the signature when there is one to ask about. */
export async function checkIdentity(gate: string, approvers: readonly string[], by: string, token: ApprovalToken | undefined): Promise<IdentityCheck> {
  if (approvers.length > 0 && !approvers.includes(by)) {
    return { ok: false, type: ErrorType.ApproverNotAllowed, message: `${by || 'unknown'} may not approve; approvers: ${approvers.join(', ')}` };
  }
  if (!identityMatters(approvers, token)) return { ok: true, verified: false };
  const { workflowId, runId } = workflowInfo();
  let verdict: ApprovalVerdict;
  try {
    verdict = await withSummary(approvals.verifyApproval, approvalActivity, `check ${by || 'unknown'}'s signed approval of ${gate}`, {
      workflowId,
      runId,
      gate,
      by,
      ...(token ? { token } : {}),
    });
  } catch (err) {
    // The worker could not check (its keys directory is broken): refuse rather than wave it through.
    const failure = activityFailure(err);
    return { ok: false, type: failure.type, message: `the worker could not check the approval: ${failure.message}` };
  }
  switch (verdict.kind) {
    case 'verified':
      return { ok: true, verified: true };
    case 'unverifiable':
      return { ok: true, verified: false, note: 'the worker holds no approver keys' };
    case 'refused':
      return { ok: false, type: verdict.type, message: verdict.reason };
    default: {
      const unhandled: never = verdict;
      return unhandled;
    }
  }
}
