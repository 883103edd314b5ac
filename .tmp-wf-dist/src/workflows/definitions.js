"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.approveUpdate = exports.statusQuery = exports.resumeSignal = exports.pauseSignal = exports.approveSignal = exports.abortSignal = void 0;
/**
 * The deployment workflow's messages, shared by workflow and client code. Names are the wire
 * contract (CLI, UI and scripts send them by name): add, never rename.
 */
const workflow_1 = require("@temporalio/workflow");
/** Stop the release and undo it. Honoured in any phase, also when sent before the phase starts. */
exports.abortSignal = (0, workflow_1.defineSignal)('abort');
/** Open the gate that awaits approval. Ignored (and logged) when no gate is open. */
exports.approveSignal = (0, workflow_1.defineSignal)('approve');
/** Hold at the next step boundary; timers already running finish. */
exports.pauseSignal = (0, workflow_1.defineSignal)('pause');
exports.resumeSignal = (0, workflow_1.defineSignal)('resume');
exports.statusQuery = (0, workflow_1.defineQuery)('status');
/** Like approveSignal, but acknowledged; the validator rejects it when nothing awaits approval. */
exports.approveUpdate = (0, workflow_1.defineUpdate)('approve');
//# sourceMappingURL=definitions.js.map