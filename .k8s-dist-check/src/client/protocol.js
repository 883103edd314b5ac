"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.rollbackWorkflowId = exports.deploymentWorkflowId = exports.SearchAttr = exports.DEFAULT_TASK_QUEUE = exports.ROLLBACK_WORKFLOW = exports.DEPLOY_WORKFLOW = exports.TERMINAL_PHASES = exports.statusQuery = exports.resumeSignal = exports.pauseSignal = exports.approveUpdate = exports.approveSignal = exports.abortSignal = void 0;
/**
 * What the client needs from the release workflows: their type names, messages, search
 * attributes and the shapes it reads back. Messages and types come from the workflow side
 * (src/workflows/definitions.ts, src/domain), so a rename breaks the build, not a release.
 */
const search_attributes_1 = require("../domain/search-attributes");
var definitions_1 = require("../workflows/definitions");
Object.defineProperty(exports, "abortSignal", { enumerable: true, get: function () { return definitions_1.abortSignal; } });
Object.defineProperty(exports, "approveSignal", { enumerable: true, get: function () { return definitions_1.approveSignal; } });
Object.defineProperty(exports, "approveUpdate", { enumerable: true, get: function () { return definitions_1.approveUpdate; } });
Object.defineProperty(exports, "pauseSignal", { enumerable: true, get: function () { return definitions_1.pauseSignal; } });
Object.defineProperty(exports, "resumeSignal", { enumerable: true, get: function () { return definitions_1.resumeSignal; } });
Object.defineProperty(exports, "statusQuery", { enumerable: true, get: function () { return definitions_1.statusQuery; } });
var status_1 = require("../domain/status");
Object.defineProperty(exports, "TERMINAL_PHASES", { enumerable: true, get: function () { return status_1.TERMINAL_PHASES; } });
/** Workflow type names as registered by the worker (the exported function names). */
exports.DEPLOY_WORKFLOW = 'deployWorkflow';
exports.ROLLBACK_WORKFLOW = 'rollbackWorkflow';
/** Same default as src/worker (kept here so the client does not load worker code). */
exports.DEFAULT_TASK_QUEUE = 'sluice';
exports.SearchAttr = {
    service: search_attributes_1.SluiceService,
    environment: search_attributes_1.SluiceEnvironment,
    version: search_attributes_1.SluiceVersion,
    phase: search_attributes_1.SluicePhase,
};
var ids_1 = require("../workflows/ids");
Object.defineProperty(exports, "deploymentWorkflowId", { enumerable: true, get: function () { return ids_1.deployWorkflowId; } });
Object.defineProperty(exports, "rollbackWorkflowId", { enumerable: true, get: function () { return ids_1.rollbackWorkflowId; } });
//# sourceMappingURL=protocol.js.map