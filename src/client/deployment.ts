import type { Client } from '@temporalio/client';
import type { DeploymentResult, DeploymentStatus } from './protocol';

/** Which deployment: one per service and environment (the workflow id). */
export interface DeploymentRef {
  service: string;
  environment: string;
}

export interface DeploymentSnapshot {
  workflowId: string;
  runId: string;
  link: string;
  /** RUNNING, COMPLETED, FAILED, TERMINATED, ... from Temporal. */
  execution: string;
  status?: DeploymentStatus;
  result?: DeploymentResult;
}

/**
 * What watching and listing history need from a connected client. SluiceClient implements it;
 * watch.ts and history.ts depend on this interface rather than on the class, so the three files
 * do not import each other in a circle.
 */
export interface DeploymentReader {
  readonly temporal: Client;
  link(workflowId: string, runId?: string): string;
  snapshot(ref: DeploymentRef, runId?: string): Promise<DeploymentSnapshot>;
  result(ref: DeploymentRef, runId?: string): Promise<DeploymentResult>;
}
