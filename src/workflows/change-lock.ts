/**
 * Releases and rollbacks of one service and environment exclude each other, drills' included (a
 * drill runs its release and rollbacks as children under the same ids). Each kind has its own
 * workflow id, so Temporal already runs one release and one rollback at a time; across the two,
 * each run asks, once it is running, whether the other runs, and refuses if so (Reason.
 * ChangeInProgress). Asking only after starting makes this a lock: of two started together, the
 * one that asks second sees the first, so both may refuse but both never go on.
 *
 * The question is a describe of the other workflow's id, run as a local activity
 * (WorkflowsPort.workflowRunning): it reads the execution itself, so it is consistent with no
 * visibility lag, and it costs no round trip through the server, so it runs beside the read of
 * the live version in the release's first workflow task. Runs recorded before that
 * (PATCH_CHANGE_LOCK_LOCAL) asked with a signal to the other id, which the server delivers only
 * to a running execution; a release still answers that probe for them.
 */
import { ApplicationFailure, defineSignal, getExternalWorkflowHandle, patched, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { WorkflowsPort } from '../domain/ports';
import { quickLookupActivity } from './activities';
import { deployWorkflowId, rollbackWorkflowId } from './ids';

/** Carries nothing; the workflow asked only acknowledges it (see installChangeLock). */
export const changeLockProbe = defineSignal('sluice.changeLockProbe');

/** Histories recorded before the lock never asked. */
export const PATCH_CHANGE_LOCK = 'change-lock';

/** Histories recorded before the lock asked with a local activity asked with a signal. */
export const PATCH_CHANGE_LOCK_LOCAL = 'change-lock-local';

const lockQuestion = proxyLocalActivities<WorkflowsPort>(quickLookupActivity);

/** A release or rollback answers the other's probe (a no-op: delivery alone is the answer). */
export function installChangeLock(): void {
  setHandler(changeLockProbe, () => undefined);
}

/** The id of the rollback (for a release) or release (for a rollback) of the same service and environment running now, if any. */
export async function rivalRunning(self: 'release' | 'rollback', service: string, environment: string): Promise<string | undefined> {
  const rival = self === 'release' ? rollbackWorkflowId(service, environment) : deployWorkflowId(service, environment);
  if (patched(PATCH_CHANGE_LOCK_LOCAL)) return (await lockQuestion.workflowRunning({ workflowId: rival })) ? rival : undefined;
  try {
    await getExternalWorkflowHandle(rival).signal(changeLockProbe);
    return rival;
  } catch (err) {
    if (notFound(err)) return undefined;
    throw err;
  }
}

function notFound(err: unknown): boolean {
  return (err instanceof ApplicationFailure && err.type === 'ExternalWorkflowExecutionNotFound') || (err instanceof Error && /not found/i.test(err.message));
}
