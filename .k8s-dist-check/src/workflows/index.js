"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.rollbackWorkflow = exports.deployWorkflow = void 0;
/**
 * The worker's workflowsPath: every workflow type Sluice registers. Workflow code only; activity
 * code never reaches this bundle (types only).
 */
var deploy_1 = require("./deploy");
Object.defineProperty(exports, "deployWorkflow", { enumerable: true, get: function () { return deploy_1.deployWorkflow; } });
var rollback_1 = require("./rollback");
Object.defineProperty(exports, "rollbackWorkflow", { enumerable: true, get: function () { return rollback_1.rollbackWorkflow; } });
//# sourceMappingURL=index.js.map