/**
 * What the client needs from the release workflows: their type names, messages, search
 * attributes and the shapes it reads back. Messages and types come from the workflow side
 * (src/workflows/definitions.ts, src/domain), so a rename breaks the build, not a release.
 */
import { SluiceEnvironment, SluicePhase, SluiceService, SluiceVersion } from '../domain/search-attributes';

export { abortSignal, approveSignal, approveUpdate, pauseSignal, resumeSignal, statusQuery, type ApprovalAck } from '../workflows/definitions';
export type { DeploymentEvent, DeploymentResult, DeploymentStatus, Outcome, Phase, RollbackRequest, RollbackResult } from '../domain/status';
export { TERMINAL_PHASES } from '../domain/status';

/** Workflow type names as registered by the worker (the exported function names). */
export const DEPLOY_WORKFLOW = 'deployWorkflow';
export const ROLLBACK_WORKFLOW = 'rollbackWorkflow';
/** What each host of a fleet runs and keeps (src/workflows/inventory.ts). */
export const FLEET_INVENTORY_WORKFLOW = 'fleetInventoryWorkflow';
/** Same default as src/worker (kept here so the client does not load worker code). */
export const DEFAULT_TASK_QUEUE = 'sluice';

export const SearchAttr = {
  service: SluiceService,
  environment: SluiceEnvironment,
  version: SluiceVersion,
  phase: SluicePhase,
} as const;

export { deployWorkflowId as deploymentWorkflowId, rollbackWorkflowId } from '../workflows/ids';
