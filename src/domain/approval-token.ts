/**
 * The schemas of signed approvals (./approval): the token `sluice approve --key` sends and the
 * names approver keys carry. Checked where a token comes in from outside, by the verifyApproval
 * activity, never in workflow code: every module a workflow imports is evaluated again for each
 * workflow the worker creates, and zod's evaluation took about 5 ms of each (docs/workflows.md).
 */
import { z } from 'zod';

/**
 * A name an approver key can carry. It is also a file name (`alice.key`, `alice.pub`), so it is
 * kept to characters every file system and shell takes as they are.
 */
export const ApproverName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'an approver name is 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit');

/**
 * What `sluice approve --key` sends beside `by`: the claims it signed (so a refusal can say which
 * run or gate the token was for) and the signature. Not a secret, but it is bound to one run,
 * one gate and a few minutes; an approved gate closes, and gate labels name their step, so
 * within its run a token has nothing else to open.
 */
export const ApprovalToken = z.strictObject({
  v: z.literal(1),
  workflowId: z.string().min(1).max(400),
  runId: z.string().min(1).max(100),
  gate: z.string().min(1).max(400),
  issuedAt: z.iso.datetime({ offset: true }),
  /** Ed25519 signature (64 bytes) of approvalMessage(claims), base64: 86 characters and the padding. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'an Ed25519 signature: 64 bytes in base64'),
});
export type ApprovalToken = z.infer<typeof ApprovalToken>;
