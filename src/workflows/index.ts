/**
 * The worker's workflowsPath: every workflow type Sluice registers. Workflow code only; activity
 * code never reaches this bundle (types only).
 */
export { deployWorkflow } from './deploy';
export { rollbackWorkflow } from './rollback';
export { analysisWorkflow } from './analysis';
export { notifyWorkflow } from './notification';
export { drillWorkflow } from './drill';
export { scheduledDrillWorkflow } from './scheduled-drill';
export { fleetInventoryWorkflow } from './inventory';
