"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Saga = void 0;
exports.describeError = describe;
/**
 * The undo list. Each step that changes the world registers its undo *before* acting (the undo is
 * idempotent, so running it for a step that never happened is harmless), and the undos run
 * newest-first in a scope that nothing can cancel: not an abort, not a Temporal cancel request.
 */
const workflow_1 = require("@temporalio/workflow");
function describe(err) {
    let e = err;
    const parts = [];
    for (let depth = 0; e && depth < 4; depth++) {
        if (e instanceof Error)
            parts.push(e.message);
        e = e.cause;
    }
    return parts.filter(Boolean).join(': ') || String(err);
}
class Saga {
    undos = [];
    /** Registers an undo; call it before the step it undoes. */
    add(name, run) {
        this.undos.unshift({ name, run });
    }
    get pending() {
        return this.undos.map((u) => u.name);
    }
    /** The release is final: nothing left to undo. */
    clear() {
        this.undos.length = 0;
    }
    /**
     * Runs every undo, newest first. A failing undo is recorded and the rest still run: restoring
     * the stable weight matters even when removing a canary container failed.
     */
    async compensate(tracker) {
        const report = { ran: [], failed: [] };
        await workflow_1.CancellationScope.nonCancellable(async () => {
            while (this.undos.length > 0) {
                const undo = this.undos.shift();
                const started = Date.now();
                try {
                    await undo.run();
                    report.ran.push(undo.name);
                    tracker.event('compensation', `undone: ${undo.name}`, { ms: Date.now() - started });
                }
                catch (err) {
                    report.failed.push({ name: undo.name, error: describe(err) });
                    tracker.event('compensation-failed', `undo failed: ${undo.name}: ${describe(err)}`);
                }
            }
        });
        return report;
    }
}
exports.Saga = Saga;
//# sourceMappingURL=saga.js.map