/**
 * The deployment workflow's messages, shared by workflow and client code. Names are the wire
 * contract (CLI, UI and scripts send them by name): add, never rename.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AlertNotice } from '../domain/alerts';
import type { ApprovalToken } from '../domain/approval-token';
import type { DeploymentStatus } from '../domain/status';

/** Stop the release and undo it. Honoured in any phase, also when sent before the phase starts. */
export const abortSignal = defineSignal<[reason: string, by: string]>('abort');
/** Open the gate that awaits approval. Ignored (and logged) when no gate is open. */
export const approveSignal = defineSignal<[by: string]>('approve');
/** Hold at the next step boundary; timers already running finish. */
export const pauseSignal = defineSignal<[by?: string]>('pause');
export const resumeSignal = defineSignal<[by?: string]>('resume');

/** A firing alert for this service and environment (sent by the Alertmanager receiver). Rolls back a baking release; ignored (and logged) otherwise. */
export const alertSignal = defineSignal<[alert: AlertNotice]>('alert');

export const statusQuery = defineQuery<DeploymentStatus>('status');

export interface ApprovalAck {
  gate: string;
  approvedBy: string;
  at: string;
  /** The worker checked `approvedBy`'s signature. Absent in acks from before signed approvals. */
  verified?: boolean;
}
/**
 * Like approveSignal, but acknowledged, and it may carry a signed token (src/domain/approval.ts)
 * that proves who `by` is. The validator rejects it when nothing awaits approval; the handler
 * refuses (recorded as `approval-refused`) a name the policy does not list or a signature that
 * does not check out.
 */
export const approveUpdate = defineUpdate<ApprovalAck, [by: string, token?: ApprovalToken]>('approve');
